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
