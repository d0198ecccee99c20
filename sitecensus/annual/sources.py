"""What the annual reports read from the rest of the system — every read of another app's data
in one place, each a grouped query over many sites at once (never one query per site).

Two sources are read by name through the app registry, never imported: the new-media accounts
(an app that may not be installed) and the accountability records (a model that may not exist
yet); each answers empty when it is absent. The 找错 reports (`public`, a layer above) are read the
same way."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Count, F, Max, Min, Q, Sum

from sitecensus.orgs.models import Unit
from sitecensus.registry.models import ReviewEvent, Website, WebsiteVersion
from sitecensus.scanner.models import ColumnScan, SiteScan
from sitecensus.scoring.models import ScoreEntry
from sitecensus.spotcheck.models import Batch, BatchSite

LATE_AFTER = timedelta(days=30)  # 找错 answered more than a month after it came in (年度考核: −2 each)


# ---------------------------------------------------------------- per site (the work report)

def scanner_counts(website_ids: list[int], year: int) -> dict[int, dict]:
    """Per site, from the year's scans: items seen per column (the most any scan of the year saw
    on each column's list page, summed over columns), and the messages the last scan of the year
    saw in the interaction columns and how many of them were overdue."""
    out: dict[int, dict] = {}
    per_column = (ColumnScan.objects.filter(site_scan__website_id__in=website_ids, site_scan__at__year=year)
                  .values("site_scan__website_id", "url").annotate(n=Max("item_count")).order_by())
    for row in per_column:
        site = out.setdefault(row["site_scan__website_id"], {"items_total": 0, "columns": 0})
        site["items_total"] += row["n"] or 0
        site["columns"] += 1
    last = (SiteScan.objects.filter(website_id__in=website_ids, at__year=year).values("website_id")
            .annotate(last=Max("id")).order_by().values("last"))
    for website_id, summary in SiteScan.objects.filter(id__in=last).values_list("website_id", "summary"):
        interaction = (summary or {}).get("interaction") or []
        site = out.setdefault(website_id, {"items_total": 0, "columns": 0})
        site["messages_seen"] = sum(int(i.get("messages_in_window") or 0) for i in interaction)
        site["messages_overdue"] = sum(len(i.get("overdue") or []) for i in interaction)
    return out


def _public_reports():
    return apps.get_model("public", "PublicReport")


def _zhaocuo_counts(model) -> dict:
    """找错 counts as aggregate expressions on the fields the report has today (a refusal status,
    when the model gains one, is counted; 0 until then)."""
    done = model.Status.DONE
    statuses = {value for value, _ in model.Status.choices}
    closed = [s for s in (done, "refused") if s in statuses]
    counts = {"received": Count("id"),
              "answered": Count("id", filter=Q(status=done, answered_at__date__lte=F("deadline"))),
              "answered_late": Count("id", filter=Q(status=done, answered_at__gt=F("created_at") + LATE_AFTER)),
              "unanswered": Count("id", filter=~Q(status__in=closed))}
    counts["refused"] = Count("id", filter=Q(status="refused")) if "refused" in statuses else None
    return counts


def public_report_counts(website_ids: list[int], year: int) -> dict[int, dict]:
    """Per site, the 找错 reports received in the year: received, answered by the deadline,
    answered more than a month after they came in, not answered, refused."""
    model = _public_reports()
    counts = _zhaocuo_counts(model)
    refused = counts.pop("refused")
    rows = (model.objects.filter(website_id__in=website_ids, created_at__year=year).values("website_id")
            .annotate(**counts, **({"refused": refused} if refused is not None else {})).order_by())
    return {r.pop("website_id"): {**r, "refused": r.get("refused", 0)} for r in rows}


def newmedia_accounts(unit_ids: list[int]) -> dict[int, list[str]]:
    """Per unit, its 政务新媒体 accounts as "名称（平台）" — none when the new-media app is not
    installed (or has no accounts model of this shape)."""
    if not apps.is_installed("sitecensus.newmedia"):
        return {}
    try:
        model = apps.get_model("newmedia", "MediaAccount")
        rows = model.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "name", "platform")
        out: dict[int, list[str]] = {}
        for unit_id, name, platform in rows:
            out.setdefault(unit_id, []).append(f"{name}（{platform}）" if platform else name)
        return out
    except (LookupError, FieldError):
        return {}


# ---------------------------------------------------------------- per region (the supervision report)

def region_sites(region: Unit):
    return Website.objects.filter(unit__path__startswith=region.path)


def running_sites(region: Unit) -> dict:
    sites = region_sites(region).filter(site_code__isnull=False).exclude(life__in=["closed", "merged"])
    return sites.aggregate(running=Count("id"), portals=Count("id", filter=Q(is_portal=True)),
                           departments=Count("id", filter=Q(is_portal=False)))


def spotcheck_rounds(region: Unit, year: int) -> list[dict]:
    """The region's own spot checks of the year (batches it organized, by monitoring start), per
    round: batches, sampled, checked (signed off), passed, failed, problems (veto or deduction
    items on the failed and passed cards alike) — grouped queries, one per measure."""
    sites = BatchSite.objects.filter(batch__organizer=region, batch__window_start__year=year)
    rows = (sites.values("batch__round_id", "batch__round__name")
            .annotate(batches=Count("batch", distinct=True), sampled=Count("id"),
                      checked=Count("id", filter=Q(status=BatchSite.Status.SIGNED)),
                      passed=Count("id", filter=Q(status=BatchSite.Status.SIGNED, scorecard__result="合格")))
            .order_by("batch__round_id"))
    problems = dict(ScoreEntry.objects.filter(Q(is_veto=True) | Q(points__gt=0),
                                              scorecard_id__in=sites.filter(status=BatchSite.Status.SIGNED)
                                              .values("scorecard_id"))
                    .values("scorecard_id").annotate(n=Count("id")).values_list("scorecard_id", "n"))
    round_of_card = dict(sites.filter(status=BatchSite.Status.SIGNED).values_list("scorecard_id", "batch__round_id"))
    per_round: dict = {}
    for card, n in problems.items():
        per_round[round_of_card.get(card)] = per_round.get(round_of_card.get(card), 0) + n
    return [{"round": r["batch__round__name"] or Batch.NO_ROUND, "batches": r["batches"], "sampled": r["sampled"],
             "checked": r["checked"], "passed": r["passed"], "failed": r["checked"] - r["passed"],
             "problems": per_round.get(r["batch__round_id"], 0)} for r in rows]


def life_changes(region: Unit, year: int) -> dict:
    """Sites first approved in the year (开设) and life changes approved, by the year they were asked."""
    opened = (region_sites(region).annotate(first=Min("events__at", filter=Q(events__action=ReviewEvent.Action.FINAL)))
              .filter(first__year=year).count())
    changes = dict(WebsiteVersion.objects.filter(website__unit__path__startswith=region.path, source="life",
                                                 state__in=["current", "superseded"], created_at__year=year)
                   .values_list("data__life").annotate(n=Count("id")).values_list("data__life", "n"))
    return {"opened": opened, "closed": changes.get("closed", 0), "merged": changes.get("merged", 0),
            "migrated": changes.get("migrated", 0)}


def zhaocuo(region: Unit, year: int) -> dict:
    model = _public_reports()
    counts = _zhaocuo_counts(model)
    refused = counts.pop("refused")
    out = model.objects.filter(website__unit__path__startswith=region.path, created_at__year=year).aggregate(
        **counts, **({"refused": refused} if refused is not None else {}))
    return {**out, "refused": out.get("refused", 0)}


def accountability_counts(region_unit: Unit, year: int) -> dict:
    """问责: the accountability records of the region's sites decided in the year, in total and by
    measure (约谈, 书面检查, 通报批评, 调离 …). Empty while spot checks keep no such records."""
    try:
        model = apps.get_model("spotcheck", "Accountability")
    except LookupError:
        return {"total": 0, "by_measure": {}}
    labels = dict(model._meta.get_field("measure").flatchoices)
    rows = (model.objects.filter(website__unit__path__startswith=region_unit.path, decided_at__year=year)
            .values("measure").annotate(n=Count("id")).order_by("measure"))
    by_measure = {str(labels.get(r["measure"], r["measure"])): r["n"] for r in rows}
    return {"total": sum(by_measure.values()), "by_measure": by_measure}


def training(region: Unit, year: int) -> dict:
    from .models import TrainingEntry

    out = TrainingEntry.objects.filter(unit=region, held_on__year=year).aggregate(
        sessions=Count("id"), participants=Sum("participants"))
    return {"sessions": out["sessions"], "participants": out["participants"] or 0}
