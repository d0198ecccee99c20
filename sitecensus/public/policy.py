"""Who may read and answer citizens' error reports and edit the public news."""

from sitecensus.core import policy as base
from sitecensus.orgs.models import Unit

REPORTS = base.rule("public.reports", "只有国办、组织单位和填报单位可以查看网民找错")
ANSWER = base.rule("public.answer", "只有网站的填报单位可以答复")
NEWS = base.rule("public.news", "只有国办、省级政府办公厅和国务院部门办公厅可以发布工作动态")
NEWS_OWN = base.rule("public.news_own", "只能编辑本地区、本部门发布的工作动态")


def may_see_reports(user) -> bool:
    return base.is_business(user)


def may_answer(user, report) -> bool:
    return base.acts_for_unit(user, report.unit_id)


def may_write_news(user) -> bool:
    """The national office, and each province's or State Council department's general office for its own region."""
    return base.is_national(user) or (
        base.is_operator(user) and user.unit.depth == 2
        and user.unit.kind in (Unit.Kind.PROVINCIAL_OFFICE, Unit.Kind.MINISTRY_OFFICE))


def may_edit_post(user, post) -> bool:
    return may_write_news(user) and (base.is_national(user) or post.unit_id == user.unit_id)


def sees_all_news(user) -> bool:
    return base.is_national(user)


# ---------------------------------------------------------------- 找错 as the rules say (issue 24)

FORWARD = base.rule("public.forward", "只有网站主管单位的上级组织单位或国办可以转办找错")
REVIEW_PUBLIC = base.rule("public.review_public", "只有网站主管单位的上级组织单位或国办可以审核公开答复")


def is_higher_office(user, report) -> bool:
    """An organizing-unit operator above the report's unit (or the national office): not the unit itself."""
    unit = report.unit
    return base.is_operator(user) and user.unit_id != unit.pk and (
        base.is_national(user) or unit.path.startswith(user.unit.path))


def may_forward(user, report) -> bool:
    return is_higher_office(user, report)


def may_review_public(user, report) -> bool:
    return is_higher_office(user, report)


def report_actions(user, report) -> dict:
    """What the report's page offers this user (the template asks no role itself)."""
    from .models import PublicReport

    open_ = report.status not in PublicReport.CLOSED
    handles = may_answer(user, report) and open_
    return {"may_answer": handles,
            "may_refuse": handles,
            "may_offline": handles and not report.is_offline,
            "may_forward": may_forward(user, report) and report.is_new,
            "may_review_public": may_review_public(user, report) and not open_}
