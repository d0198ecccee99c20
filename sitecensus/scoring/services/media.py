"""New-media accounts scored by the same engine and entries as websites' cards, on a table whose
subject is "media" (data/rubric_2019media.json): one card per submission, written whole, immutable."""

from __future__ import annotations

from django.db import transaction

from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidInput, InvalidState

from .. import engine, policy
from ..models import MediaScorecard, RubricTable
from .cards import clean_entries
from .rubrics import load_rubric_table, rubric_of_table

MEDIA_RUBRIC = "2019media"


def media_table(code: str = MEDIA_RUBRIC) -> RubricTable:
    table = RubricTable.objects.filter(code=code).first() or load_rubric_table(code)
    if rubric_of_table(table).subject != "media":
        raise InvalidState(f"评分表“{table.name}”不是政务新媒体评分表")
    return table


@transaction.atomic
def score_account(*, actor, account, stage: str, raw_entries: dict, request=None) -> MediaScorecard:
    """Score an approved, live account (self-check, inspection or spot check) and keep the card."""
    if stage not in dict(MediaScorecard._meta.get_field("stage").choices):
        raise InvalidInput("评分环节应为自查、检查或抽查", field="stage")
    policy.MEDIA_SCORE.check(policy.may_score_media(actor, account, stage))
    if not account.is_approved or not account.is_live:
        raise InvalidState(f"政务新媒体“{account}”尚未通过审核或已关停、注销，不能评分")
    table = media_table()
    rubric = rubric_of_table(table)
    cleaned = clean_entries(rubric, raw_entries)
    result = engine.score(rubric, cleaned)
    card = MediaScorecard.objects.create(
        account=account, stage=stage, rubric=table, scorer_unit=actor.unit, created_by=actor,
        entries={code: {"veto": e.veto, "count": e.count, "evidence": e.evidence, "note": e.note}
                 for code, e in cleaned.items()},
        score=result.score, result=result.result, vetoes=list(result.vetoes))
    record("media_scored", actor=actor, request=request, obj=card, stage=stage, result=result.result)
    return card
