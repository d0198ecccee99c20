"""Writes for inspection & rectification: scoring tables loaded from data,
self-checks and inspections (immutable once submitted), rectification notices,
reports upward. Each one transaction, one audit event, a typed error."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.registry.models import Phase, Website
from sitecensus.registry import campaigns
from sitecensus.registry.services import active_websites, campaign_phase

from . import engine, policy, selectors
from .models import (IMMUTABLE, InspectionReport, IndicatorRow, Rectification, RectificationEvent, RubricTable,
                     Scorecard, ScoreEntry)
from .rubric import Rubric, parse_rubric, read_rubric_data

S = Scorecard.Stage


# ---------------------------------------------------------------- scoring tables

@transaction.atomic
def load_rubric_table(code: str | None = None) -> RubricTable:
    """Load (or refresh) a scoring table from its data file into the database."""
    raw = read_rubric_data(code or settings.SCORING_RUBRIC)
    spec_rubric = parse_rubric(raw)
    existing = RubricTable.objects.filter(code=spec_rubric.code).first()
    if existing is not None and existing.spec != raw and Scorecard.objects.filter(rubric=existing).exists():
        # A version in use is immutable: submitted cards keep displaying what they were scored on.
        raise InvalidState(f"评分表“{spec_rubric.code}”已有评分表按其填写，不能修改；"
                           f"请以新的版本号（code）另存为新评分表")
    if existing is not None and existing.spec == raw:
        return existing
    table, _ = RubricTable.objects.update_or_create(code=spec_rubric.code, defaults={
        "name": spec_rubric.name, "source": spec_rubric.source, "spec": raw})
    IndicatorRow.objects.filter(rubric=table).delete()
    IndicatorRow.objects.bulk_create([
        IndicatorRow(rubric=table, code=i["code"], kind=i["kind"], group=i["group"], name=i["name"], position=n,
                     confirmed=bool(i.get("confirmed")), spec=i) for n, i in enumerate(raw["indicators"])])
    return table


def current_code() -> str:
    """The scoring table of the active campaign (SCORING_RUBRIC when it names none)."""
    campaign = campaigns.active_campaign()
    return (campaign.rubric_code if campaign and campaign.rubric_code else None) or settings.SCORING_RUBRIC


def current_table() -> RubricTable:
    code = current_code()
    table = RubricTable.objects.filter(code=code).first()
    return table or load_rubric_table(code)


def rubric_of(card: Scorecard) -> Rubric:
    return parse_rubric(card.rubric.spec)


def rubric_of_table(table: RubricTable) -> Rubric:
    return parse_rubric(table.spec)


# ---------------------------------------------------------------- scorecards

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
    if card.is_submitted:
        raise InvalidState(f"{IMMUTABLE}：这份评分表已经提交过")
    _check_scorer(actor, card)
    late = _check_phase(card)
    rubric = rubric_of(card)
    stored = selectors.entries_of(card)
    result = engine.score(rubric, clean_entries(rubric, stored), portal=card.website.is_portal,
                          no_public_services=_no_public_services(card.website))
    card.status = Scorecard.Status.SUBMITTED
    card.score, card.result = result.score, result.result
    card.submitted_by, card.submitted_at = actor, timezone.now()
    card.is_late = late
    card.save()
    record("scorecard_submitted", actor=actor, request=request, obj=card, stage=card.stage,
           result=result.result, score=str(result.score) if result.score is not None else None)
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


# ---------------------------------------------------------------- rectification

def _event(notice, action, actor, text=""):
    RectificationEvent.objects.create(rectification=notice, action=action, actor=actor, text=text)


@transaction.atomic
def issue_rectification(*, actor, card: Scorecard, indicator: str, requirement: str, deadline: date,
                        request=None) -> Rectification:
    card = Scorecard.objects.select_related("website", "rubric").get(pk=card.pk)
    if card.stage == S.SELF or card.scorer_unit_id != actor.unit_id:
        raise NotAllowed("只有检查单位可以下发整改通知")
    if not card.is_submitted:
        raise InvalidState("请先提交检查评分表，再下发整改通知")
    entry = ScoreEntry.objects.filter(scorecard=card, indicator=indicator).first()
    if entry is None or not (entry.is_veto or (entry.points or 0) > 0):
        raise InvalidInput("只能就扣分或单项否决的指标下发整改通知", field="indicator")
    if not (requirement or "").strip():
        raise InvalidInput("请填写整改要求", field="requirement")
    if deadline < timezone.localdate():
        raise InvalidInput("整改期限不能早于今天", field="deadline")
    name = rubric_of(card).indicator(indicator).name
    if open_notice_exists(card.website, indicator):
        raise InvalidState(f"该网站“{name}”已有未完成的整改通知，请在原通知中复查或退回，不要重复下发")
    notice = Rectification.objects.create(website=card.website, scorecard=card, indicator=indicator,
                                          indicator_name=name, requirement=requirement.strip(), deadline=deadline,
                                          issued_by=actor, issuer_unit=actor.unit)
    _event(notice, "issue", actor, requirement.strip())
    record("rectification_issued", actor=actor, request=request, obj=notice, indicator=indicator)
    notify_issued([notice], sender=actor)
    return notice


def open_notice_exists(website, indicator: str) -> bool:
    return Rectification.objects.filter(website=website, indicator=indicator).exclude(
        status=Rectification.Status.CLOSED).exists()


def notify_issued(notices, *, sender) -> None:
    """The unit hears of each rectification issued to it (inbox + mail), once committed."""
    from sitecensus.inbox.models import Message
    from sitecensus.inbox.services import notify_after_commit

    for notice in notices:
        notify_after_commit(
            units=[notice.website.unit], kind=Message.Kind.RECTIFICATION_ISSUED,
            title=f"整改通知：{notice.website.name}（{notice.indicator_name}）",
            body=(f"{{unit}}：{notice.website.name}（{notice.website.site_code}）需就“{notice.indicator_name}”进行整改，"
                  f"整改要求：{notice.requirement}。请于 {notice.deadline:%Y年%m月%d日} 前整改并在系统中反馈整改情况。"),
            link=f"/checks/rectifications/{notice.pk}/", sender=sender)


@transaction.atomic
def answer_rectification(*, actor, notice: Rectification, answer: str, evidence: list[str], files=(),
                         request=None):
    if not may_self_check(actor, notice.website):
        raise NotAllowed("只有网站的填报单位可以反馈整改情况")
    notice = Rectification.objects.select_for_update().get(pk=notice.pk)
    if notice.status == Rectification.Status.CLOSED:
        raise InvalidState("该整改通知已完成")
    evidence = [e.strip() for e in evidence if e.strip()]
    if not (answer or "").strip():
        raise InvalidInput("请填写整改情况", field="answer")
    for url in evidence:
        if not url.startswith(("http://", "https://")):
            raise InvalidInput(f"证据网址应以 http:// 或 https:// 开头：“{url}”", field="evidence")
    made = []
    if files:
        from sitecensus.evidence.services import files_for_answer

        made = files_for_answer(actor=actor, notice=notice, uploads=files)
    notice.answer, notice.answer_evidence = answer.strip(), evidence
    notice.status, notice.answered_at = Rectification.Status.ANSWERED, timezone.now()
    notice.save()
    if made:
        type(made[0]).objects.bulk_create(made)
    _event(notice, "answer", actor, answer.strip())
    record("rectification_answered", actor=actor, request=request, obj=notice, files=[f.name for f in made])
    return notice


@transaction.atomic
def recheck_rectification(*, actor, notice: Rectification, close: bool, comment: str = "", request=None):
    """The inspector re-checks: closes it, or reopens it with why."""
    if notice.issuer_unit_id != actor.unit_id:
        raise NotAllowed("只有下发整改通知的单位可以复查")
    notice = Rectification.objects.select_for_update().get(pk=notice.pk)
    if notice.status != Rectification.Status.ANSWERED:
        raise InvalidState("填报单位尚未反馈整改情况，不能复查")
    if not close and not (comment or "").strip():
        raise InvalidInput("退回重新整改时请说明原因", field="comment")
    if close:
        notice.status, notice.closed_at = Rectification.Status.CLOSED, timezone.now()
    else:
        notice.status, notice.reopened = Rectification.Status.OPEN, notice.reopened + 1
    notice.save()
    _event(notice, "close" if close else "reopen", actor, comment)
    record("rectification_closed" if close else "rectification_reopened", actor=actor, request=request, obj=notice)
    return notice


def remind_overdue(*, actor, request=None) -> int:
    """催办 the units whose rectification is overdue (inbox + mail); returns the mails sent."""
    from sitecensus.inbox.services import remind

    return remind(actor=actor, which="rectification", request=request)[1]


# ---------------------------------------------------------------- reports upward

@transaction.atomic
def save_report(*, actor, narrative: str, submit: bool = False, request=None) -> InspectionReport:
    policy.check_report_upward(actor)
    campaign = _campaign()
    report, _ = InspectionReport.objects.get_or_create(organizer=actor.unit, campaign=campaign)
    # The snapshot: what the unit reports is what its parent adds up, never recomputed later.
    report = InspectionReport.objects.select_for_update().get(pk=report.pk)
    if report.status == InspectionReport.Status.SUBMITTED:
        raise InvalidState("检查整改情况报告已报送，不能修改")
    if submit and not (narrative or "").strip():
        raise InvalidInput("请填写情况说明后再报送", field="narrative")
    figures = selectors.report_figures(actor.unit)
    report.figures = {**figures, "rolled_up": selectors.rolled_up(actor.unit, figures)}
    report.narrative = (narrative or "").strip()
    if submit:
        report.is_late = campaigns.check_phase(Phase.Kind.REPORT, actor.unit, late_allowed=True)
        report.status = InspectionReport.Status.SUBMITTED
        report.submitted_by, report.submitted_at = actor, timezone.now()
    try:
        report.save()
    except IntegrityError:
        raise InvalidState("检查整改情况报告已报送，不能修改") from None
    record("report_submitted" if submit else "report_saved", actor=actor, request=request, obj=report)
    return report
