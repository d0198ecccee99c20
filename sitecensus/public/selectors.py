"""Reads for the public pages (approved data only) and the logged-in list of
reports from the public (scoped through the policies (sitecensus/<app>/policy.py))."""

from __future__ import annotations

import re
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone

from sitecensus.orgs import policy as orgs_policy
from sitecensus.core.errors import NotFound
from sitecensus.orgs.models import Division, Unit
from sitecensus.registry.models import GONE_LIVES, Website
from sitecensus.registry.services import active_websites
from sitecensus.scoring.models import InspectionReport, Rectification, Scorecard
from sitecensus.stats.models import SiteTally, UnitTally
from sitecensus.stats.services import tallies_time

from . import policy
from .models import NewsPost, PublicReport

DEPARTMENTS_KEY = "bm"
DEPARTMENTS_LABEL = "国务院部门（含垂直管理系统）"


def _clean(query) -> str:
    """Search text as the database takes it (PostgreSQL refuses NUL characters)."""
    return str(query or "").replace("\x00", "").strip()[:100]


def approved_websites() -> QuerySet:
    """Every site that passed final review (closed and merged ones included, for counts).
    A coded site with a change in review still shows its approved fields: the change
    is applied only at final approval."""
    return Website.objects.filter(site_code__isnull=False)


def progress_by_province(*, live: bool = False) -> dict:
    """Coded (approved) sites per province. Vertical-system units and State Council
    departments form their own row, never a province's. Read from the statistics
    summary tables (at most STATISTICS_MAX_AGE seconds old) unless live=True."""
    # Never built yet (before the scheduler's first run): read live rather than write on a GET.
    return _progress_live() if live or tallies_time() is None else _progress_tallied()


def _row(code, label, g) -> dict:
    return {"code": code, "name": label, **{k: g.get(k, 0) for k in ("approved", "active", "gone", "units")}}


def _finish(rows: list[dict]) -> dict:
    rows = [r for r in rows if r["approved"] or r["units"]]
    rows.sort(key=lambda r: (r["code"] == DEPARTMENTS_KEY, r["code"] or ""))
    totals = {k: sum(r[k] for r in rows) for k in ("approved", "active", "gone", "units")}
    return {"rows": rows, "totals": totals}


def _progress_tallied() -> dict:
    # The summary tables as the scheduler last built them (a page view never rebuilds them).
    glen = 2 * Unit.steplen  # the national office's children: provinces and ministries
    gone = GONE_LIVES
    cells = (SiteTally.objects.filter(coded=True).annotate(g=Substr("organizer_path", 1, glen))
             .values("g", vertical=ExpressionWrapper(Q(system_id__isnull=False), output_field=BooleanField()))
             .annotate(approved=Sum("n"), gone=Sum("n", filter=Q(life__in=gone))))
    units = dict(UnitTally.objects.filter(coded__gt=0).annotate(g=Substr("organizer_path", 1, glen)).values("g")
                 .annotate(n=Sum("coded")).values_list("g", "n"))
    provinces = dict(Unit.objects.filter(depth=2, kind=Unit.Kind.PROVINCIAL_OFFICE, division__isnull=False)
                     .values_list("path", "division__province_code"))
    names = dict(Division.objects.filter(level=Division.Level.PROVINCE).values_list("code", "name"))
    by_code: dict[str, dict] = {}
    for c in cells:  # grouped rows (about a hundred), not websites
        code = DEPARTMENTS_KEY if c["vertical"] or c["g"] not in provinces else provinces[c["g"]]
        row = by_code.setdefault(code, {"approved": 0, "gone": 0, "units": 0})
        row["approved"] += c["approved"] or 0
        row["gone"] += c["gone"] or 0
    for g, n in units.items():
        code = provinces.get(g, DEPARTMENTS_KEY)
        by_code.setdefault(code, {"approved": 0, "gone": 0, "units": 0})["units"] += n or 0
    rows = [_row(code, DEPARTMENTS_LABEL if code == DEPARTMENTS_KEY else names.get(code, code),
                 {**g, "active": g["approved"] - g["gone"]}) for code, g in by_code.items()]
    return _finish(rows)


def _progress_live() -> dict:
    gone = GONE_LIVES
    region = Case(When(unit__system__isnull=False, then=Value(DEPARTMENTS_KEY)),
                  When(unit__division__isnull=True, then=Value(DEPARTMENTS_KEY)),
                  default=F("unit__division__province_code"), output_field=CharField())
    grouped = list(approved_websites().annotate(region=region).values("region").annotate(
        approved=Count("id"), active=Count("id", filter=~Q(life__in=gone)),
        gone=Count("id", filter=Q(life__in=gone)), units=Count("unit_id", distinct=True)).order_by("region"))
    names = dict(Division.objects.filter(level=Division.Level.PROVINCE).values_list("code", "name"))
    return _finish([_row(g["region"], DEPARTMENTS_LABEL if g["region"] == DEPARTMENTS_KEY
                         else names.get(g["region"], g["region"]), g) for g in grouped])


