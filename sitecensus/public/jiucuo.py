"""我为政府网站找错 as the rules say, read from data (public/data/jiucuo.json): the 不予受理
reasons, when an answer counts as late (after more than a month), and the yearly assessment's
deductions (−3 per message left unanswered, −2 per one answered late)."""

from __future__ import annotations

import calendar
import json
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from django.utils import timezone

RULES_FILE = Path(__file__).resolve().parent / "data" / "jiucuo.json"


@lru_cache(maxsize=1)
def rules() -> dict:
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def refusal_reasons() -> list[tuple[str, str]]:
    return [(r["code"], r["label"]) for r in rules()["refusal_reasons"]]


def refusal_label(code: str) -> str:
    return dict(refusal_reasons()).get(code or "", code or "")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_late(received: datetime | date, answered: datetime | date) -> bool:
    """Answered after more than `late_after_months` month(s) from receipt."""
    # Days in the census's time zone (an aware time's UTC day is the day before until 08:00 in Beijing).
    received = timezone.localdate(received) if isinstance(received, datetime) else received
    answered = timezone.localdate(answered) if isinstance(answered, datetime) else answered
    return answered > add_months(received, int(rules()["late_after_months"]))


def assessment_deduction(counts: dict) -> int:
    """The yearly assessment's points for one site's year of messages (negative or 0)."""
    per = rules()["assessment"]
    return per["unanswered"] * counts.get("unanswered", 0) + per["late"] * counts.get("late", 0)
