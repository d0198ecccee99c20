"""A province's own round reported up to 国办 with its results, and 国办's re-verification of it
(issue 24): a random sub-sample of the province's PASSED results (ratio configurable, seed recorded)
re-checked by 国办's reviewers like any batch; the re-check's notice reports the agreement rate
between the two verdicts and lists the disagreements."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidState
from sitecensus.scoring import services as scoring_services

from .. import policy
from ..models import Batch, BatchSite, RoundReport
from .figures import figures
from .strata import SAMPLE, _ratio, rules  # noqa: F401  (SAMPLE: callers' name)

def _published(batch: Batch) -> bool:
    return batch.notices.filter(corrects__isnull=True, published_at__isnull=False).exists()


@transaction.atomic
def report_up(*, actor, batch: Batch, request=None) -> RoundReport:
    """上报: the province's round, its notice published, sent up to 国办 with its results summary."""
    policy.REPORT_UP.check(policy.may_report_up(actor, batch))
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if RoundReport.objects.filter(batch=batch).exists():
        raise InvalidState(f"“{batch.name}”的抽查结果已上报")
    if batch.reverifies_id or not _published(batch):
        raise InvalidState(f"“{batch.name}”的通报尚未发布：请先生成并发布本轮通报，再向国办上报")
    f = figures(batch)
    summary = {key: f[key] for key in ("round", "sampled", "checked", "passed", "pass_rate", "by_level", "by_class")}
    summary.update(period=batch.period, window=[str(batch.window_start), str(batch.window_end)], seed=batch.seed,
                   failed=f["checked"] - f["passed"])
    report = RoundReport.objects.create(batch=batch, organizer=batch.organizer, summary=summary, reported_by=actor)
    record("round_reported_up", actor=actor, request=request, obj=report, batch=batch.pk,
           sampled=f["sampled"], passed=f["passed"])
    return report


@transaction.atomic
def create_reverification(*, actor, report: RoundReport, ratio=None, seed: int | None = None,
                          request=None) -> Batch:
    """国办's re-check of a reported round: a batch of 国办 drawing `ratio` % (data/cadence.json by
    default) of the round's passed results with a recorded seed; then started, scanned (or not, with
    a reason), reviewed and signed like any batch."""
    from .sampling import draw

    policy.check_reverify(actor)
    report = RoundReport.objects.select_for_update().select_related("batch").get(pk=report.pk)
    lifecycle.check(report, "start_reverify")
    source = report.batch
    ratio = _ratio(rules()["reverify_ratio"] if ratio in (None, "") else ratio, field="ratio", where="复核")
    today = timezone.localdate()
    batch = Batch.objects.create(
        name=f"复核：{source.name}"[:100], organizer=actor.unit, round=source.round, strata_by=[], ratio=ratio,
        seed=seed if seed is not None else secrets.randbelow(2**31), reverifies=source, period=source.period,
        window_start=min(source.window_start, today), window_end=today, created_by=actor)
    record("spotcheck_created", actor=actor, request=request, obj=batch, seed=batch.seed, reverifies=source.pk)
    batch = draw(actor=actor, batch=batch, request=request)
    lifecycle.fire(report, "start_reverify", actor=actor, request=request, batch=batch, ratio=str(ratio),
                   seed=batch.seed, sampled=batch.sites.count())
    report.save()
    return batch


def _problems(card) -> list[str]:
    if card is None:
        return []
    rubric = scoring_services.rubric_of(card)
    return [rubric.indicator(e.indicator).name for e in card.entries.filter(Q(is_veto=True) | Q(points__gt=0))]


def agreement(batch: Batch) -> dict:
    """The re-check against the lower level's verdicts, site by site: checked, agreed, the agreement
    rate (%), and each disagreement with both verdicts."""
    if not batch.reverifies_id:
        return {}
    source = batch.reverifies
    lower = {s.website_id: s for s in source.sites.select_related("scorecard")}
    checked = agreed = 0
    disagreements = []
    for s in (batch.sites.filter(status=BatchSite.Status.SIGNED).select_related("website", "website__unit", "scorecard")
              .order_by("website__unit__path", "id")):
        theirs = lower.get(s.website_id)
        was = theirs.scorecard.result if theirs and theirs.scorecard_id else ""
        checked += 1
        if s.scorecard.result == was:
            agreed += 1
            continue
        disagreements.append({
            "site_code": s.website.site_code, "name": s.website.name, "unit": s.website.unit.name,
            "lower": was, "lower_score": str(theirs.scorecard.score) if theirs and theirs.scorecard_id else "",
            "higher": s.scorecard.result, "higher_score": str(s.scorecard.score or ""),
            "problems": _problems(s.scorecard)})
    return {"source": source.name, "organizer": source.organizer.name, "checked": checked, "agreed": agreed,
            "rate": round(agreed * 100 / checked, 1) if checked else None, "disagreements": disagreements}


def conclude(*, actor, batch: Batch, found: dict, request=None) -> None:
    """The re-check's notice composed: the reported round records the agreement (again on a re-compose)."""
    report = RoundReport.objects.select_for_update().filter(reverification=batch).first()
    if report is None:
        return
    lifecycle.fire(report, "conclude", actor=actor, request=request, agreement=found,
                   rate=found.get("rate"), checked=found.get("checked"), agreed=found.get("agreed"))
    report.save()
