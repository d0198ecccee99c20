"""Dates as Chinese official documents write them: 2015年4月25日, never 2015年04月25日
(GB/T 9704-2012 7.3.5.3: 成文日期 in Arabic numerals, 不编虚位)."""

from __future__ import annotations

from datetime import date, datetime


def cn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month_day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.month}月{value.day}日"


# ---------------------------------------------------------------- working days (工作日)

def _calendar() -> tuple[frozenset, frozenset]:
    """The statutory holidays and the weekend days worked instead (调休), as data
    (core/data/workdays.json, from the State Council's yearly notices)."""
    global _CALENDAR
    if _CALENDAR is None:
        import json
        from pathlib import Path

        spec = json.loads((Path(__file__).resolve().parent / "data" / "workdays.json").read_text(encoding="utf-8"))
        _CALENDAR = (frozenset(date.fromisoformat(d) for d in spec["holidays"]),
                     frozenset(date.fromisoformat(d) for d in spec["workdays"]))
    return _CALENDAR


_CALENDAR = None


def is_working_day(day: date) -> bool:
    """Monday to Friday, less the statutory holidays, plus the weekend days worked (调休)."""
    holidays, workdays = _calendar()
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (start itself not counted)."""
    current = start
    while days > 0:
        current = date.fromordinal(current.toordinal() + 1)
        if is_working_day(current):
            days -= 1
    return current
