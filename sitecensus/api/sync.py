"""Keyset paging for every list (no OFFSET): an opaque cursor carrying the last
row's sort key, and `updated_since` as a lower bound, so a platform mirrors a
province by paging once and then asks only for what changed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone as dt_timezone

from django.db.models import Q, QuerySet
from django.utils import timezone

from sitecensus.core.errors import InvalidInput

MAX_LIMIT = 500
# Cursors say exactly what they are, so the schema can describe every cursor the server takes: a
# position in id order is the last id; in change-time order it is "<microseconds since 1970 UTC>_<id>".
# Any string of that shape is a valid position (the page after it), none is refused. Patterns say
# [0-9], not \\d: a regex engine may take \\d for any Unicode digit.
ID_CURSOR_PATTERN = r"^[0-9]{0,16}$"
TIME_CURSOR_PATTERN = r"^([0-9]{1,17}_[0-9]{1,16})?$"
EPOCH = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)

# updated_since: an ISO 8601 date or date-time that exists (month 01–12, day within its month, Feb 29 in
# leap years only, hour 00–23, offset below 24 h): the pattern admits exactly what the server reads.
_YEAR = r"(000[1-9]|00[1-9][0-9]|0[1-9][0-9][0-9]|[1-9][0-9]{3})"
_LEAP = r"([0-9][0-9](0[48]|[2468][048]|[13579][26])|([2468][048]|[13579][26]|0[48])00)"
_DATE = (rf"({_YEAR}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
         rf"|{_LEAP}-02-29)")
_TIME = r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?"
SINCE_PATTERN = rf"^({_DATE}{_TIME})?$"


class BadCursor(InvalidInput):
    http_status = 422


def _micros(value: datetime) -> int:
    return (value - EPOCH) // timedelta(microseconds=1)


def time_cursor(value: datetime, pk: int) -> str:
    return f"{_micros(value)}_{pk}"


def _decode_time(cursor: str) -> tuple[datetime, int]:
    try:
        micros, pk = cursor.split("_")
        return EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        raise BadCursor("游标无效：请使用上一页返回的 next_cursor", field="cursor") from None


def since(text: str | None) -> datetime | None:
    """`updated_since` as an aware datetime (a time without offset is Beijing time); a time before
    the first year or past the last one the calendar holds bounds nothing."""
    if text is None or text == "":
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadCursor(f"updated_since 应为 ISO 8601 日期时间（如 2026-04-25T08:00:00+08:00），收到“{text[:40]}”",
                        field="updated_since") from None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=timezone.get_current_timezone())
    try:
        return value.astimezone(dt_timezone.utc)
    except OverflowError:
        return None if value.year < 2 else datetime.max.replace(tzinfo=dt_timezone.utc) - timedelta(days=1)


def by_time(qs: QuerySet, field: str, *, updated_since: datetime | None, cursor: str, limit: int) -> dict:
    """Ordered by (field, id); `field` is the row's change time."""
    if updated_since is not None:
        qs = qs.filter(**{f"{field}__gte": updated_since})
    if cursor:
        at, last_id = _decode_time(cursor)
        qs = qs.filter(Q(**{f"{field}__gt": at}) | Q(**{field: at, "id__gt": last_id}))
    rows = list(qs.order_by(field, "id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = time_cursor(getattr(rows[-1], field), rows[-1].pk) if rows else (cursor or None)
    return {"items": rows, "next_cursor": nxt, "has_more": more}


def by_id(qs: QuerySet, *, cursor: str, limit: int) -> dict:
    if cursor:
        if not (cursor.isascii() and cursor.isdigit()):
            raise BadCursor("游标无效：请使用上一页返回的 next_cursor", field="cursor")
        qs = qs.filter(id__gt=int(cursor))
    rows = list(qs.order_by("id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = str(rows[-1].pk) if rows else (cursor or None)
    return {"items": rows, "next_cursor": nxt, "has_more": more}
