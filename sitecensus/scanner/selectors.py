"""Reads of scan history for the site page (charts and tables)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import ColumnScan, Probe, SiteScan


def availability_by_day(website, days: int = 30) -> list[dict]:
    since = timezone.now() - timedelta(days=days)
    rows = (Probe.objects.filter(website=website, at__gte=since).annotate(day=TruncDate("at"))
            .values("day").annotate(total=Count("id"), failed=Count("id", filter=Q(success=False))).order_by("day"))
    return [{"day": r["day"].isoformat(), "total": r["total"], "failed": r["failed"],
             "share": round(r["failed"] * 100 / r["total"], 2) if r["total"] else 0} for r in rows]


def history(website, limit: int = 30):
    return SiteScan.objects.filter(website=website).order_by("-at")[:limit]


def latest(website) -> SiteScan | None:
    return SiteScan.objects.filter(website=website).order_by("-at", "-id").first()


def columns_latest(site_scan: SiteScan | None):
    if site_scan is None:
        return []
    return list(ColumnScan.objects.filter(site_scan=site_scan).order_by("id"))


CHECK_LABELS = {"homepage": "首页更新", "column": "栏目更新", "interaction": "互动回应"}


def undetermined(website) -> list[dict]:
    """The latest scan's 无法判定 items (no verdict, no deduction): for a person to check by hand."""
    scan = latest(website)
    if scan is None:
        return []
    return [{**u, "check_label": CHECK_LABELS.get(u.get("check"), u.get("check"))}
            for u in (scan.summary or {}).get("undetermined", [])]


STATUS_LABELS = {"pass": "符合", "fail": "不符合", "undetermined": "无法判定"}


def compliance_items(site_scan: SiteScan | None) -> list[dict]:
    """The scan's compliance items (标识码, 标识, 找错, 备案, 域名, IPv6, 无障碍), each with its evidence."""
    if site_scan is None:
        return []
    return [{**i, "status_label": STATUS_LABELS.get(i.get("status"), i.get("status"))}
            for i in (site_scan.summary or {}).get("compliance", [])]
