"""Scoped reads of the discovery queue, and the counts other reports read."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from sitecensus.orgs.models import Unit
from sitecensus.registry.models import WebsiteVersion

from . import policy
from .models import Candidate

FILTERS = {"kind": [k for k, _ in Candidate.Kind.choices], "status": [s for s, _ in Candidate.Status.choices]}


def queue(user, *, status: str = "", kind: str = "", query: str = "") -> QuerySet:
    """The candidates the user works (its unit's and those of the organizing units below), in id order
    (keyset pages: core/paging.py on ("id",))."""
    qs = policy.visible_candidates(user).select_related("organizer", "site", "unit")
    if status in FILTERS["status"]:
        qs = qs.filter(status=status)
    if kind in FILTERS["kind"]:
        qs = qs.filter(kind=kind)
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(key__icontains=query.lower()) | Q(organizer__name__icontains=query))
    return qs.order_by("id")


def counts(user) -> dict:
    rows = policy.visible_candidates(user).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def to_report_count(organizer: Unit) -> int:
    """Found sites still to be filed (需报送) in an organizing unit's region: counted in its progress."""
    return Candidate.objects.filter(status=Candidate.Status.TO_REPORT,
                                    organizer__path__startswith=organizer.path).count()


def counterfeit_counts(region_unit: Unit, year: int) -> dict:
    """假冒/仿冒 government websites recorded in a region (the unit's subtree) in a year, for the annual
    report: {"total": n, "by_organizer": {name: n}}."""
    rows = (Candidate.objects.filter(status=Candidate.Status.COUNTERFEIT, decided_at__year=year,
                                     organizer__path__startswith=region_unit.path)
            .values("organizer__name").annotate(n=Count("id")).order_by("organizer__name"))
    by = {r["organizer__name"]: r["n"] for r in rows}
    return {"total": sum(by.values()), "by_organizer": by}


def domain_change(candidate: Candidate) -> str:
    """Where the 其他域名 change a 已登记 decision opened stands (services.decide): 变更待审, 变更已通过
    or 变更已退回; "" when none was needed."""
    if not candidate.change_version or not candidate.site_id:
        return ""
    state = (WebsiteVersion.objects.filter(website_id=candidate.site_id, number=candidate.change_version)
             .values_list("state", flat=True).first())
    if state is None:
        return ""
    return {WebsiteVersion.State.PENDING: "变更待审", WebsiteVersion.State.REJECTED: "变更已退回"}.get(
        state, "变更已通过")
