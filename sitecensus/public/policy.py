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
