from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sitecensus.scoring import services as scoring
from sitecensus.scoring.cardkinds import card_url, kind_of
from sitecensus.scoring.views import raw_entries_from

from . import selectors, services

CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "pdf": "application/pdf"}


def download(request, pk):
    return attachment(selectors.get_visible(request.user, pk))


def attachment(found) -> HttpResponse:
    """Always a download, never shown inline (and never sniffed into something else);
    the UI's download and the API's."""
    response = HttpResponse(bytes(found.content), content_type=CONTENT_TYPES[found.kind])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def remove(request, pk):
    found = selectors.get_visible(request.user, pk)
    card = services.card_of(found)
    if card is not None and any(key.startswith("e-") for key in request.POST):
        # Sent from the card with what was typed: saved first, so nothing typed is lost.
        kind_of(card).save(actor=request.user, card=card,
                           raw_entries=raw_entries_from(request.POST, scoring.rubric_of(card)), request=request)
    services.remove_from_card(actor=request.user, file=found, request=request)
    return redirect(card_url(card)) if card is not None else redirect("scoring:index")
