"""Who may hold API tokens (and so call the API)."""

from django.db.models import Q

from sitecensus.core import policy as base
from sitecensus.core import roles

TOKENS = base.rule("api.tokens", "只有国办、组织单位、填报单位和审计管理员可以管理接口令牌")


def may_hold_tokens(user) -> bool:
    return base.is_business(user) or base.is_audit_admin(user)


def reads_only(user) -> bool:
    """The audit administrator's tokens read, never write."""
    return base.is_audit_admin(user)


def check_tokens(user) -> None:
    TOKENS.check(may_hold_tokens(user))


def change_filter(user) -> Q:
    """Which rows of the change feed a caller sees: those of the units whose
    websites it sees (registry.policy.website_filter, by the owning unit's path)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role == roles.NATIONAL_ADMIN:
        return Q()
    if user.role == roles.ORGANIZER:
        return Q(unit_path__startswith=user.unit.path)
    if user.role == roles.REPORTER:
        return Q(unit_path=user.unit.path)
    return Q(pk__in=[])


def reads_reports(user) -> bool:
    """The upward reports (its own and the submitted ones below): organizing-unit accounts."""
    return base.is_operator(user)


def uses_api(user) -> bool:
    """Whose menu offers 接口令牌: the offices whose provincial or departmental platforms call
    the API (国办 and the organizing units) and the audit administrator (the audit feed). A
    reporting unit may still hold tokens (the page answers it), but its menu does not offer it."""
    return may_hold_tokens(user) and (base.is_operator(user) or base.is_audit_admin(user))
