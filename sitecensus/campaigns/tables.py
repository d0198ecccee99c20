"""The scoring tables a census may be scored by, as the campaigns ask for them.

A campaign names its scoring table by code (``Campaign.rubric_code``), but the tables and the
cards filled on them belong to scoring, above the campaigns and the registry: when Django starts
the scoring app registers here which website tables there are, each one's name, and whether a
campaign's cards already use its table (then the table may no longer change)."""

from __future__ import annotations

from sitecensus.core.answers import Answers

SCORING = Answers("the scoring tables' keeper", "codes", "name", "in_use")
register = SCORING.register


def codes() -> list[str]:
    """The websites' scoring tables a census may pick (their codes)."""
    return SCORING.ask("codes")()


def name(code: str) -> str:
    return SCORING.ask("name")(code)


def in_use(campaign) -> bool:
    """Whether any card of the campaign is scored on its table."""
    return SCORING.ask("in_use")(campaign)
