"""A card's and a rectification notice's evidence files, as scoring asks for them.

The evidence app sits above scoring (its files point at cards and notices, and scoring's
policies say who may attach them), so scoring never imports it: when Django starts the
evidence app registers here the four things scoring asks of it, and the card page, the
card's one write and a rectification answer ask through this module (as the scanner's
panel reaches the card page through ``panels``)."""

from __future__ import annotations

from typing import Callable

from django.core.exceptions import ImproperlyConfigured

# What scoring asks of the keeper of its files.
ASKED = ("of_card", "of_rectification", "attach_to_card", "files_for_answer")
_KEEPER: dict[str, Callable] = {}


def register(**keeper: Callable) -> None:
    """The evidence app's answers: of_card(card) and of_rectification(notice) list the files;
    attach_to_card(actor=, card=, uploads=, indicator=, request=) saves files on a card;
    files_for_answer(actor=, notice=, uploads=) makes a rectification answer's files, unsaved."""
    if set(keeper) != set(ASKED):
        raise ImproperlyConfigured(f"the keeper of evidence files answers {', '.join(ASKED)}; got {', '.join(keeper)}")
    _KEEPER.update(keeper)


def _keeper(what: str) -> Callable:
    if what not in _KEEPER:
        raise ImproperlyConfigured("no keeper of evidence files is registered (is sitecensus.evidence installed?)")
    return _KEEPER[what]


def of_card(card):
    """The files of a website's card or of a new-media account's card (a queryset, no bytes)."""
    return _keeper("of_card")(card)


def of_rectification(notice):
    return _keeper("of_rectification")(notice)


def attach_to_card(*, actor, card, uploads, indicator: str = "", request=None) -> list:
    return _keeper("attach_to_card")(actor=actor, card=card, uploads=uploads, indicator=indicator, request=request)


def files_for_answer(*, actor, notice, uploads) -> list:
    """A rectification answer's files, made but not saved: the answer's transaction saves them."""
    return _keeper("files_for_answer")(actor=actor, notice=notice, uploads=uploads)
