"""Which evidence files a user may list and download: those of the cards and
rectification notices the user may see."""

from django.db.models import Q, QuerySet

from sitecensus.core.errors import NotFound
from sitecensus.scoring import selectors as scoring_selectors
from sitecensus.scoring.models import MediaScorecard

from .models import EvidenceFile


def listing(qs: QuerySet) -> QuerySet:
    return qs.defer("content").order_by("id")


def of_card(card) -> QuerySet:
    """The files of a website's card or of a new-media account's card."""
    owner = "media_card" if isinstance(card, MediaScorecard) else "scorecard"
    return listing(EvidenceFile.objects.filter(**{owner: card}))


def of_rectification(notice) -> QuerySet:
    return listing(EvidenceFile.objects.filter(rectification=notice))


def visible(user) -> QuerySet:
    cards = scoring_selectors.visible_scorecards(user)
    notices = scoring_selectors.rectifications(user)
    media = scoring_selectors.visible_media_cards(user)
    return EvidenceFile.objects.filter(Q(scorecard__in=cards) | Q(media_card__in=media)
                                       | Q(rectification__in=notices))


def get_visible(user, pk) -> EvidenceFile:
    found = visible(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("证据文件不存在或不在您的权限范围内")
    if found.media_card_id:
        scoring_selectors.get_visible_media_card(user, found.media_card_id)
    if found.scorecard_id:
        # An inspection card is seen by its scorer, the site's unit and the organizing units above.
        scoring_selectors.get_visible_scorecard(user, found.scorecard_id)
    return found
