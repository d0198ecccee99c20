"""Scoped reads of the annual reports."""

from __future__ import annotations

from django.db.models import Count, Q

from sitecensus.core.errors import NotFound

from . import policy
from .models import SiteReport, SupervisionReport


def site_reports(user, *, year: int, status: str = "", query: str = ""):
    """The reports the user may see: every one (whole-tree roles), the subtree of an organizing
    unit, a unit's own, or a site login's one site."""
    qs = SiteReport.objects.filter(year=year).select_related("website", "unit", "approver", "region")
    scope = policy.list_scope(user)
    if scope == "site":
        qs = qs.filter(website__site_code=user.username)
    elif scope == "subtree":
        qs = qs.filter(unit__path__startswith=user.unit.path)
    elif scope == "unit":
        qs = qs.filter(unit_id=user.unit_id)
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(website__name__icontains=query) | Q(website__site_code__icontains=query))
    return qs.order_by("unit__path", "website_id")


def status_counts(qs) -> dict:
    return dict(qs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def site_report(user, pk) -> SiteReport:
    report = SiteReport.objects.select_related("website", "unit", "approver", "region").filter(pk=pk).first()
    if report is None or not policy.may_see(user, report):
        raise NotFound("年度报表不存在或不在您的权限范围内")
    return report


def awaiting_approval(user, year: int):
    return SiteReport.objects.filter(year=year, approver_id=user.unit_id, status=SiteReport.Status.SUBMITTED)


def supervision_reports(user, *, year: int):
    qs = SupervisionReport.objects.filter(year=year).select_related("unit")
    if policy.generates_nationwide(user):
        return qs.order_by("unit__path")
    return qs.filter(unit_id=user.unit_id)


def supervision_report(user, pk) -> SupervisionReport:
    report = SupervisionReport.objects.select_related("unit").filter(pk=pk).first()
    if report is None or not policy.may_see_supervision(user, report):
        raise NotFound("监管年度报表不存在或不在您的权限范围内")
    return report


# ---------------------------------------------------------------- public (no login): published only

def published_site_report(site_code: str, year: int) -> SiteReport:
    report = (SiteReport.objects.select_related("website", "unit", "region")
              .filter(website__site_code=site_code, year=year, status=SiteReport.Status.PUBLISHED).first())
    if report is None:
        raise NotFound("该网站的年度报表尚未发布")
    return report


def column(region_id: int, year: int):
    """A region's 专栏: its published site reports."""
    return (SiteReport.objects.filter(region_id=region_id, year=year, status=SiteReport.Status.PUBLISHED)
            .select_related("website", "unit").order_by("unit__path", "website_id"))


def columns(year: int) -> list[dict]:
    """Every region with published reports of the year, and its published supervision report."""
    rows = (SiteReport.objects.filter(year=year, status=SiteReport.Status.PUBLISHED)
            .values("region_id", "region__name", "region__path").annotate(n=Count("id")).order_by("region__path"))
    supervision = dict(SupervisionReport.objects.filter(year=year, status=SupervisionReport.Status.PUBLISHED)
                       .values_list("unit_id", "pk"))
    return [{"region_id": r["region_id"], "name": r["region__name"], "published": r["n"],
             "supervision": supervision.get(r["region_id"])} for r in rows]


def published_supervision(pk) -> SupervisionReport:
    report = SupervisionReport.objects.select_related("unit").filter(
        pk=pk, status=SupervisionReport.Status.PUBLISHED).first()
    if report is None:
        raise NotFound("该监管年度报表尚未发布")
    return report


def region_supervision(region, year: int) -> SupervisionReport | None:
    """A region's published supervision report of the year (its 专栏 shows it), or None."""
    return SupervisionReport.objects.filter(unit=region, year=year, status=SupervisionReport.Status.PUBLISHED).first()
