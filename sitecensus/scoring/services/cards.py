"""Scorecards: self-checks and inspections opened, entries validated and scored by
the engine, submitted once (immutable afterwards), within their campaign phase."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.evidence.services import attach_to_card
from sitecensus.registry import campaigns
from sitecensus.registry.models import Phase, Website
from sitecensus.registry.services import active_websites, campaign_phase

from .. import engine, policy, selectors
from ..models import IMMUTABLE, Scorecard, ScoreEntry
from ..rubric import Rubric
from .rubrics import current_table, rubric_of

S = Scorecard.Stage


def _campaign():
    return campaigns.active_campaign()


def _check_site(website: Website) -> None:
    if not active_websites().filter(pk=website.pk).exists():
        raise InvalidState("只有已获得网站标识码且正常运行的网站才能评分（关停、整合的网站不再参加检查）")


may_self_check = policy.may_self_check


def may_inspect(user, website: Website) -> bool:
    return policy.may_inspect(user, website, selectors.inspector_of(website))


@transaction.atomic
def open_self_check(*, actor, website: Website, request=None) -> Scorecard:
    policy.check_self_check(actor, website)
    _check_site(website)
    existing = selectors.card(website, S.SELF)
    if existing is not None:
        return existing
    card = Scorecard.objects.create(website=website, campaign=_campaign(), stage=S.SELF, rubric=current_table(),
                                    scorer_unit=website.unit, created_by=actor)
    record("selfcheck_opened", actor=actor, request=request, obj=card)
    return card


@transaction.atomic
def open_inspection(*, actor, website: Website, reason: str = "", request=None) -> Scorecard:
    """Inspection by the organizing unit above; without a submitted self-check
    only once the self-check is overdue, and with the reason recorded."""
    policy.INSPECT.check(may_inspect(actor, website))
    _check_site(website)
    existing = selectors.card(website, S.INSPECTION)
    if existing is not None:
        return existing
    self_card = selectors.card(website, S.SELF)
    reason = (reason or "").strip()
    if self_card is None or not self_card.is_submitted:
        if not selectors.selfcheck_overdue(actor.unit).filter(pk=website.pk).exists():
            raise InvalidState("填报单位尚未提交自查表，自查期限未过，暂不能检查")
        if not reason:
            raise InvalidInput("未自查即检查，请填写原因", field="reason")
    card = Scorecard.objects.create(website=website, campaign=_campaign(), stage=S.INSPECTION,
                                    rubric=current_table(), scorer_unit=actor.unit, created_by=actor,
                                    no_self_check_reason=reason[:300])
    record("inspection_opened", actor=actor, request=request, obj=card, reason=reason)
    return card


may_score = policy.may_score
_check_scorer = policy.check_score


def clean_entries(rubric: Rubric, raw_entries: dict) -> dict[str, engine.Entry]:
    """Every indicator's raw entry validated; the first problem is a typed error naming it."""
    unknown = set(raw_entries) - set(rubric.codes)
    if unknown:
        raise InvalidInput(f"评分表中没有指标“{sorted(unknown)[0]}”")
    cleaned = {}
    for code, raw in raw_entries.items():
        try:
            cleaned[code] = engine.clean_entry(rubric.indicator(code), raw)
        except engine.EntryError as error:
            raise InvalidInput(str(error), field=code) from None
    return cleaned


def preview(card: Scorecard, raw_entries: dict) -> engine.ScoreResult:
    rubric = rubric_of(card)
    return engine.score(rubric, clean_entries(rubric, raw_entries), portal=card.website.is_portal,
                        no_public_services=_no_public_services(card.website))


def _no_public_services(website: Website) -> bool:
    return bool((website.data or {}).get("no_public_services"))


@transaction.atomic
def save_entries(*, actor, card: Scorecard, raw_entries: dict, request=None) -> engine.ScoreResult:
    card = Scorecard.objects.select_for_update().get(pk=card.pk)
    if card.is_submitted:
        raise InvalidState(f"{IMMUTABLE}（已于 {timezone.localtime(card.submitted_at):%Y-%m-%d %H:%M} 提交）")
    _check_scorer(actor, card)
    rubric = rubric_of(card)
    cleaned = clean_entries(rubric, raw_entries)
    result = engine.score(rubric, cleaned, portal=card.website.is_portal,
                          no_public_services=_no_public_services(card.website))
    ScoreEntry.objects.filter(scorecard=card).delete()
    ScoreEntry.objects.bulk_create([
        ScoreEntry(scorecard=card, indicator=code, data=_stored(raw_entries[code], entry),
                   points=result.deductions.get(code), is_veto=code in result.vetoes)
        for code, entry in cleaned.items()])
    card.score, card.result = result.score, result.result
    card.save(update_fields=["score", "result", "updated_at"])
    return result


@transaction.atomic
def save_card_page(*, actor, card: Scorecard, raw_entries: dict, uploads=(), indicator: str = "",
                   submit: bool = False, request=None) -> Scorecard:
    """The scorecard page's one write: its entries, the evidence files sent with them and, when
    asked, the submission — together or nothing (a refused file or submission keeps no entry).
    Each step records its own audit event (evidence_uploaded, the submit transition)."""
    save_entries(actor=actor, card=card, raw_entries=raw_entries, request=request)
    if uploads:
        attach_to_card(actor=actor, card=card, uploads=uploads, indicator=indicator, request=request)
    if submit:
        card = submit_card(actor=actor, card=card, request=request)
    return card


def _stored(raw: dict, entry: engine.Entry) -> dict:
    return {"veto": entry.veto, "count": entry.count, "value": str(entry.value) if entry.value is not None else None,
            "counts": entry.counts, "items": entry.items, "count_items": entry.count_items,
            "evidence": entry.evidence, "note": entry.note}


@transaction.atomic
def submit_card(*, actor, card: Scorecard, raw_entries: dict | None = None, request=None) -> Scorecard:
    """Submit once; afterwards the database refuses any change to the card."""
    if raw_entries is not None:
        save_entries(actor=actor, card=card, raw_entries=raw_entries, request=request)
    card = Scorecard.objects.select_for_update().get(pk=card.pk)
    lifecycle.check(card, "submit")
    _check_scorer(actor, card)
    late = _check_phase(card)
    rubric = rubric_of(card)
    stored = selectors.entries_of(card)
    result = engine.score(rubric, clean_entries(rubric, stored), portal=card.website.is_portal,
                          no_public_services=_no_public_services(card.website))
    card.score, card.result = result.score, result.result
    lifecycle.fire(card, "submit", actor=actor, request=request, late=late, stage=card.stage,
                   result=result.result, score=str(result.score) if result.score is not None else None)
    card.save()
    return card


def phase_of(stage: str):
    return campaign_phase(Phase.Kind.SELFCHECK if stage == S.SELF else Phase.Kind.INSPECTION)


def _check_phase(card: Scorecard) -> bool:
    """The phase gate: a self-check only while its phase is open (afterwards with
    an exception from above, marked late); an inspection once its phase opened
    (late inspections are marked). Spot checks follow their own batches."""
    if card.stage == S.SELF:
        return campaigns.check_phase(Phase.Kind.SELFCHECK, card.website.unit)
    if card.stage == S.INSPECTION:
        return campaigns.check_phase(Phase.Kind.INSPECTION, card.scorer_unit, late_allowed=True)
    return False
