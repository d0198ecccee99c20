"""Who may hold API tokens (and so call the API)."""

from sitecensus.core import policy as base

TOKENS = base.rule("api.tokens", "只有国办、组织单位、填报单位和审计管理员可以管理接口令牌")


def may_hold_tokens(user) -> bool:
    return base.is_business(user) or base.is_audit_admin(user)


def reads_only(user) -> bool:
    """The audit administrator's tokens read, never write."""
    return base.is_audit_admin(user)


def check_tokens(user) -> None:
    TOKENS.check(may_hold_tokens(user))
