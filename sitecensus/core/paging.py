"""Keyset pagination for deep list pages. The first page (and any ?page=N) uses the
paginator; its "下一页" link carries the key of the last row shown (?after=…), and a
keyset page fetches the rows after that key through the ordering index — page 1,500 of
the national list costs what page 2 does, where OFFSET read and threw away 30,000 rows."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.dateparse import parse_datetime


def _value(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def encode(values: list) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str, kinds: list[str]) -> list | None:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
        if len(raw) != len(kinds):
            return None
        out = []
        for value, kind in zip(raw, kinds):
            if kind == "datetime":
                value = parse_datetime(value)
                if value is None:
                    return None
            elif kind == "int":
                value = int(value)
            else:
                value = str(value)
            out.append(value)
        return out
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def after_filter(keys: list[str], values: list) -> Q:
    """Rows strictly after `values` in the (ascending) order of `keys`. The redundant
    `first >= value` lets the database start its index scan at the key (PostgreSQL does not
    derive it from the OR: page 1,500 of the national list read 128,000 index entries first)."""
    q = Q()
    for i, key in enumerate(keys):
        step = Q(**{f"{key}__gt": values[i]})
        for prior, value in zip(keys[:i], values[:i]):
            step &= Q(**{prior: value})
        q |= step
    return Q(**{f"{keys[0]}__gte": values[0]}) & q


class CountCachingPaginator(Paginator):
    """A paginator whose "共 N 条" is kept for COUNT_CACHE_SECONDS when counting took longer
    than COUNT_CACHE_MIN_MS (a search over the national list scans every row to count;
    the next pages and the next searcher reuse the count). Cheap counts stay exact."""

    @cached_property
    def count(self):
        seconds = getattr(settings, "COUNT_CACHE_SECONDS", 60)
        query = getattr(self.object_list, "query", None)
        if not seconds or query is None:
            return super().count
        try:
            sql, params = query.sql_with_params()
        except Exception:  # noqa: BLE001 - an empty result (EmptyResultSet) or an unusual query: count plainly
            return super().count
        key = "count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        cached = cache.get(key)
        if cached is not None:
            return cached
        started = time.perf_counter()
        n = super().count
        if (time.perf_counter() - started) * 1000 >= getattr(settings, "COUNT_CACHE_MIN_MS", 100):
            cache.set(key, n, seconds)
        return n


@dataclass
class KeysetPage:
    object_list: list
    more: bool
    next_after: str = ""
    is_keyset: bool = True
    number: int | None = None
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self.more

    def has_previous(self):
        return False


def paginate(request, queryset, size: int, keys: dict[str, str]):
    """`keys`: the ordering fields (ascending, unique together, ending in id) → their kind
    ("int", "datetime", "str"). Returns a Paginator page or a KeysetPage; either has
    `next_after` for the next link."""
    names, kinds = list(keys), list(keys.values())
    token = request.GET.get("after", "")
    values = decode(token, kinds) if token else None
    if values is not None:
        rows = list(queryset.filter(after_filter(names, values))[:size + 1])
        page = KeysetPage(rows[:size], more=len(rows) > size)
    else:
        page = CountCachingPaginator(queryset, size).get_page(request.GET.get("page"))
    more = page.has_next() if callable(page.has_next) else page.has_next
    last = list(page.object_list)[-1:] if more else []
    key = [_value(last[0], n) for n in names] if last else []
    page.next_after = encode(key) if key and None not in key else ""
    return page
