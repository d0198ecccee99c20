"""A batch's figures (sampled, passed, pass rates by region, level and class): a read the notices, the
report-up and the annual reports share."""

from __future__ import annotations

from django.db.models import Count, Q

from sitecensus.orgs.selectors import province_name

from ..models import Batch, BatchSite
from .sampling import LEVELS


def figures(batch: Batch) -> dict:
    """Sampled, passed, pass rate by region and by site class (aggregated in the database)."""
    signed = batch.sites.filter(status=BatchSite.Status.SIGNED)
    passed = Q(scorecard__result="合格")

    def by(field, label):
        rows = signed.values(field).annotate(n=Count("id"), ok=Count("id", filter=passed)).order_by(field)
        return [{"key": label(r[field]), "code": r[field], "sampled": r["n"], "passed": r["ok"],
                 "rate": round(r["ok"] * 100 / r["n"], 1) if r["n"] else None} for r in rows]

    total = signed.count()
    ok = signed.filter(passed).count()
    return {"round": batch.round_label, "sampled": batch.sites.count(), "checked": total, "passed": ok,
            "pass_rate": round(ok * 100 / total, 1) if total else None,
            "by_region": by("website__unit__division__province_code",
                            lambda code: province_name(code) or "国务院部门"),
            "by_level": by("website__unit__level", lambda level: LEVELS.get(level, "未分级")),
            "by_class": by("website__site_class", lambda value: value or "未分类")}
