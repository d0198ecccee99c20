"""Who may see and manage which units. Anything outside the scope is reported
as not found, so its existence does not leak."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sitecensus.core import policy as base
from sitecensus.core import roles
from sitecensus.core.errors import NotFound

from .models import Unit

MANAGE_CHILDREN = base.rule("orgs.manage_children", "只能在本单位下直接设立下级单位")
MANAGE_UNIT = base.rule("orgs.manage_unit", "只有直接上级组织单位可以管理该单位的账号")


def unit_filter(user, prefix: str = "") -> Q:
    """A Q over Unit (or, with prefix 'unit__', over anything with a unit FK)."""
    if not base.is_active(user):
        return Q(pk__in=[])
    if base.sees_whole_tree(user):
        return Q()
    if base.has_role(user, roles.ORGANIZER):
        # A subtree is one indexed prefix query on the materialized path.
        return Q(**{f"{prefix}path__startswith": user.unit.path})
    if base.is_reporter(user):
        return Q(**{f"{prefix}pk": user.unit_id})
    return Q(pk__in=[])


def visible_units(user) -> QuerySet:
    return Unit.objects.filter(unit_filter(user))


def get_visible_unit(user, pk) -> Unit:
    try:
        return visible_units(user).get(pk=pk)
    except (ValueError, TypeError, Unit.DoesNotExist):
        raise NotFound("单位不存在或不在您的权限范围内") from None


def browse_root(user) -> Unit | None:
    """Where the unit tree opens: the whole tree for the national office and the administrators."""
    return None if base.sees_whole_tree(user) else user.unit


def may_browse_units(user) -> bool:
    return base.is_operator(user) or base.is_system_admin(user) or base.is_security_admin(user)


def may_see_own_unit(user) -> bool:
    return base.is_reporter(user)


def may_manage_children(user, unit) -> bool:
    """Create units directly below `unit` and issue their first accounts.

    Issuance goes one level down at a time: only from the user's own unit."""
    return (base.is_issuer(user) and unit.pk == user.unit_id and unit.is_organizer and unit.closed_at is None)


def check_manage_children(user, unit) -> None:
    if not may_manage_children(user, unit):
        if visible_units(user).filter(pk=unit.pk).exists():
            raise MANAGE_CHILDREN.refuse()
        raise NotFound("单位不存在或不在您的权限范围内")


def may_manage_unit(user, unit) -> bool:
    """Act on a unit's accounts (reset, disable) and close it: its issuing parent only."""
    if not base.is_issuer(user):
        return False
    parent_path = unit.path[: -unit.steplen] if unit.depth > 1 else None
    return parent_path == user.unit.path


def check_manage_unit(user, unit) -> None:
    if not may_manage_unit(user, unit):
        # Visible but not actionable units say "not allowed"; invisible ones 404.
        if visible_units(user).filter(pk=unit.pk).exists():
            raise MANAGE_UNIT.refuse()
        raise NotFound("单位不存在或不在您的权限范围内")
