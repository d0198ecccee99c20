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