CODE_RE = re.compile(r"[0-9A-Za-z]{10}")


def directory(query: str = "", site_class: str = "") -> QuerySet:
    qs = active_websites().select_related("unit")
    if site_class:
        qs = qs.filter(site_class=site_class)
    query = _clean(query)
    if CODE_RE.fullmatch(query):
        # An identifier code: the unique index answers at once.
        exact = qs.filter(site_code=query)
        if exact.exists():
            return exact.order_by("site_code")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(homepage_url__icontains=query) | Q(site_code__iexact=query)
                       | Q(unit__name__icontains=query))
    return qs.order_by("site_code")


def published_news() -> QuerySet:
    return NewsPost.objects.filter(is_published=True, published_at__isnull=False,
                                   published_at__lte=timezone.now()).select_related("unit").order_by(
        "-published_at", "-id")


def get_published_news(pk) -> NewsPost:
    try:
        return published_news().get(pk=pk)
    except (ValueError, TypeError, NewsPost.DoesNotExist):
        raise NotFound("文章不存在或尚未发布") from None


def all_news(user) -> QuerySet:
    policy.NEWS.check(policy.may_write_news(user), "只有国办、省级政府办公厅和国务院部门办公厅可以管理工作动态")
    qs = NewsPost.objects.select_related("author", "unit").order_by("-created_at", "-id")
    return qs if policy.sees_all_news(user) else qs.filter(unit=user.unit)


def get_news_for_edit(user, pk) -> NewsPost:
    try:
        return all_news(user).get(pk=pk)
    except (ValueError, TypeError, NewsPost.DoesNotExist):
        raise NotFound("文章不存在") from None


def _notice_model():
    """The spot-check app's Notice, when that app is installed (import guarded)."""
    try:
        from sitecensus.spotcheck.models import Notice
    except Exception:  # noqa: BLE001  (the app is not there)
        return None
    return Notice


def _published(Notice):
    return Notice.objects.filter(published_at__isnull=False, published_at__lte=timezone.now()).select_related(
        "batch__round", "corrects").order_by("-published_at", "-pk")


def published_notices(limit: int | None = None) -> list:
    """Published notices (通报); none while the spot-check app is absent."""
    Notice = _notice_model()
    if Notice is None:
        return []
    try:
        return list(_published(Notice)[: limit or 200])
    except Exception:  # noqa: BLE001  (its table may not be migrated yet on this database)
        return []


def notices_by_round() -> list[tuple[str, list]]:
    """Published notices grouped by their campaign round (newest round first)."""
    groups: dict[str, list] = {}
    for notice in published_notices():
        groups.setdefault(notice.batch.round_label, []).append(notice)
    return list(groups.items())


def published_corrections(notice) -> list:
    """The published corrections of a published notice, oldest first."""
    return list(_published(type(notice)).filter(corrects=notice).order_by("published_at", "pk"))


def get_published_notice(pk):
    Notice = _notice_model()
    found = None
    if Notice is not None:
        try:
            found = _published(Notice).filter(pk=pk).first()
        except (ValueError, TypeError):
            found = None
    if found is None:
        raise NotFound("通报不存在或尚未发布")
    return found


# ---------------------------------------------------------------- logged-in list

def reports(user, *, status: str = "", overdue: bool = False, query: str = "") -> QuerySet:
    policy.REPORTS.check(policy.may_see_reports(user))
    qs = PublicReport.objects.filter(orgs_policy.unit_filter(user, "unit__")).select_related("website", "unit")
    if status in PublicReport.Status.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.exclude(status__in=PublicReport.CLOSED).filter(deadline__lt=timezone.localdate())
    query = _clean(query)
    if query:
        qs = qs.filter(Q(receipt__iexact=query) | Q(website__name__icontains=query) | Q(unit__name__icontains=query))
    unfinished_first = Case(When(status__in=PublicReport.CLOSED, then=Value(1)), default=Value(0))
    return qs.order_by(unfinished_first, "deadline", "id")


def report_counts(user) -> dict:
    return reports(user).aggregate(
        total=Count("id"), new=Count("id", filter=Q(status=PublicReport.Status.NEW)),
        processing=Count("id", filter=Q(status=PublicReport.Status.PROCESSING)),
        done=Count("id", filter=Q(status=PublicReport.Status.DONE)),
        forwarded=Count("id", filter=Q(status=PublicReport.Status.FORWARDED)),
        offline=Count("id", filter=Q(status=PublicReport.Status.OFFLINE)),
        refused=Count("id", filter=Q(status=PublicReport.Status.REFUSED)),
        overdue=Count("id", filter=~Q(status__in=PublicReport.CLOSED) & Q(deadline__lt=timezone.localdate())))


