"""Statistics in scope and the inspection reports upward (an organizing unit's own and those below)."""

from datetime import datetime

from django.db.models import Q
from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from sitecensus.scoring import policy as scoring_policy
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import InspectionReport
from sitecensus.stats import selectors as report_selectors

from . import policy as api_policy
from . import services, sync
from .common import COMMON, CURSOR, LIMIT, SINCE, WRITE, _no_store, token_auth
from .idempotency import idempotent

router = Router(auth=token_auth)


class StatsTable(Schema):
    key: str
    title: str
    headers: list[str]
    rows: list[list[int | str]]


class StatsOut(Schema):
    unit: str
    summary: dict[str, int | str]
    tables: list[StatsTable]


class ReportOut(Schema):
    id: int
    organizer_id: int
    organizer: str = Field(..., alias="organizer.name")
    status: str
    is_late: bool
    narrative: str
    figures: dict
    submitted_at: datetime | None


class ReportPage(Schema):
    items: list[ReportOut]
    next_cursor: str | None
    has_more: bool


@router.get("/stats", response={200: StatsOut, **COMMON}, tags=["统计"],
            summary="本范围统计", operation_id="sitecensus_api_api_stats")
def stats(request, response: HttpResponse):
    services.require(request.auth, "reports")
    _no_store(response)
    result = report_selectors.statistics(request.auth)
    return {"unit": result.unit.name, "summary": result.summary,
            "tables": [{"key": t.key, "title": t.title, "headers": t.headers, "rows": t.rows} for t in result.tables]}


def _reports(user):
    unit = getattr(user, "unit", None)
    if unit is None or not api_policy.reads_reports(user):
        return InspectionReport.objects.none()
    own = Q(organizer=unit)
    below = Q(organizer__path__startswith=unit.path, status=InspectionReport.Status.SUBMITTED)
    # Withdrawn or returned reports no longer count (their successors do).
    return InspectionReport.objects.filter(own | below, withdrawal__isnull=True).select_related("organizer")


@router.get("/reports", response={200: ReportPage, **COMMON}, tags=["检查整改情况报告"],
            summary="本单位与下级已报送的检查整改情况报告", operation_id="sitecensus_api_api_reports")
def reports(request, response: HttpResponse, updated_since: str = SINCE, cursor: str = CURSOR,
            limit: int = LIMIT):
    services.require(request.auth, "reports")
    _no_store(response)
    qs = _reports(request.auth)
    since = sync.since(updated_since)
    if since is not None:
        qs = qs.filter(submitted_at__gte=since)
    page = sync.by_id(qs, cursor=cursor, limit=limit)
    page["items"] = [r for r in page["items"] if scoring_policy.may_read_report(request.auth, r)]
    return page


class ReportIn(Schema):
    narrative: str = Field("", max_length=20000)
    submit: bool = False


@router.post("/reports/own", response={200: ReportOut, **WRITE}, tags=["检查整改情况报告"],
             summary="保存或报送本单位的检查整改情况报告（数字由系统汇总）", operation_id="save_report")
@idempotent
def report_save(request, payload: ReportIn):
    services.require(request.auth, "reports", "write")
    report = scoring_services.save_report(actor=request.auth, narrative=payload.narrative, submit=payload.submit,
                                          request=request)
    report = InspectionReport.objects.select_related("organizer").get(pk=report.pk)
    return Status(200, ReportOut.from_orm(report).model_dump(mode="json"))
