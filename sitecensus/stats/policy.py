"""Who may read the statistics, and at which grain."""

from sitecensus.core import policy as base

STATS = base.rule("stats.read", "只有国办、组织单位和填报单位可以查看统计")


def may_see_stats(user) -> bool:
    return base.is_business(user)


def check_stats(user) -> None:
    STATS.check(may_see_stats(user))


def sees_own_unit_only(user) -> bool:
    """A reporting unit's figures are its own (live); organizing units see the level below."""
    return base.is_reporter(user)


def sees_country(user) -> bool:
    return base.is_national(user)
