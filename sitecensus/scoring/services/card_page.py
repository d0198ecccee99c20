"""The card page's one write, for either kind of card (a website's, a new-media account's)."""

from __future__ import annotations

from django.db import transaction

from ..attachments import attach_to_card
from ..models import MediaScorecard
from .cards import save_entries, submit_card
from .media import save_media_entries, submit_media_card


@transaction.atomic
def save_card_page(*, actor, card, raw_entries: dict, uploads=(), indicator: str = "",
                   submit: bool = False, request=None):
    """The scorecard page's one write: its entries, the evidence files sent with them and, when
    asked, the submission — together or nothing (a refused file or submission keeps no entry).
    Each step records its own audit event (evidence_uploaded, the submit transition)."""
    media = isinstance(card, MediaScorecard)
    (save_media_entries if media else save_entries)(actor=actor, card=card, raw_entries=raw_entries,
                                                    request=request)
    if uploads:
        attach_to_card(actor=actor, card=card, uploads=uploads, indicator=indicator, request=request)
    if submit:
        card = (submit_media_card if media else submit_card)(actor=actor, card=card, request=request)
    return card
