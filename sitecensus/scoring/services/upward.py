"""Reports upward: an organizing unit's inspection and rectification report, a
snapshot of its figures (what its parent adds up), saved and submitted once.

A submitted report is never changed (database guards, audit seal): its sender may
withdraw it, or the receiving organizing unit return it with a reason, until the
receiver has submitted its own report (which added it up). Either writes a
ReportWithdrawal row that marks the report superseded; the sender then prepares
and sends a new report (the next `sequence`), which is the one that counts."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState, NotFound
from sitecensus.orgs.models import Unit
from sitecensus.registry import campaigns
from sitecensus.registry.models import Phase

from .. import policy, selectors
from ..signals import report_superseded
from ..models import InspectionReport, ReportWithdrawal


@transaction.atomic
def save_report(*, actor, narrative: str, submit: bool = False, request=None) -> InspectionReport:
    policy.check_report_upward(actor)
    campaign = campaigns.active_campaign()
    report = selectors.current_report(actor.unit, campaign)
    if report is None:  # the first report of the campaign, or the next after a withdrawal/return
        last = InspectionReport.objects.filter(organizer=actor.unit, campaign=campaign).aggregate(
            n=Max("sequence"))["n"] or 0
        try:
            with transaction.atomic():
                report = InspectionReport.objects.create(organizer=actor.unit, campaign=campaign, sequence=last + 1)
        except IntegrityError:
            raise InvalidState("检查整改情况报告正被同时修改，请刷新后重试") from None
    # The snapshot: what the unit reports is what its parent adds up, never recomputed later.
    report = InspectionReport.objects.select_for_update().get(pk=report.pk)
    if report.is_submitted:
        raise InvalidState("检查整改情况报告已报送，不能修改")
    if submit and not (narrative or "").strip():
        raise InvalidInput("请填写情况说明后再报送", field="narrative")
    figures = selectors.report_figures(actor.unit)
    report.figures = {**figures, "rolled_up": selectors.rolled_up(actor.unit, figures)}
    report.narrative = (narrative or "").strip()
    if submit:
        late = campaigns.check_phase(Phase.Kind.REPORT, actor.unit, late_allowed=True)
        lifecycle.fire(report, "submit", actor=actor, request=request, late=late)
    else:
        record("report_saved", actor=actor, request=request, obj=report)
    try:
        report.save()
    except IntegrityError:
        raise InvalidState("检查整改情况报告已报送，不能修改") from None
    return report


def _receiver(report: InspectionReport) -> Unit | None:
    """The organizing unit one level above the report's author (the one that adds it up)."""
    parent = report.organizer.parent_path
    return Unit.objects.filter(path=parent).first() if parent else None


def _supersede(*, actor, pk, kind: str, reason: str, request=None) -> ReportWithdrawal:
    report = (InspectionReport.objects.select_for_update(of=("self",)).select_related("organizer", "campaign")
              .filter(pk=pk).first() if str(pk).isdigit() else None)
    may = policy.may_withdraw_report if kind == ReportWithdrawal.Kind.WITHDRAWN else policy.may_return_report
    if report is None or not (may(actor, report) or policy.may_read_report(actor, report)):
        raise NotFound("报告不存在或不在您的权限范围内")
    rule = policy.WITHDRAW_REPORT if kind == ReportWithdrawal.Kind.WITHDRAWN else policy.RETURN_REPORT
    rule.check(may(actor, report))
    if not report.is_submitted:
        raise InvalidState(f"{report.organizer.name}的检查整改情况报告尚未报送，不能撤回或退回")
    if ReportWithdrawal.objects.filter(report=report).exists():
        raise InvalidState(f"{report.organizer.name}的这份检查整改情况报告已被撤回或退回")
    receiver = _receiver(report)
    if receiver is not None:
        upper = selectors.current_report(receiver, report.campaign)
        if upper is not None and upper.is_submitted:
            raise InvalidState(f"{receiver.name}已报送本级检查整改情况报告（已汇总这份报告），不能再撤回或退回")
    reason = (reason or "").strip()
    if kind == ReportWithdrawal.Kind.RETURNED and not reason:
        raise InvalidInput("请填写退回原因", field="reason")
    try:
        with transaction.atomic():
            withdrawal = ReportWithdrawal.objects.create(report=report, kind=kind, reason=reason, actor=actor,
                                                         actor_unit=actor.unit)
    except IntegrityError:
        raise InvalidState(f"{report.organizer.name}的这份检查整改情况报告已被撤回或退回") from None
    record("report_withdrawn" if kind == ReportWithdrawal.Kind.WITHDRAWN else "report_returned", actor=actor,
           request=request, obj=report, reason=reason, withdrawal=withdrawal.pk)
    report_superseded.send(sender=ReportWithdrawal, withdrawal=withdrawal, receiver=receiver, actor=actor)
    return withdrawal


@transaction.atomic
def withdraw_report(*, actor, pk, reason: str = "", request=None) -> ReportWithdrawal:
    """The sender takes its submitted report back (a new one may then be sent)."""
    return _supersede(actor=actor, pk=pk, kind=ReportWithdrawal.Kind.WITHDRAWN, reason=reason, request=request)


@transaction.atomic
def return_report(*, actor, pk, reason: str, request=None) -> ReportWithdrawal:
    """The receiving organizing unit sends a child's report back, with its reason."""
    return _supersede(actor=actor, pk=pk, kind=ReportWithdrawal.Kind.RETURNED, reason=reason, request=request)
