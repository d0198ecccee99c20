"""The public pages' cache generation: anonymous pages are cached (PUBLIC_CACHE_SECONDS),
under a key that carries this number; publishing something public (a notice, a news post)
moves the number on, so the next visitor sees it at once rather than after the cache expires."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

KEY = "public:generation"


def generation() -> int:
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, 1, None)
        value = cache.get(KEY) or 1
    return int(value)


def changed() -> None:
    """Call inside the transaction that publishes: the number moves on once it commits."""

    def bump():
        try:
            cache.incr(KEY)
        except ValueError:
            cache.set(KEY, 2, None)

    transaction.on_commit(bump)
