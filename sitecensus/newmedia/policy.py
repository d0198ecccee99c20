"""Who may see, file, review and change new-media accounts: the websites' rules
(registry.policy) applied to accounts — one set of roles and scope for both."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sitecensus.core import policy as base
from sitecensus.core.errors import NotFound
from sitecensus.registry import policy as registry

from .models import MediaAccount

FILE = base.rule("newmedia.file", "只有本单位的账号可以登记本单位的政务新媒体")
OWNER = base.rule("newmedia.owner", "只有账号的主办单位或其直属组织单位可以提交变更、关停或注销申请")
IMPORT = base.rule("newmedia.import", "只能导入本单位或直属下级单位的政务新媒体填报模板")
REVIEW = registry.REVIEW

may_review = registry.may_review
check_review = registry.check_review
may_file_for = registry.may_file_for
may_download_workbook = registry.may_download_workbook


def account_filter(user) -> Q:
    """Which accounts a user may see: those of the units it may see (a site login none)."""
    if base.is_site_login(user):
        return Q(pk__in=[])
    return registry.unit_scope(user)


def visible_accounts(user) -> QuerySet:
    return MediaAccount.objects.filter(account_filter(user))


def get_visible_account(user, pk) -> MediaAccount:
    try:
        return visible_accounts(user).select_related("unit", "organizer", "pending_at").get(pk=pk)
    except (ValueError, TypeError, MediaAccount.DoesNotExist):
        raise NotFound("政务新媒体账号不存在或不在您的权限范围内") from None


def scope_key(user) -> str:
    """What the user's scope depends on (its role and unit), as a part of a cache key."""
    return "all" if base.is_national(user) else f"{user.role}:{user.unit.path}:{user.unit_id}"


def may_see_accounts(user) -> bool:
    return base.is_business(user)


def may_file_new(user) -> bool:
    return base.is_business(user) and may_file_for(user, user.unit)


def check_file(user, unit) -> None:
    FILE.check(may_file_for(user, unit))


def may_import_for(user, unit) -> bool:
    """Upload a unit's 政务新媒体 sheet: the unit itself (its clerk) or the organizing unit directly above."""
    return may_file_for(user, unit) or registry.may_import_for(user, unit)


def check_import(user, unit) -> None:
    IMPORT.check(may_import_for(user, unit))


def is_owner(user, account: MediaAccount) -> bool:
    return may_file_for(user, account.unit)


def may_change(user, account: MediaAccount) -> bool:
    """Ask for a change, closing or cancelling: the owner, or the organizing unit directly above."""
    return is_owner(user, account) or registry.may_import_for(user, account.unit)


def check_change(user, account: MediaAccount) -> None:
    OWNER.check(may_change(user, account))


def may_review_now(user, account: MediaAccount) -> bool:
    """The account waits at the user's own level (the websites' rule)."""
    return registry.may_review_now(user, account)


def may_undo(user, account: MediaAccount, levels: list[int]) -> bool:
    return registry.may_undo(user, account, levels)


def may_see_problems(user) -> bool:
    """The problem lists (closed but not cancelled, not updated): organizing units."""
    return base.is_operator(user)


def counted_subtree(user, bucket_depth: int) -> str | None:
    """The subtree whose kept counts are the user's whole scope: "" for the nation, an organizing unit's
    path when its unit is at or above the counts' depth; None when the accounts are counted one by one."""
    if not base.is_active(user):
        return None
    if base.is_national(user):
        return ""
    if base.is_operator(user) and user.unit.depth <= bucket_depth:
        return user.unit.path
    return None
