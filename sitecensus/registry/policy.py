"""Who may see, file, review, change and administer websites and campaigns.

A site's identifier-code login (role SITE) may do what the site's own reporting
unit may do for that one site: its forms and their changes. Never the
organizing unit's work (reviews, imports, progress, codes)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sitecensus.campaigns.policy import CALENDAR as CAMPAIGN_CALENDAR  # noqa: F401  (campaign pages ask here)
from sitecensus.campaigns.policy import CREATE as CAMPAIGN_CREATE  # noqa: F401
from sitecensus.campaigns.policy import SETTINGS as CAMPAIGN_SETTINGS  # noqa: F401
from sitecensus.core import policy as base
from sitecensus.core.errors import NotFound
from sitecensus.orgs.policy import may_manage_unit

from .models import Website

REVIEW = base.rule("registry.review", "只有组织单位可以审核")
OWNER = base.rule("registry.owner", "只有网站的填报单位或其直属组织单位可以提交变更")
FILE = base.rule("registry.file", "只有本单位的账号可以在线填报")
IMPORT = base.rule("registry.import", "只有组织单位可以导入")
PROGRESS = base.rule("registry.progress", "只有组织单位可以查看报送进度")
REMIND = base.rule("registry.remind", "只有组织单位可以发送催报提醒")
WORKBOOK = base.rule("registry.workbook", "只能下载本单位或直属下级单位的填报模板")
WORKBOOK_CHECK = base.rule("registry.workbook_check", "网站标识码账号不能检查填报文件")
RESET_CODE = base.rule("registry.reset_code", "只有填报单位或其直属组织单位可以重置验证码")
EXCEPTION = base.rule("registry.exception", "只有组织单位可以批准补报")


# ---------------------------------------------------------------- scope

def website_filter(user) -> Q:
    """Which websites a user may see: the sites of the units it may see; a site
    account (identifier code + verification code) only its own site."""
    if not base.is_active(user):
        return Q(pk__in=[])
    if base.is_site_login(user):
        return Q(site_code=user.username)
    return unit_scope(user)


def unit_scope(user) -> Q:
    """The records (with a ``unit``) of the units a business account may see: the national office all,
    an organizing unit its subtree, a reporting unit its own (websites, 政务新媒体 accounts)."""
    if not base.is_active(user):
        return Q(pk__in=[])
    if base.is_national(user):
        return Q()
    if base.is_operator(user):
        return Q(unit__path__startswith=user.unit.path)
    if base.is_reporter(user):
        return Q(unit_id=user.unit_id)
    return Q(pk__in=[])


def visible_websites(user) -> QuerySet:
    return Website.objects.filter(website_filter(user))


def get_visible_website(user, pk) -> Website:
    try:
        return visible_websites(user).select_related("unit", "organizer", "pending_at").get(pk=pk)
    except (ValueError, TypeError, Website.DoesNotExist):
        raise NotFound("网站不存在或不在您的权限范围内") from None


def may_see_websites(user) -> bool:
    return base.is_business(user) or base.is_site_login(user)


# ---------------------------------------------------------------- filing

def may_file_for(user, unit) -> bool:
    """Fill and submit a unit's forms online (直报): its own business accounts."""
    return unit.closed_at is None and base.acts_for_unit(user, unit.pk)


def may_file_new(user) -> bool:
    """File a new website from the list page: the unit's own accounts (a site login has one site)."""
    return base.is_business(user) and may_file_for(user, user.unit)


def may_import_for(user, unit) -> bool:
    """Import a unit's workbook: the organizing unit directly above it, or its own."""
    if unit.closed_at is not None or not base.is_issuer(user):
        return False
    return unit.pk == user.unit_id or unit.parent_path == user.unit.path


def may_import(user) -> bool:
    return base.is_issuer(user)


def may_download_workbook(user, unit) -> bool:
    return may_import_for(user, unit) or may_file_for(user, unit)


def may_check_workbook(user) -> bool:
    return base.is_business(user)


def is_owner(user, website: Website) -> bool:
    """The site's reporting unit (or the site's own login): files its forms and changes."""
    return base.is_site_of(user, website.site_code) or may_file_for(user, website.unit)


def may_change(user, website: Website) -> bool:
    """Submit a change or a life-state change: the owner, or the organizing unit directly above."""
    return is_owner(user, website) or may_import_for(user, website.unit)


def check_change(user, website: Website) -> None:
    OWNER.check(may_change(user, website))


def may_reset_code(user, website: Website) -> bool:
    return bool(website.site_code) and base.is_issuer(user) and (
        may_manage_unit(user, website.unit) or website.unit_id == user.unit_id)


# ---------------------------------------------------------------- review

def may_review(user) -> bool:
    """Review websites at all: an organizing unit's operator."""
    return base.is_operator(user)


def check_review(user) -> None:
    REVIEW.check(may_review(user))


def may_review_now(user, website: Website) -> bool:
    """The website waits at the user's own level."""
    return (may_review(user) and website.in_review
            and website.pending_at_id is not None and website.pending_at_id == user.unit_id)


def may_undo(user, website: Website, levels: list[int]) -> bool:
    """The user's level approved and the level just above has not decided yet."""
    if not may_review(user) or not website.in_review or user.unit_id not in levels:
        return False
    above = levels.index(user.unit_id) + 1
    return above < len(levels) and levels[above] == website.pending_at_id


def may_see_progress(user) -> bool:
    return base.is_issuer(user)


def may_remind(user) -> bool:
    return base.is_issuer(user)


def may_grant_exception(user) -> bool:
    return base.is_issuer(user)


# ---------------------------------------------------------------- campaigns

def may_create_campaign(user) -> bool:
    return base.is_national(user)


def may_edit_calendar(user) -> bool:
    return base.is_national(user) or base.is_system_admin(user)


def may_edit_campaign_settings(user) -> bool:
    """Name, scoring table and activation: the national office (the system administrator moves dates only)."""
    return base.is_national(user)


# ---------------------------------------------------------------- which phases concern whom

# The home page's calendar lists only the phases a role acts in: a town clerk files, checks
# its own sites and answers rectification notices; an organizing unit also reviews, inspects
# and reports; the spot check is the national office's and the provinces' (who organize it).
PHASES_OF_CONCERN = {
    "reporter": ("inventory", "selfcheck", "rectification"),
    "site": ("selfcheck", "rectification"),
    "organizer": ("inventory", "selfcheck", "inspection", "rectification", "report"),
    "national_admin": ("inventory", "selfcheck", "inspection", "rectification", "report", "spotcheck", "summary"),
    "system_admin": ("inventory", "selfcheck", "inspection", "rectification", "report", "spotcheck", "summary"),
}
# The annual reports' deadline (31 January, sitecensus/annual) concerns every role that files or reviews.
PHASES_OF_CONCERN = {role: (*kinds, "annual") for role, kinds in PHASES_OF_CONCERN.items()}


def phases_of_concern(user, *, organizes_spot_checks: bool = False) -> tuple[frozenset, bool]:
    """(phase kinds shown on the user's home page, whether spot-check rounds are shown).
    ``organizes_spot_checks``: the spot-check policy's answer (a province's general office),
    asked by the caller (registry sits below the spot check)."""
    kinds = set(PHASES_OF_CONCERN.get(getattr(user, "role", ""), ()))
    rounds = organizes_spot_checks or base.is_national(user)
    if organizes_spot_checks:
        kinds |= {"spotcheck", "summary"}
    return frozenset(kinds), rounds
