"""What other apps add to a scorecard page, without scoring importing them.

The scanner sits above scoring (it suggests entries for inspection cards), so
scoring never imports the scanner: the scanner registers its panel here when
Django starts, and the card page asks every registered provider."""

from __future__ import annotations

from typing import Callable

# provider(card, rubric, editable) -> dict of template context
_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def card_context(card, rubric, *, editable: bool) -> dict:
    context: dict = {}
    for provider in _PROVIDERS:
        context.update(provider(card, rubric, editable=editable))
    return context
