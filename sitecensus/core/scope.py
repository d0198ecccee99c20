"""The one scope policy: which units (and later sites and scorecards) a user may
see and act on. Every selector, view and API call asks here. Anything outside
the scope is reported as not found, so its existence does not leak."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sitecensus.accounts import roles
from sitecensus.core.errors import NotAllowed, NotFound

# Roles that see the whole unit tree (read-only for the administrators).
WHOLE_TREE_ROLES = {roles.NATIONAL_ADMIN, roles.SYSTEM_ADMIN, roles.SECURITY_ADMIN}


def _units():
    from sitecensus.orgs.models import Unit

    return Unit.objects.all()


def unit_filter(user, prefix: str = "") -> Q:
    """A Q over Unit (or, with prefix 'unit__', over anything with a unit FK)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role in WHOLE_TREE_ROLES:
        return Q()
    if user.role == roles.ORGANIZER:
        # A subtree is one indexed prefix query on the materialized path.
        return Q(**{f"{prefix}path__startswith": user.unit.path})
    if user.role == roles.REPORTER:
        return Q(**{f"{prefix}pk": user.unit_id})
    return Q(pk__in=[])


def visible_units(user) -> QuerySet:
    return _units().filter(unit_filter(user))


def get_visible_unit(user, pk) -> "Unit":  # noqa: F821
    try:
        return visible_units(user).get(pk=pk)
    except (ValueError, TypeError, _units().model.DoesNotExist):
        raise NotFound("单位不存在或不在您的权限范围内") from None


def may_manage_children(user, unit) -> bool:
    """Create units directly below `unit` and issue their first accounts.

    Issuance goes one level down at a time: only from the user's own unit."""
    return (
        user.is_authenticated
        and user.role in roles.GRANTABLE
        and unit.pk == user.unit_id
        and unit.is_organizer
        and unit.closed_at is None
    )


def check_manage_children(user, unit) -> None:
    if not may_manage_children(user, unit):
        if visible_units(user).filter(pk=unit.pk).exists():
            raise NotAllowed("只能在本单位下直接设立下级单位")
        raise NotFound("单位不存在或不在您的权限范围内")


def may_manage_unit(user, unit) -> bool:
    """Act on a unit's accounts (reset, disable) and close it: its issuing parent only."""
    if not user.is_authenticated or user.role not in roles.GRANTABLE:
        return False
    parent_path = unit.path[: -unit.steplen] if unit.depth > 1 else None
    return parent_path == user.unit.path


def check_manage_unit(user, unit) -> None:
    if not may_manage_unit(user, unit):
        # Visible but not actionable units say "not allowed"; invisible ones 404.
        if visible_units(user).filter(pk=unit.pk).exists():
            raise NotAllowed("只有直接上级组织单位可以管理该单位的账号")
        raise NotFound("单位不存在或不在您的权限范围内")


def visible_accounts(user) -> QuerySet:
    """Accounts a user may see: those of units directly below its own unit
    (the accounts it issued), its own, or all for the security administrator."""
    from sitecensus.accounts.models import User

    qs = User.objects.select_related("unit")
    if user.role == roles.SECURITY_ADMIN:
        return qs
    if user.role in roles.GRANTABLE:
        return qs.filter(
            Q(pk=user.pk)
            | Q(unit__path__startswith=user.unit.path, unit__depth=user.unit.depth + 1)
        )
    return qs.filter(pk=user.pk)


def get_managed_account(user, pk):
    try:
        account = visible_accounts(user).get(pk=pk)
    except (ValueError, TypeError, visible_accounts(user).model.DoesNotExist):
        raise NotFound("账号不存在或不在您的权限范围内") from None
    if account.pk == user.pk and user.role != roles.SECURITY_ADMIN:
        raise NotAllowed("不能在此管理自己的账号，请使用“修改密码”")
    return account


def may_read_audit(user) -> bool:
    return user.is_authenticated and user.role == roles.AUDIT_ADMIN


# ---------------------------------------------------------------- websites

def website_filter(user) -> Q:
    """Which websites a user may see: the sites of the units it may see; a site
    account (identifier code + verification code) only its own site."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role == roles.SITE:
        return Q(site_code=user.username)
    if user.role == roles.NATIONAL_ADMIN:
        return Q()
    if user.role == roles.ORGANIZER:
        return Q(unit__path__startswith=user.unit.path)
    if user.role == roles.REPORTER:
        return Q(unit_id=user.unit_id)
    return Q(pk__in=[])


def visible_websites(user) -> QuerySet:
    from sitecensus.registry.models import Website

    return Website.objects.filter(website_filter(user))


def get_visible_website(user, pk):
    from sitecensus.registry.models import Website

    try:
        return visible_websites(user).select_related("unit", "organizer", "pending_at").get(pk=pk)
    except (ValueError, TypeError, Website.DoesNotExist):
        raise NotFound("网站不存在或不在您的权限范围内") from None


def may_file_for(user, unit) -> bool:
    """Fill and submit a unit's forms online (直报): its own accounts."""
    return (user.is_authenticated and unit.closed_at is None and unit.pk == user.unit_id
            and user.role in (roles.REPORTER, roles.ORGANIZER, roles.NATIONAL_ADMIN))


def may_import_for(user, unit) -> bool:
    """Import a unit's workbook: the organizing unit directly above it, or its own."""
    if unit.closed_at is not None or user.role not in roles.GRANTABLE:
        return False
    return unit.pk == user.unit_id or unit.parent_path == user.unit.path
