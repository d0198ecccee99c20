"""Who may read the inbox and send 催办 reminders."""

from sitecensus.core import policy as base

REMIND = base.rule("inbox.remind", "只有组织单位可以催办")


def may_read_inbox(user) -> bool:
    return base.is_business(user) or base.is_site_login(user)


def may_remind(user) -> bool:
    return base.is_operator(user)


def check_remind(user) -> None:
    REMIND.check(may_remind(user))


def has_pending_counts(user) -> bool:
    return base.is_operator(user)
