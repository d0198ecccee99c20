"""Figures other apps add to the inventory progress page, without registry importing them
(the discovery app, above, registers its count of found sites still to be filed)."""

from __future__ import annotations

from typing import Callable

# provider(organizer) -> list of (label, value, testid)
_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def figures(organizer) -> list[tuple[str, object, str]]:
    return [figure for provider in _PROVIDERS for figure in provider(organizer)]
