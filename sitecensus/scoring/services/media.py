"""New-media accounts scored by the same engine and entries as websites' cards, on a table whose
subject is "media" (data/rubric_2019media.json): a self-check or inspection is a draft the card page
fills (typed values, evidence files) until submitted; a spot check is written whole. Submitted, a
card is immutable (a database trigger)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState

from .. import engine, policy
from ..models import MEDIA_CARD_IMMUTABLE, MediaScorecard, RubricTable
from .cards import _stored, clean_entries
from .rubrics import load_rubric_table, rubric_of, rubric_of_table

MEDIA_RUBRIC = "2019media"
STAGES = dict(MediaScorecard._meta.get_field("stage").choices)


def media_table(code: str = MEDIA_RUBRIC) -> RubricTable:
    table = RubricTable.objects.filter(code=code).first() or load_rubric_table(code)
    if rubric_of_table(table).subject != "media":
        raise InvalidState(f"评分表“{table.name}”不是政务新媒体评分表")
    return table


def _check_account(actor, account, stage: str) -> None:
    if stage not in STAGES:
        raise InvalidInput("评分环节应为自查、检查或抽查", field="stage")
    policy.MEDIA_SCORE.check(policy.may_score_media(actor, account, stage))
    if not account.is_approved or not account.is_live:
        raise InvalidState(f"政务新媒体“{account}”尚未通过审核或已关停、注销，不能评分")


def _fill(card: MediaScorecard, raw_entries: dict) -> engine.ScoreResult:
    """The card's entries, deductions, score and result from the raw entries (not saved)."""
    rubric = rubric_of(card)
    cleaned = clean_entries(rubric, raw_entries)
    result = engine.score(rubric, cleaned)
    card.entries = {code: {**_stored(raw_entries[code], entry),
                           "points": str(result.deductions[code]) if code in result.deductions else None}
                    for code, entry in cleaned.items()}
    card.score, card.result, card.vetoes = result.score, result.result, list(result.vetoes)
    return result


@transaction.atomic
def open_media_card(*, actor, account, stage: str, request=None) -> MediaScorecard:
    """The account's self-check (its unit) or inspection (an organizing unit above): the unit's
    latest card of that stage — a draft to go on filling, or the submitted one to read — or a new draft."""
    if stage not in ("self", "inspection"):
        raise InvalidInput("只能开始政务新媒体的自查或检查", field="stage")
    _check_account(actor, account, stage)
    found = (MediaScorecard.objects.select_for_update().filter(account=account, stage=stage, scorer_unit=actor.unit)
             .order_by("-id").first())
    if found is not None:
        return found
    card = MediaScorecard.objects.create(account=account, stage=stage, rubric=media_table(),
                                         scorer_unit=actor.unit, created_by=actor)
    record("media_card_opened", actor=actor, request=request, obj=card, stage=stage)
    return card


def _locked(actor, card: MediaScorecard) -> MediaScorecard:
    card = MediaScorecard.objects.select_for_update().select_related("account", "account__unit").get(pk=card.pk)
    if card.is_submitted:
        raise InvalidState(f"{MEDIA_CARD_IMMUTABLE}（已于 {timezone.localtime(card.submitted_at):%Y-%m-%d %H:%M} 提交）")
    if not policy.may_fill_media(actor, card):
        raise policy.MEDIA_FILL.refuse()
    return card


@transaction.atomic
def save_media_entries(*, actor, card: MediaScorecard, raw_entries: dict, request=None) -> engine.ScoreResult:
    card = _locked(actor, card)
    result = _fill(card, raw_entries)
    card.save(update_fields=["entries", "score", "result", "vetoes", "updated_at"])
    record("media_card_saved", actor=actor, request=request, obj=card, result=result.result)
    return result


@transaction.atomic
def submit_media_card(*, actor, card: MediaScorecard, raw_entries: dict | None = None,
                      request=None) -> MediaScorecard:
    """Submit once; afterwards the database refuses any change to the card and its files."""
    card = _locked(actor, card)
    lifecycle.check(card, "submit")
    stored = {code: {k: v for k, v in e.items() if k != "points"} for code, e in card.entries.items()}
    result = _fill(card, stored if raw_entries is None else raw_entries)
    lifecycle.fire(card, "submit", actor=actor, request=request, stage=card.stage, result=result.result,
                   score=str(result.score) if result.score is not None else None)
    card.save()
    return card


def preview_media(card: MediaScorecard, raw_entries: dict) -> engine.ScoreResult:
    rubric = rubric_of(card)
    return engine.score(rubric, clean_entries(rubric, raw_entries))


@transaction.atomic
def score_account(*, actor, account, stage: str, raw_entries: dict, request=None) -> MediaScorecard:
    """Score an approved, live account in one go (the spot check's reviewer) and keep the card."""
    _check_account(actor, account, stage)
    card = MediaScorecard(account=account, stage=stage, rubric=media_table(), scorer_unit=actor.unit,
                          created_by=actor)
    result = _fill(card, raw_entries)
    card.save()
    lifecycle.fire(card, "submit", actor=actor, request=request, stage=stage, result=result.result)
    card.save()
    record("media_scored", actor=actor, request=request, obj=card, stage=stage, result=result.result)
    return card
