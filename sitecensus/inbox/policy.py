"""Who may read the inbox and send 催办 reminders."""

from sitecensus.core import policy as base

REMIND = base.rule("inbox.remind", "只有组织单位可以催办")


def may_read_inbox(user) -> bool:
    """Business accounts read their unit's inbox; a site's code login only when its unit is a
    reporting unit (the site's own rectification notices) — never an organizing unit's inbox
    (a portal of a general office logs in with the office as its unit)."""
    if base.is_business(user):
        return True
    return base.is_site_login(user) and not getattr(user.unit, "is_organizer", True)


def may_remind(user) -> bool:
    return base.is_operator(user)


def check_remind(user) -> None:
    REMIND.check(may_remind(user))


def has_pending_counts(user) -> bool:
    return base.is_operator(user)
