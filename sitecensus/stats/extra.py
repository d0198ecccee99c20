"""Tables other apps add to the statistics page, without stats importing them.

The scanner sits above stats (it reads the registry and stores scans), so stats never imports it: the
scanner registers its table provider here when Django starts (its IPv6 support rates per region), and the
statistics page asks every registered provider. A provider's table is cached, exported and shown like
the page's own tables."""

from __future__ import annotations

from typing import Callable

# provider(user, sites, group_len, labels) -> Table | None; labels(path prefixes) -> {prefix: the row's name}
_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def tables(user, sites, group_len: int, labels: Callable) -> list:
    out = []
    for provider in _PROVIDERS:
        table = provider(user, sites, group_len, labels)
        if table is not None:
            out.append(table)
    return out
