"""What other apps add to a scorecard page, without scoring importing them.

The scanner sits above scoring (it suggests entries for inspection cards), so
scoring never imports the scanner: the scanner registers its panel here when
Django starts, and the card page asks every registered provider."""

from __future__ import annotations

from typing import Callable

from django.db.models import Q

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


# Spot-check cards reach the inspected unit only once released (signed off); the
# spot-check app, above scoring, tells which: rule() -> Q over Scorecard.
_RELEASE_RULES: list[Callable] = []


def register_release_rule(rule: Callable) -> Callable:
    if rule not in _RELEASE_RULES:
        _RELEASE_RULES.append(rule)
    return rule


def released_q() -> Q:
    q = Q(pk__in=[])
    for rule in _RELEASE_RULES:
        q |= rule()
    return q
