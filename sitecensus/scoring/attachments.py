"""A card's and a rectification notice's evidence files, as scoring asks for them.

The evidence app sits above scoring (its files point at cards and notices, and scoring's
policies say who may attach them), so scoring never imports it: when Django starts the
evidence app registers here its answers to what scoring asks, and the card page, the card's
one write and a rectification answer ask through this module (as the scanner's panel reaches
the card page through ``panels``)."""

from __future__ import annotations

from sitecensus.core.answers import Answers

KEEPER = Answers("the keeper of evidence files", "of_card", "of_rectification", "attach_to_card",
                 "files_for_answer")
register = KEEPER.register


def of_card(card):
    """The files of a website's card or of a new-media account's card (a queryset, no bytes)."""
    return KEEPER.ask("of_card")(card)


def of_rectification(notice):
    return KEEPER.ask("of_rectification")(notice)


def attach_to_card(*, actor, card, uploads, indicator: str = "", request=None) -> list:
    """Files saved on a card, in the caller's transaction (refused on a submitted card)."""
    return KEEPER.ask("attach_to_card")(actor=actor, card=card, uploads=uploads, indicator=indicator,
                                        request=request)


def files_for_answer(*, actor, notice, uploads) -> list:
    """A rectification answer's files, made but not saved: the answer's transaction saves them."""
    return KEEPER.ask("files_for_answer")(actor=actor, notice=notice, uploads=uploads)
