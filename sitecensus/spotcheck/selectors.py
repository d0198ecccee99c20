"""Reads of spot checks a person sees: the figures of the caller's batches by campaign round."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import Batch, BatchSite


def figures_by_round(unit) -> list[dict]:
    """The unit's batches grouped by campaign round (newest round first; unassigned last):
    batches, sampled, signed off, passed, pass rate — one aggregate query each."""
    sites = (BatchSite.objects.filter(batch__organizer=unit).values("batch__round_id", "batch__round__name")
             .annotate(sampled=Count("id"), signed=Count("id", filter=Q(status=BatchSite.Status.SIGNED)),
                       passed=Count("id", filter=Q(status=BatchSite.Status.SIGNED, scorecard__result="合格"))))
    batches = {r["round_id"]: r["n"] for r in Batch.objects.filter(organizer=unit).values("round_id")
               .annotate(n=Count("id"))}
    names = dict(Batch.objects.filter(organizer=unit, round__isnull=False).values_list("round_id", "round__name"))
    rows = {r["batch__round_id"]: r for r in sites}
    out = []
    for round_id in sorted(batches, key=lambda k: (k is None, -(k or 0))):
        r = rows.get(round_id, {"sampled": 0, "signed": 0, "passed": 0})
        out.append({"round": names.get(round_id) or Batch.NO_ROUND, "batches": batches[round_id],
                    "sampled": r["sampled"], "signed": r["signed"], "passed": r["passed"],
                    "rate": round(r["passed"] * 100 / r["signed"], 1) if r["signed"] else None})
    return out


# ---------------------------------------------------------------- accountability (issue 24)

def accountability_counts(region_unit, year: int) -> dict[str, int]:
    """问责 in `year` (by decision date) for the sites of `region_unit`'s tree (a province's office: its
    region; a ministry's office: its system; 国办: the country): measure → number of records, every
    measure listed (zeros included)."""
    from .models import Accountability

    rows = (Accountability.objects.filter(website__unit__path__startswith=region_unit.path, decided_at__year=year)
            .values("measure").annotate(n=Count("id")))
    found = {r["measure"]: r["n"] for r in rows}
    return {measure: found.get(measure, 0) for measure in Accountability.Measure.values}


def accountability_persons(region_unit, year: int) -> int:
    """问责人次 in `year` for `region_unit`'s tree (the 监管年度报表's item)."""
    from django.db.models import Sum

    from .models import Accountability

    return (Accountability.objects.filter(website__unit__path__startswith=region_unit.path, decided_at__year=year)
            .aggregate(n=Sum("persons"))["n"] or 0)


def accountability_for_batch(batch) -> list:
    """The measures recorded for a batch's sampled sites (the notice's section), oldest decision first."""
    from .models import Accountability

    return list(Accountability.objects.filter(batch_site__batch=batch).select_related("website", "unit")
                .order_by("decided_at", "id"))


def accountability_for_site(website) -> list:
    from .models import Accountability

    return list(Accountability.objects.filter(website=website).select_related("unit", "recorder_unit")
                .order_by("-decided_at", "-id"))


def measure_totals(records) -> list[tuple[str, int]]:
    """Records counted by measure, in the list's order (the notice's “约谈 2 起、通报批评 1 起”)."""
    from .models import Accountability

    counts = {}
    for r in records:
        counts[r.measure] = counts.get(r.measure, 0) + 1
    return [(m, counts[m]) for m in Accountability.Measure.values if m in counts]


def reports_up(user):
    """The rounds the provinces reported up, for 国办 (newest first)."""
    from . import policy
    from .models import RoundReport

    policy.check_reverify(user)
    return RoundReport.objects.select_related("batch", "organizer", "reverification").order_by("-reported_at", "-pk")
