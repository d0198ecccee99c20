"""Rectification notices: issued by the inspecting unit on a deducted or vetoed
indicator (the unit told by inbox and mail), answered with evidence by the site's
unit, re-checked (closed or reopened) by the issuer; overdue ones are reminded from the inbox's 催办."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.registry import campaigns
from sitecensus.registry.models import Phase
from sitecensus.registry.services import grant_exception
from sitecensus.core.dates import cn_date

from .. import policy
from ..attachments import files_for_answer
from ..models import Rectification, RectificationEvent, Scorecard, ScoreEntry
from ..signals import rectifications_issued
from .rubrics import rubric_of

S = Scorecard.Stage


def _event(notice, action, actor, text=""):
    RectificationEvent.objects.create(rectification=notice, action=action, actor=actor, text=text)


@transaction.atomic
def issue_rectification(*, actor, card: Scorecard, indicator: str, requirement: str, deadline: date,
                        request=None) -> Rectification:
    card = Scorecard.objects.select_related("website", "rubric").get(pk=card.pk)
    if card.stage == S.SELF or card.scorer_unit_id != actor.unit_id:
        raise policy.ISSUE.refuse()
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
    """The unit hears of each rectification issued to it: the inbox (above scoring) listens."""
    rectifications_issued.send(sender=Rectification, notices=list(notices), sender_user=sender)


def rectification_phase(notice: Rectification) -> Phase | None:
    """The 整改 phase an answer falls in: that of the campaign (or round) its card belongs to,
    else the active campaign's (None when no campaign is configured)."""
    campaign = notice.scorecard.campaign
    phase = campaign.phases.filter(kind=Phase.Kind.RECTIFICATION).first() if campaign is not None else None
    return phase or campaigns.campaign_phase(Phase.Kind.RECTIFICATION)


def check_answer_window(notice: Rectification, *, today: date | None = None) -> bool:
    """The phase gate of an answer (the self-check's gate, reused). A notice is actionable
    the day it is issued — whether or not the 整改 phase has opened, a unit that has fixed
    its site may say so at once; the phase sets the deadline, not the opening. After the
    notice's own 整改期限, only with an exception granted by the organizing unit above,
    and then late. Returns whether it is late."""
    today = today or timezone.localdate()
    phase = rectification_phase(notice)
    if phase is None:
        return today > notice.deadline
    issued = timezone.localdate(notice.issued_at) if notice.issued_at else today
    return campaigns.check_phase(Phase.Kind.RECTIFICATION, notice.website.unit, today=today, phase=phase,
                                 closes_on=notice.deadline, opens_on=min(issued, phase.opens_on),
                                 action="反馈整改情况")


@transaction.atomic
def allow_late_answer(*, actor, notice: Rectification, until: date, reason: str, request=None):
    """The organizing unit above the site's unit lets it answer after the deadline (until `until`)."""
    phase = rectification_phase(notice)
    if phase is None:
        raise InvalidState("当前没有设置整改阶段，逾期反馈无需批准")
    return grant_exception(actor=actor, unit=notice.website.unit, until=until, reason=reason,
                           kind=Phase.Kind.RECTIFICATION, phase=phase, request=request)


@transaction.atomic
def answer_rectification(*, actor, notice: Rectification, answer: str, evidence: list[str], files=(),
                         request=None):
    if not policy.may_self_check(actor, notice.website):
        raise policy.ANSWER.refuse()
    notice = Rectification.objects.select_for_update(of=("self",)).select_related(
        "scorecard__campaign", "website__unit").get(pk=notice.pk)
    lifecycle.check(notice, "answer_with")
    late = check_answer_window(notice)
    evidence = [e.strip() for e in evidence if e.strip()]
    if not (answer or "").strip():
        raise InvalidInput("请填写整改情况", field="answer")
    for url in evidence:
        if not url.startswith(("http://", "https://")):
            raise InvalidInput(f"证据网址应以 http:// 或 https:// 开头：“{url}”", field="evidence")
    made = []
    if files:
        made = files_for_answer(actor=actor, notice=notice, uploads=files)
    notice.is_late = late
    lifecycle.fire(notice, "answer_with", actor=actor, request=request, text=answer.strip(), evidence=evidence,
                   files=[f.name for f in made], late=late)
    notice.save()
    if made:
        type(made[0]).objects.bulk_create(made)
    _event(notice, "answer", actor, answer.strip())
    return notice


@transaction.atomic
def recheck_rectification(*, actor, notice: Rectification, close: bool, comment: str = "", request=None):
    """The inspector re-checks: closes it, or reopens it with why."""
    if notice.issuer_unit_id != actor.unit_id:
        raise policy.RECHECK.refuse()
    notice = Rectification.objects.select_for_update().get(pk=notice.pk)
    lifecycle.check(notice, "close")
    if not close and not (comment or "").strip():
        raise InvalidInput("退回重新整改时请说明原因", field="comment")
    lifecycle.fire(notice, "close" if close else "reopen", actor=actor, request=request,
                   **({} if close else {"reason": comment.strip()}))
    notice.save()
    _event(notice, "close" if close else "reopen", actor, comment)
    return notice
