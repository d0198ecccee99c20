"""Reports upward: an organizing unit's inspection and rectification report, a
snapshot of its figures (what its parent adds up), saved and submitted once."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.registry import campaigns
from sitecensus.registry.models import Phase

from .. import policy, selectors
from ..models import InspectionReport


@transaction.atomic
def save_report(*, actor, narrative: str, submit: bool = False, request=None) -> InspectionReport:
    policy.check_report_upward(actor)
    campaign = campaigns.active_campaign()
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
        late = campaigns.check_phase(Phase.Kind.REPORT, actor.unit, late_allowed=True)
        lifecycle.fire(report, "submit", actor=actor, request=request, late=late)
    else:
        record("report_saved", actor=actor, request=request, obj=report)
    try:
        report.save()
    except IntegrityError:
        raise InvalidState("检查整改情况报告已报送，不能修改") from None
    return report
