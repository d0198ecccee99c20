"""What the annual reports read from the rest of the system — every read of another app's data
in one place, each a grouped query over many sites at once (never one query per site).

Each figure is asked of the app that owns its rule (the 找错 lateness rule lives in `public`, the
accountability measures in `spotcheck`, which accounts are live in `newmedia`)."""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q, Sum

from sitecensus.newmedia.selectors import live_accounts
from sitecensus.orgs.models import Unit
from sitecensus.public.models import PublicReport
from sitecensus.public.selectors import error_report_year_counts
from sitecensus.registry.models import ReviewEvent, Website, WebsiteVersion
from sitecensus.scanner.models import ColumnScan, SiteScan
from sitecensus.scoring.models import ScoreEntry
from sitecensus.spotcheck.models import Batch, BatchSite
from sitecensus.spotcheck.selectors import accountability_counts as spotcheck_accountability
from sitecensus.spotcheck.selectors import accountability_persons


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


def public_report_counts(website_ids: list[int], year: int) -> dict[int, dict]:
    """Per site, the 找错 messages received in the year, by the public app's one rule of what is late:
    received, answered within a month, answered after more than a month, not answered, refused."""
    return {site: _report_figures(c) for site, c in error_report_year_counts(website_ids, year).items()}


def _report_figures(c: dict) -> dict:
    return {"received": c["received"], "answered": c["answered"] - c["late"], "answered_late": c["late"],
            "unanswered": c["unanswered"], "refused": c["refused"]}


def newmedia_accounts(unit_ids: list[int]) -> dict[int, list[str]]:
    """Per unit, its approved, live 政务新媒体 accounts as "名称（平台）" (what the public matrix lists)."""
    out: dict[int, list[str]] = {}
    for unit_id, name, platform in live_accounts().filter(unit_id__in=unit_ids).values_list("unit_id", "name",
                                                                                              "platform"):
        out.setdefault(unit_id, []).append(f"{name}（{platform}）")
    return out


# ---------------------------------------------------------------- per region (the supervision report)

def region_sites(region: Unit):
    return Website.objects.filter(unit__path__startswith=region.path)


def running_sites(region: Unit) -> dict:
    sites = region_sites(region).open().filter(site_code__isnull=False)
    return sites.aggregate(running=Count("id"), portals=Count("id", filter=Q(is_portal=True)),
                           departments=Count("id", filter=Q(is_portal=False)))


def spotcheck_rounds(region: Unit, year: int) -> list[dict]:
    """The region's own spot checks of the year (batches it organized, by monitoring start), per
    round: batches, sampled, checked (signed off), passed, failed, problems (veto or deduction
    items on the failed and passed cards alike) — grouped queries, one per measure."""
    return _round_rows(BatchSite.objects.filter(batch__organizer=region, batch__window_start__year=year))


def national_spotchecks(region: Unit, year: int) -> list[dict]:
    """The national office's spot checks of the year that sampled the region's sites (国办's own rounds,
    by monitoring start; its re-checks of reported rounds are not rounds of their own), per round, counting
    the region's sites only — the same measures as `spotcheck_rounds`, never added to them."""
    return _round_rows(BatchSite.objects.filter(
        batch__organizer__depth=1, batch__reverifies__isnull=True, batch__window_start__year=year,
        website__unit__path__startswith=region.path))


def _round_rows(sites) -> list[dict]:
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
    """The region's 找错 messages of the year, summed over its sites (the same figures as each site's report)."""
    sites = (PublicReport.objects.filter(website__unit__path__startswith=region.path, created_at__year=year)
             .values_list("website_id", flat=True).distinct())
    total = dict.fromkeys(("received", "answered", "answered_late", "unanswered", "refused"), 0)
    for counts in public_report_counts(list(sites), year).values():
        for key, n in counts.items():
            total[key] += n
    return total


def accountability_counts(region_unit: Unit, year: int) -> dict:
    """问责: the region's persons held accountable in the year (人次) and its records by measure."""
    return {"total": accountability_persons(region_unit, year),
            "by_measure": {m: n for m, n in spotcheck_accountability(region_unit, year).items() if n}}


def training(region: Unit, year: int) -> dict:
    from .models import TrainingEntry

    out = TrainingEntry.objects.filter(unit=region, held_on__year=year).aggregate(
        sessions=Count("id"), participants=Sum("participants"))
    return {"sessions": out["sessions"], "participants": out["participants"] or 0}
