"""Who may generate, fill, approve, publish and read the annual reports.

A site's report is filled by its unit (主办单位: a business account of the unit, or the site's
identifier-code login) and approved by the organizing unit directly above that unit; the
supervision report is compiled by a province's general office or a State Council department's
office for itself; the national office reads every report and sets the deadline."""

from __future__ import annotations

from sitecensus.core import policy as base
from sitecensus.orgs.models import Unit

GENERATE = base.rule("annual.generate", "只有组织单位可以为其范围内的网站生成年度报表")
FILL = base.rule("annual.fill", "只有网站的主办单位可以填写、报送本网站的年度报表")
APPROVE = base.rule("annual.approve", "只有上一级组织单位可以审核该年度报表")
PUBLISH = base.rule("annual.publish", "只有网站的主办单位或审核单位可以发布年度报表")
COMPILE = base.rule("annual.compile", "只有省级政府办公厅或国务院部门办公厅可以编制本地区、本部门的监管年度报表")
DEADLINE = base.rule("annual.deadline", "只有国务院办公厅可以设置年度报表发布期限")
SEE = base.rule("annual.see", "您的账号不能查看年度报表")
CHECK = base.rule("annual.check", "只有审核单位或上级组织单位可以检查首页链接")
STEP = base.rule("annual.step", "没有这个操作")

COMPILER_KINDS = {Unit.Kind.PROVINCIAL_OFFICE, Unit.Kind.MINISTRY_OFFICE}


def _under(user, path: str) -> bool:
    return base.is_operator(user) and path.startswith(user.unit.path)


def may_generate(user) -> bool:
    return base.is_operator(user)


def may_generate_under(user, root) -> bool:
    """The national office anywhere (root None: the whole country); an organizing unit in its subtree."""
    if root is None:
        return base.is_national(user)
    return base.is_national(user) or _under(user, root.path)


def may_prefill_site(user, website) -> bool:
    """A site's own unit (or its site login), or an organizing unit above it."""
    return (base.acts_for_unit(user, website.unit_id) or base.is_site_of(user, website.site_code)
            or _under(user, website.unit.path))


def list_scope(user) -> str:
    """Which work reports the user's lists hold: all, its site's, its subtree's or its unit's."""
    if base.is_national(user):
        return "all"
    if base.is_site_login(user):
        return "site"
    return "subtree" if base.is_operator(user) else "unit"


def may_see_annual(user) -> bool:
    return base.is_business(user) or base.is_site_login(user)


def may_see(user, report) -> bool:
    if base.is_national(user):
        return True
    if base.is_site_of(user, report.website.site_code):
        return True
    return base.acts_for_unit(user, report.unit_id) or _under(user, report.unit.path)


def may_fill(user, report) -> bool:
    return (report.is_editable
            and (base.acts_for_unit(user, report.unit_id) or base.is_site_of(user, report.website.site_code)))


def check_fill(user, report) -> None:
    FILL.check(base.acts_for_unit(user, report.unit_id) or base.is_site_of(user, report.website.site_code))


def may_approve(user, report) -> bool:
    return report.is_submitted and base.operates_unit(user, report.approver_id)


def check_approve(user, report) -> None:
    APPROVE.check(base.operates_unit(user, report.approver_id))


def may_publish(user, report) -> bool:
    return report.is_approved and (
        base.acts_for_unit(user, report.unit_id) or base.is_site_of(user, report.website.site_code)
        or base.operates_unit(user, report.approver_id))


def check_publish(user, report) -> None:
    PUBLISH.check(base.acts_for_unit(user, report.unit_id) or base.is_site_of(user, report.website.site_code)
                  or base.operates_unit(user, report.approver_id))


def may_check_link(user, report) -> bool:
    return report.is_published and (base.is_national(user) or _under(user, report.approver.path))


def check_check_link(user, report) -> None:
    CHECK.check(base.is_national(user) or _under(user, report.approver.path))


def may_compile(user, unit=None) -> bool:
    unit = unit or getattr(user, "unit", None)
    return (base.is_operator(user) and unit is not None and unit.kind in COMPILER_KINDS
            and base.operates_unit(user, unit.pk))


def check_compile(user, unit) -> None:
    COMPILE.check(may_compile(user, unit))


def may_see_supervision(user, report) -> bool:
    return base.is_national(user) or base.operates_unit(user, report.unit_id)


def generates_nationwide(user) -> bool:
    """The national office generates for the whole country; other organizing units for their subtree."""
    return base.is_national(user)


def may_list_supervision(user) -> bool:
    return may_compile(user) or base.is_national(user)


def may_set_deadline(user) -> bool:
    return base.is_national(user)


def check_set_deadline(user) -> None:
    DEADLINE.check(may_set_deadline(user))
