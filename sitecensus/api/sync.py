"""Keyset paging for every list (no OFFSET): an opaque cursor carrying the last
row's sort key, and `updated_since` as a lower bound, so a platform mirrors a
province by paging once and then asks only for what changed."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from sitecensus.core.errors import InvalidInput

MAX_LIMIT = 500
SINCE_PATTERN = (r"^(\d{4}-[01]\d-[0-3]\d([T ][0-2]\d:[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
                 r"(Z|[+-][01]\d:?[0-5]\d)?)?)?$")


class BadCursor(InvalidInput):
    http_status = 422


def encode(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, n: int) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != n:
            raise ValueError
        return values
    except (ValueError, TypeError, UnicodeDecodeError):
        raise BadCursor("游标无效：请使用上一页返回的 next_cursor", field="cursor") from None


def since(text: str | None) -> datetime | None:
    """`updated_since` as an aware datetime (a time without offset is Beijing time)."""
    if text is None or text == "":
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadCursor(f"updated_since 应为 ISO 8601 日期时间（如 2026-04-25T08:00:00+08:00），收到“{text[:40]}”",
                        field="updated_since") from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def by_time(qs: QuerySet, field: str, *, updated_since: datetime | None, cursor: str, limit: int) -> dict:
    """Ordered by (field, id); `field` is the row's change time."""
    if updated_since is not None:
        qs = qs.filter(**{f"{field}__gte": updated_since})
    if cursor:
        at, last_id = decode(cursor, 2)
        try:
            at, last_id = datetime.fromisoformat(at), int(last_id)
        except (ValueError, TypeError):
            raise BadCursor("游标无效：请使用上一页返回的 next_cursor", field="cursor") from None
        qs = qs.filter(Q(**{f"{field}__gt": at}) | Q(**{field: at, "id__gt": last_id}))
    rows = list(qs.order_by(field, "id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode([getattr(rows[-1], field).isoformat(), rows[-1].pk]) if rows else (cursor or None)
    return {"items": rows, "next_cursor": nxt, "has_more": more}


def by_id(qs: QuerySet, *, cursor: str, limit: int) -> dict:
    if cursor:
        (last_id,) = decode(cursor, 1)
        if not isinstance(last_id, int):
            raise BadCursor("游标无效：请使用上一页返回的 next_cursor", field="cursor")
        qs = qs.filter(id__gt=last_id)
    rows = list(qs.order_by("id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode([rows[-1].pk]) if rows else (cursor or None)
    return {"items": rows, "next_cursor": nxt, "has_more": more}