def get_report(user, pk) -> PublicReport:
    try:
        return reports(user).get(pk=pk)
    except (ValueError, TypeError, PublicReport.DoesNotExist):
        raise NotFound("网民找错记录不存在或不在您的权限范围内") from None


def _region(prefix: str = ""):
    """A website's region for the public tables: its province, or the State Council
    departments' row (vertical systems and ministries never count in a province)."""
    return Case(When(**{f"{prefix}unit__system__isnull": False}, then=Value(DEPARTMENTS_KEY)),
                When(**{f"{prefix}unit__division__isnull": True}, then=Value(DEPARTMENTS_KEY)),
                default=F(f"{prefix}unit__division__province_code"), output_field=CharField())


def phase_progress(progress: dict | None = None) -> dict:
    """Progress of every phase by province — every province listed, zeros included:
    approved sites (the same rule as the rest of the public pages), self-checks and
    inspections submitted, inspections passed, rectifications issued and completed,
    and whether the province's report upward is in."""
    approved = {r["code"]: r for r in (progress or progress_by_province())["rows"]}
    submitted = Scorecard.objects.filter(status=Scorecard.Status.SUBMITTED)

    def count(qs, prefix, **extra):
        return {g["region"]: g for g in qs.annotate(region=_region(prefix)).values("region").annotate(
            n=Count("id"), **extra).order_by("region")}

    self_checked = count(submitted.filter(stage=Scorecard.Stage.SELF), "website__")
    inspected = count(submitted.filter(stage=Scorecard.Stage.INSPECTION), "website__",
                      ok=Count("id", filter=Q(result="合格")))
    rectified = count(Rectification.objects.all(), "website__",
                      done=Count("id", filter=Q(status=Rectification.Status.CLOSED)))
    reported = set(InspectionReport.objects.filter(status=InspectionReport.Status.SUBMITTED, organizer__depth=2,
                                                   withdrawal__isnull=True,
                                                   organizer__kind=Unit.Kind.PROVINCIAL_OFFICE)
                   .values_list("organizer__division__province_code", flat=True))
    regions = list(Division.objects.filter(level=Division.Level.PROVINCE).order_by("code").values_list("code", "name"))
    regions.append((DEPARTMENTS_KEY, DEPARTMENTS_LABEL))
    rows = []
    for code, name in regions:
        ins = inspected.get(code, {})
        rows.append({"code": code, "name": name, "approved": approved.get(code, {}).get("approved", 0),
                     "self_checked": self_checked.get(code, {}).get("n", 0), "inspected": ins.get("n", 0),
                     "passed": ins.get("ok", 0), "rectifications": rectified.get(code, {}).get("n", 0),
                     "rectified": rectified.get(code, {}).get("done", 0),
                     "reported": None if code == DEPARTMENTS_KEY else code in reported})
    keys = ("approved", "self_checked", "inspected", "passed", "rectifications", "rectified")
    return {"rows": rows, "totals": {k: sum(r[k] for r in rows) for k in keys}}


# ---------------------------------------------------------------- 找错 as the rules say (issue 24)

def exposed_reports() -> QuerySet:
    """曝光: messages answered or refused whose public text a higher office reviewed, newest first."""
    return (PublicReport.objects.filter(public_reviewed_at__isnull=False, status__in=PublicReport.CLOSED)
            .select_related("website").order_by("-public_reviewed_at", "-id"))


YEAR_COUNT_KEYS = ("received", "refused", "answered", "unanswered", "late")


def error_report_year_counts(website_ids, year: int) -> dict[int, dict[str, int]]:
    """For each site, the 找错 messages received in `year`: received, refused (不予受理), answered
    (办结), unanswered (neither, as of now) and late (answered after more than a month — the rule
    in public/data/jiucuo.json). Feeds the annual reports and the assessment (jiucuo.assessment_deduction).
    Every site asked for is in the answer (zeros included)."""
    from datetime import datetime, time

    from . import jiucuo

    ids = sorted({int(i) for i in website_ids})
    out = {i: dict.fromkeys(YEAR_COUNT_KEYS, 0) for i in ids}
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz)
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz)
    for n in range(0, len(ids), 5000):
        rows = (PublicReport.objects.filter(website_id__in=ids[n:n + 5000], created_at__gte=start, created_at__lt=end)
                .values_list("website_id", "status", "created_at", "answered_at"))
        for website_id, status, created, answered in rows.iterator(chunk_size=5000):
            counts = out[website_id]
            counts["received"] += 1
            if status == PublicReport.Status.REFUSED:
                counts["refused"] += 1
            elif status == PublicReport.Status.DONE:
                counts["answered"] += 1
                if jiucuo.is_late(timezone.localtime(created, tz), timezone.localtime(answered, tz)):
                    counts["late"] += 1
            else:
                counts["unanswered"] += 1
    return out
