"""The REST API (django-ninja) under /api/: the public site directory, and for
tokens everything a unit does in the UI, through the same services, selectors
and policies as the UI (sitecensus/<app>/policy.py): websites (filing, review), self-check
and inspection cards, rectification notices, upward reports, spot-check batches,
statistics, the audit log (audit administrator only) and the change feed.

Every list pages by keyset cursor with `updated_since`; every error is Chinese
with a stable code (errors.py); writes accept `Idempotency-Key`."""


from datetime import datetime
from typing import Annotated
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Prefetch, Q
from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.html import format_html
from ninja import Field, File, NinjaAPI, Path, Query, Schema, Status, UploadedFile
from ninja.openapi.docs import DocsBase

from sitecensus.audit import policy as audit_policy
from sitecensus.registry import policy as registry_policy
from sitecensus.scoring import policy as scoring_policy
from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import InvalidInput, NotFound
from sitecensus.evidence import selectors as evidence_selectors
from sitecensus.evidence.models import EvidenceFile
from sitecensus.jobs.services import enqueue, get_job
from sitecensus.registry import imports
from sitecensus.registry.models import Website, WebsiteColumn
from sitecensus.registry.services import COLUMN_FIELDS
from sitecensus.registry.webforms import FilingForms
from sitecensus.spotcheck import policy as spot_policy
from sitecensus.spotcheck.models import Batch, BatchSite
from sitecensus.public import selectors as public_selectors
from sitecensus.registry import services as registry_services
from sitecensus.stats import selectors as report_selectors
from sitecensus.scoring import selectors as scoring_selectors
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import InspectionReport, Rectification, Scorecard

from . import census, errors, idempotency, services, sync
from . import policy as api_policy
from .checks import router as checks_router
from .common import (COMMON, CURSOR, CURSOR_ID, CURSOR_TIME, LIMIT, MAX_ID, SINCE, WRITE, CardDetail,  # noqa: F401
                     CardOut, ColumnOut, EntriesIn, FileOut, RectificationOut, ReturnIn, SiteForm, TokenAuth,
                     _card, _card_json, _cards, _clean, _iso, _no_store, json_response, links, token_auth)
from .errors import ErrorOut
from .idempotency import idempotent
from .media import router as media_router
from .models import Change
from .waiting import router as waiting_router

# The import's own limit of files per upload (and never more than Django takes in one request).
MAX_UPLOADS = min(imports.LIMITS["files"], settings.DATA_UPLOAD_MAX_NUMBER_FILES or imports.LIMITS["files"])


class LocalSwagger(DocsBase):
    """Swagger UI from the vendored copy (static/vendor/swagger-ui), Chinese page: works offline."""

    def render_page(self, request, api, **kwargs):
        html = format_html(
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{} · 接口文档</title>'
            '<link rel="stylesheet" href="{}"></head><body>'
            '<header class="api-docs-head"><h1>{}</h1><p>接口文档：令牌在“接口令牌”页面创建，请求头 '
            '<code>Authorization: Bearer 令牌</code>；错误均以中文说明并带稳定代码（code）；列表以游标分页，'
            '可用 updated_since 增量同步，变化见 /api/events。</p></header>'
            '<div id="swagger-ui"></div>'
            '<script src="{}"></script><script src="{}" data-openapi="{}"></script></body></html>',
            api.title, static("vendor/swagger-ui/swagger-ui.css"), api.title,
            static("vendor/swagger-ui/swagger-ui-bundle.js"), static("js/api-docs.js"), self.get_openapi_url(api, kwargs))
        return HttpResponse(html)


class CensusAPI(NinjaAPI):
    """The schema also documents what django-ninja cannot infer: the Idempotency-Key header of
    every write and every error code (errors.catalogue)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        idempotency.document(self, schema)
        errors.document_codes(schema)
        return schema


api = CensusAPI(
    title="全国政府网站信息报送系统 API", version="2.1", urls_namespace="api", docs=LocalSwagger(),
    parser=errors.Parser(),
    description=(
        "政府网站目录（公开）与各单位在系统中的全部业务（令牌认证）：网站填报与审核、自查与检查评分表、整改通知、"
        "检查整改情况报告、抽查批次、统计、审计日志（仅审计管理员）和变化事件流。令牌的可见范围与所属账号相同，"
        "并限于令牌授予的业务范围（只读或读写）与有效期。所有错误均为中文并带稳定代码 code（与界面的拒绝代码一致）；"
        "写操作可带请求头 Idempotency-Key，重试同一键不会重复提交，返回第一次的结果。\n\n"
        "网站的完整普查记录：/api/sites 与 /api/sites/{id} 的 basic 含基本信息表的全部字段（字段代码与填报模板相同，"
        "见 SiteForm），columns 含栏目表的全部字段；待本单位决定的首次报送、变更申请与运行状态变更申请见 /api/waiting，"
        "以 approve / return 决定；单位的填报模板见 /api/units/{id}/workbook。符合本接口定义的请求不会被答以 422；"
        "400 为填报规则的拒绝（指明字段）。\n\n"
        "增量同步：事务的提交顺序与记录的变化时间（updated_at）不一定一致，晚提交的记录可能带有更早的时间。"
        "两次同步之间，请以上次同步开始时间减去一段余量（建议 10 分钟，长于任何写事务）作为 updated_since，"
        "并按 id 去重；或使用变化事件流 /api/events：事件按提交顺序编号（seq），after 不会越过尚未提交的变化，"
        "是精确的方式。游标（next_cursor）在一次翻页中精确，但跨次同步只凭旧游标会漏掉晚提交的记录。"))
errors.install(api)


FIRST_SITE = "$response.body#/items/0/id"
FIRST_CARD = "$response.body#/items/0/id"


# ---------------------------------------------------------------- schemas

class PublicSite(Schema):
    id: int
    name: str
    homepage_url: str
    site_code: str
    unit: str = Field(..., alias="unit.name")


class PublicSitePage(Schema):
    items: list[PublicSite]
    next_cursor: str | None
    has_more: bool


class SiteOut(Schema):
    """A website's census record: the review and life status, every field of the basic form by its code
    (`basic`, generated from the form definitions) and every column with every field of the column form."""

    id: int
    name: str
    homepage_url: str
    site_code: str | None
    site_class: str
    is_portal: bool
    status: str = Field(..., description="审核状态：draft 草稿 / submitted 审核中 / returned 已退回 / approved 已通过")
    life: str = Field(..., description="运行状态：open 正常运行 / exception 例外 / closed 关停 / merged 整合 / "
                                       "migrated 迁移")
    life_reason: str = Field(..., description="运行状态变更的原因")
    merged_into: str | None = Field(..., description="整合至的网站标识码（整合时）")
    is_late: bool
    return_reason: str
    unit_id: int
    unit: str
    organizer_id: int
    organizer: str
    pending_at_id: int | None = Field(..., description="记录待其审核的组织单位（不在审核中时为空）")
    version: int = Field(..., description="当前版本号（审核中时为待审版本）")
    submitted_at: datetime | None
    approved_at: datetime | None
    updated_at: datetime
    basic: SiteForm = Field(..., description="基本信息表的全部字段（字段代码 → 值，由表单定义生成）")
    columns: list[ColumnOut] = Field(..., description="栏目（系统），首页栏目在前")


class SitePage(Schema):
    items: list[SiteOut]
    next_cursor: str | None
    has_more: bool


class StatsTable(Schema):
    key: str
    title: str
    headers: list[str]
    rows: list[list[int | str]]


class StatsOut(Schema):
    unit: str
    summary: dict[str, int | str]
    tables: list[StatsTable]


class CardPage(Schema):
    items: list[CardOut]
    next_cursor: str | None
    has_more: bool


class RectificationPage(Schema):
    items: list[RectificationOut]
    next_cursor: str | None
    has_more: bool


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


class BatchOut(Schema):
    id: int
    name: str
    status: str
    strata: dict
    window_start: str
    window_end: str
    created_at: datetime
    sites: int
    round: str = Field(description="抽查轮次名称（未关联时为“未关联抽查轮次”）")
    is_late: bool = Field(description="是否在轮次的抽查核查阶段截止后创建")

    @staticmethod
    def resolve_round(obj):
        return obj.round_label

    @staticmethod
    def resolve_window_start(obj):
        return obj.window_start.isoformat()

    @staticmethod
    def resolve_window_end(obj):
        return obj.window_end.isoformat()

    @staticmethod
    def resolve_sites(obj):
        return obj.sites.count()


class BatchPage(Schema):
    items: list[BatchOut]
    next_cursor: str | None
    has_more: bool


class AuditOut(Schema):
    id: int
    at: datetime
    actor_username: str
    actor_unit: str
    role: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    outcome: str
    ip: str | None
    details: dict


class AuditPage(Schema):
    items: list[AuditOut]
    next_cursor: str | None
    has_more: bool


class EventOut(Schema):
    id: int
    seq: int = Field(..., description="提交顺序编号：after 与 next_after 即此编号")
    at: datetime
    kind: str = Field(..., description="website / media / scorecard / rectification / report")
    object_id: int
    action: str
    website_id: int | None


class EventPage(Schema):
    items: list[EventOut]
    next_after: int = Field(..., description="下次请求的 after 值")
    has_more: bool
    latest: int = Field(..., description="当前最新的事件编号：首次全量同步前记下它，之后从它开始取变化")


class BulkIn(Schema):
    action: str = Field(..., pattern="^(approve|return)$")
    ids: list[census.json_int(ge=1, le=MAX_ID)] = Field(..., min_length=1, max_length=200)
    reason: str = Field("", max_length=500)


class BulkOut(Schema):
    done: list[int]
    refused: list[dict]


# ---------------------------------------------------------------- public

@api.get("/public/sites", response={200: PublicSitePage, 400: ErrorOut, 422: ErrorOut}, auth=None, tags=["公开"],
         summary="政府网站目录（已核准且正常运行）")
def public_sites(request, q: str = Query("", max_length=100), cursor: str = CURSOR, limit: int = LIMIT):
    return sync.by_id(public_selectors.directory(_clean(q)), cursor=cursor, limit=limit)


# ---------------------------------------------------------------- statistics

@api.get("/stats", response={200: StatsOut, **COMMON}, auth=token_auth, tags=["统计"], summary="本范围统计")
def stats(request, response: HttpResponse):
    services.require(request.auth, "reports")
    _no_store(response)
    result = report_selectors.statistics(request.auth)
    return {"unit": result.unit.name, "summary": result.summary,
            "tables": [{"key": t.key, "title": t.title, "headers": t.headers, "rows": t.rows} for t in result.tables]}


# ---------------------------------------------------------------- websites

@api.get("/sites", response={200: SitePage, **COMMON}, auth=token_auth, tags=["网站"],
         summary="本范围内的网站（含栏目），按变化时间以游标分页", operation_id="list_sites",
         openapi_extra=links(GetSite=("get_site", {"site_id": FIRST_SITE}),
                             OpenSelfCheck=("open_selfcheck", {"site_id": FIRST_SITE}),
                             ApproveSite=("approve_site", {"site_id": FIRST_SITE}),
                             ReturnSite=("return_site", {"site_id": FIRST_SITE}),
                             NextSites=("list_sites", {"cursor": "$response.body#/next_cursor"})))
def sites(request, response: HttpResponse, q: str = Query("", max_length=100),
          status: str = Query("", max_length=16), updated_since: str = SINCE,
          ids: str = Query("", max_length=8500, pattern=r"^([0-9]{1,16}(,[0-9]{1,16})*)?$",
                           description="只取这些编号的网站（逗号分隔）：按变化事件流取回变化的网站；每页条数仍由 limit 决定"),
          cursor: str = CURSOR_TIME, limit: int = LIMIT):
    services.require(request.auth, "registry")
    qs = registry_policy.visible_websites(request.auth)
    if ids:
        wanted = {int(i) for i in ids.split(",")}
        qs = qs.filter(pk__in=wanted)
    q = _clean(q)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(homepage_url__icontains=q) | Q(site_code__iexact=q))
    if status:
        qs = qs.filter(status=_clean(status))
    # Keys first (one indexed query), then the page's rows and columns as plain values:
    # a province's 3,000 sites with 90,000 columns go out in a few seconds.
    page = sync.by_time(qs.only("id", "updated_at"), "updated_at", updated_since=sync.since(updated_since),
                        cursor=cursor, limit=limit)
    ids = [row.pk for row in page["items"]]
    page["items"] = site_rows(ids)
    return json_response(page)


SITE_FIELDS = ("id", "name", "homepage_url", "site_code", "site_class", "is_portal", "status", "life", "life_reason",
               "is_late", "return_reason", "unit_id", "organizer_id", "pending_at_id", "version", "submitted_at",
               "approved_at", "updated_at", "data")


def site_rows(ids: list[int]) -> list[dict]:
    """SiteOut as plain dicts, in the order of `ids`: the whole census record (every form field, every
    column) read as plain values, a page's columns in one query."""

    rows = {r["id"]: r for r in Website.objects.filter(pk__in=ids).values(
        *SITE_FIELDS, unit_name=F("unit__name"), organizer_name=F("organizer__name"),
        merged_into_code=F("merged_into__site_code"))}
    columns: dict[int, list] = {pk: [] for pk in ids}
    for c in WebsiteColumn.objects.filter(website_id__in=ids).order_by("website_id", "position").values(
            "website_id", "position", *COLUMN_FIELDS):
        columns[c["website_id"]].append(census.column_values(c["position"], c))
    out = []
    for pk in ids:
        row = rows[pk]
        row["unit"], row["organizer"] = row.pop("unit_name"), row.pop("organizer_name")
        row["merged_into"] = row.pop("merged_into_code")
        for key in ("submitted_at", "approved_at", "updated_at"):
            row[key] = _iso(row[key])
        row["basic"] = census.form_values(row.pop("data"))
        row["columns"] = columns[pk]
        out.append(row)
    return out


@api.get("/sites/{site_id}", response={200: SiteOut, **COMMON}, auth=token_auth, tags=["网站"],
         summary="一个网站（范围外为 404）", operation_id="get_site",
         openapi_extra=links(SubmitSite=("submit_site", {"site_id": "$response.body#/id"}),
                             UndoSite=("undo_site", {"site_id": "$response.body#/id"})))
def site(request, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry")
    return json_response(_site_json(registry_policy.get_visible_website(request.auth, site_id)))


def _site_json(website) -> dict:
    return site_rows([website.pk])[0]


@api.post("/sites/{site_id}/submit", response={200: SiteOut, **WRITE}, auth=token_auth, tags=["网站"],
          summary="报送草稿或退回的网站", operation_id="submit_site")
@idempotent
def site_submit(request, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _site_json(registry_services.submit(actor=request.auth, website=website, request=request)))


@api.post("/sites/{site_id}/approve", response={200: SiteOut, **WRITE}, auth=token_auth, tags=["审核"],
          summary="审核通过（逐级）", operation_id="approve_site",
          openapi_extra=links(UndoSite=("undo_site", {"site_id": "$response.body#/id"})))
@idempotent
def site_approve(request, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _site_json(registry_services.approve(actor=request.auth, website=website, request=request)))


@api.post("/sites/{site_id}/return", response={200: SiteOut, **WRITE}, auth=token_auth, tags=["审核"],
          summary="退回并说明原因", operation_id="return_site")
@idempotent
def site_return(request, payload: ReturnIn, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _site_json(registry_services.return_record(actor=request.auth, website=website,
                                                           reason=payload.reason, request=request)))


@api.post("/sites/{site_id}/undo", response={200: SiteOut, **WRITE}, auth=token_auth, tags=["审核"],
          summary="撤销本级的审核通过（上级尚未处理时）", operation_id="undo_site")
@idempotent
def site_undo(request, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _site_json(registry_services.undo_approval(actor=request.auth, website=website, request=request)))


@api.post("/review/bulk", response={200: BulkOut, **WRITE}, auth=token_auth, tags=["审核"],
          summary="批量通过或退回（逐条成功或拒绝）")
@idempotent
def review_bulk(request, payload: BulkIn):
    services.require(request.auth, "registry", "write")
    websites = list(registry_policy.visible_websites(request.auth).filter(pk__in=payload.ids).order_by("id"))
    result = registry_services.bulk(actor=request.auth, websites=websites, action=payload.action,
                                    reason=payload.reason, request=request)
    found = {w.pk for w in websites}
    refused = [{"id": w.pk, "detail": msg} for w, msg in result.refused]
    refused += [{"id": pk, "detail": "网站不存在或不在您的权限范围内"} for pk in payload.ids if pk not in found]
    return Status(200, {"done": [w.pk for w in result.done], "refused": refused})


# ---------------------------------------------------------------- scorecards

@api.get("/scorecards", response={200: CardPage, **COMMON}, auth=token_auth, tags=["自查与检查"],
         summary="本范围内的自查表与检查表，按变化时间以游标分页", operation_id="list_scorecards",
         openapi_extra=links(GetCard=("get_scorecard", {"card_id": FIRST_CARD}),
                             FillCard=("fill_scorecard", {"card_id": FIRST_CARD}),
                             SubmitCard=("submit_scorecard", {"card_id": FIRST_CARD})))
def scorecards(request, response: HttpResponse, stage: str = Query("", pattern="^(|self|inspection)$"),
               updated_since: str = SINCE, cursor: str = CURSOR_TIME, limit: int = LIMIT):
    services.require(request.auth, "scoring")
    _no_store(response)
    qs = _cards(request.auth)
    if stage:
        qs = qs.filter(stage=stage)
    page = sync.by_time(qs, "updated_at", updated_since=sync.since(updated_since), cursor=cursor, limit=limit)
    # The UI's rule for inspection cards, row by row (the query already keeps to visible sites).
    page["items"] = [c for c in page["items"] if c.stage == Scorecard.Stage.SELF
                     or scoring_policy.may_see_inspection(request.auth, c)]
    return page


@api.get("/scorecards/{card_id}", response={200: CardDetail, **COMMON}, auth=token_auth, tags=["自查与检查"],
         summary="一份评分表及各项填写内容", operation_id="get_scorecard")
def scorecard(request, response: HttpResponse, card_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring")
    _no_store(response)
    return _card(request.auth, card_id)


@api.post("/sites/{site_id}/selfcheck", response={200: CardDetail, **WRITE}, auth=token_auth,
          tags=["自查与检查"], summary="打开（或取回）网站的自查表", operation_id="open_selfcheck",
          openapi_extra=links(GetCard=("get_scorecard", {"card_id": "$response.body#/id"}),
                              FillCard=("fill_scorecard", {"card_id": "$response.body#/id"}),
                              SubmitCard=("submit_scorecard", {"card_id": "$response.body#/id"})))
@idempotent
def selfcheck_open(request, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _card_json(scoring_services.open_self_check(actor=request.auth, website=website, request=request)))


@api.put("/scorecards/{card_id}/entries", response={200: CardDetail, **WRITE}, auth=token_auth,
         tags=["自查与检查"], summary="保存评分表的填写内容（未提交时）", operation_id="fill_scorecard",
         openapi_extra=links(SubmitCard=("submit_scorecard", {"card_id": "$response.body#/id"})))
@idempotent
def scorecard_fill(request, payload: EntriesIn, card_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    card = _card(request.auth, card_id)
    scoring_services.save_entries(actor=request.auth, card=card, raw_entries=payload.entries, request=request)
    return Status(200, _card_json(card))


@api.post("/scorecards/{card_id}/submit", response={200: CardDetail, **WRITE}, auth=token_auth,
          tags=["自查与检查"], summary="提交评分表（提交后不可更改）", operation_id="submit_scorecard")
@idempotent
def scorecard_submit(request, card_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    card = _card(request.auth, card_id)
    return Status(200, _card_json(scoring_services.submit_card(actor=request.auth, card=card, request=request)))


# ---------------------------------------------------------------- rectification

@api.get("/rectifications", response={200: RectificationPage, **COMMON}, auth=token_auth, tags=["整改"],
         summary="本范围内的整改通知，以游标分页", operation_id="list_rectifications")
def rectifications(request, response: HttpResponse, status: str = Query("", pattern="^(|open|answered|closed)$"),
                   updated_since: str = SINCE, cursor: str = CURSOR, limit: int = LIMIT):
    services.require(request.auth, "scoring")
    _no_store(response)
    qs = Rectification.objects.filter(website__in=registry_policy.visible_websites(request.auth)).select_related(
        "website", "issuer_unit").prefetch_related(Prefetch("files", queryset=evidence_selectors.listing(
            EvidenceFile.objects.all())))
    if status:
        qs = qs.filter(status=status)
    since = sync.since(updated_since)
    if since is not None:
        qs = qs.filter(Q(issued_at__gte=since) | Q(answered_at__gte=since) | Q(closed_at__gte=since))
    return sync.by_id(qs, cursor=cursor, limit=limit)


# ---------------------------------------------------------------- reports

def _reports(user):
    unit = getattr(user, "unit", None)
    if unit is None or not api_policy.reads_reports(user):
        return InspectionReport.objects.none()
    own = Q(organizer=unit)
    below = Q(organizer__path__startswith=unit.path, status=InspectionReport.Status.SUBMITTED)
    # Withdrawn or returned reports no longer count (their successors do).
    return InspectionReport.objects.filter(own | below, withdrawal__isnull=True).select_related("organizer")


@api.get("/reports", response={200: ReportPage, **COMMON}, auth=token_auth, tags=["检查整改情况报告"],
         summary="本单位与下级已报送的检查整改情况报告")
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


# ---------------------------------------------------------------- spot check

@api.get("/spotcheck/batches", response={200: BatchPage, **COMMON}, auth=token_auth, tags=["抽查核查"],
         summary="本单位组织的抽查批次（国办与省级办公厅）",
         openapi_extra=links(BatchSites=("batch_sites", {"batch_id": "$response.body#/items/0/id"}),
                             SignBulk=("sign_spotcheck_bulk", {"batch_id": "$response.body#/items/0/id"})))
def batches(request, response: HttpResponse, cursor: str = CURSOR, limit: int = LIMIT):

    services.require(request.auth, "spotcheck")
    _no_store(response)
    if not spot_policy.may_organize(request.auth):
        raise services.TokenScopeMissing("只有国务院办公厅或省级政府办公厅可以查看抽查批次") from None
    return sync.by_id(Batch.objects.filter(organizer=request.auth.unit), cursor=cursor, limit=limit)


# ---------------------------------------------------------------- audit

@api.get("/audit/events", response={200: AuditPage, **COMMON}, auth=token_auth, tags=["审计"],
         summary="审计日志（仅审计管理员）")
def audit_events(request, response: HttpResponse, action: str = Query("", max_length=64),
                 cursor: str = CURSOR, limit: int = LIMIT):

    if not audit_policy.may_read_audit(request.auth):
        raise NotFound("接口不存在或不在您的权限范围内")
    services.require(request.auth, "audit")
    _no_store(response)
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action=_clean(action))
    return sync.by_id(qs, cursor=cursor, limit=limit)


# ---------------------------------------------------------------- change feed

@api.get("/events", response={200: EventPage, **COMMON}, auth=token_auth, tags=["同步"],
         summary="变化事件流：本范围内 after 之后变化的对象（网站、评分表、整改通知、报告）",
         operation_id="list_events", openapi_extra=links(NextEvents=("list_events", {"after": "$response.body#/next_after"})))
def events(request, response: HttpResponse, after: int = Query(
        0, ge=0, le=MAX_ID, description="上次返回的 next_after（事件的提交顺序编号 seq）；首次全量同步前记下 latest"),
           limit: int = Query(500, ge=1, le=1000)):
    _no_store(response)
    user = request.auth
    granted = {s.split(":")[0] for s in (user.api_token.scopes or [])}
    kinds = set()
    if "registry" in granted:
        kinds |= {"website", "media"}  # media: 政务新媒体 accounts (api/media.py)
    if "scoring" in granted:
        kinds |= {"scorecard", "rectification"}
    if "reports" in granted:
        kinds.add("report")
    if not kinds:
        raise services.TokenScopeMissing("令牌未获授权：事件流需要网站、评分或报告中至少一项权限范围")
    # By commit order (`seq`, numbered as each writing transaction commits): a change whose
    # transaction commits late still comes after everything already served.
    rows = list(Change.objects.filter(api_policy.change_filter(user), kind__in=kinds, seq__gt=after)
                .order_by("seq")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    latest = Change.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", flat=True).first() or 0
    return {"items": rows, "next_after": rows[-1].seq if rows else after, "has_more": more, "latest": latest}


# ---------------------------------------------------------------- filing (直报) and change requests

ColumnIn = census.column_in()
SiteFormIn = census.basic_in()


class FilingIn(Schema):
    basic: SiteFormIn = Field(..., description="基本信息表：字段代码 → 值（与在线填报、填报模板相同，由表单定义生成）")
    columns: list[ColumnIn] = Field(..., description="栏目（系统），首页栏目在前", max_length=1000)
    submit: bool = Field(False, description="保存后立即报送")
    note: str = Field("", max_length=300, description="变更说明（变更申请时）")


class LifeIn(Schema):
    life: str = Field(..., pattern="^(open|exception|closed|merged|migrated)$",
                      description="新的运行状态：closed 关停 / merged 整合 / migrated 迁移 / exception 例外 / open 恢复正常运行")
    reason: str = Field(..., min_length=1, max_length=300, description="原因")
    merged_into: str = Field("", max_length=10, description="整合时：目标网站的网站标识码")
    new_url: str = Field("", max_length=255, description="迁移时：迁移后的首页网址（以 http:// 或 https:// 开头）；"
                                                         "审核通过后网站以新网址继续，网站标识码不变")


class InspectionIn(Schema):
    reason: str = Field("", max_length=300, description="未自查即检查时的原因")


class AnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=5000)
    evidence: list[Annotated[str, Field(max_length=500)]] = Field([], max_length=20, description="证据网址")


class ReportIn(Schema):
    narrative: str = Field("", max_length=20000)
    submit: bool = False


def _filing(payload: FilingIn):
    """The JSON filing through the very forms of online filing (same fields, same checks)."""

    data = {"col-TOTAL_FORMS": str(len(payload.columns)), "col-INITIAL_FORMS": "0",
            "col-MIN_NUM_FORMS": "0", "col-MAX_NUM_FORMS": "1000"}
    for key, value in payload.basic.model_dump(exclude_unset=True).items():
        if census.filed_value(value) is not None:
            data[f"basic-{key}"] = census.filed_value(value)
    for i, column in enumerate(payload.columns):
        data[f"col-{i}-ORDER"] = str(i + 1)
        for key, value in column.model_dump().items():
            if census.filed_value(value) not in (None, ""):
                data[f"col-{i}-{key}"] = census.filed_value(value)
    forms_ = FilingForms(data)
    if forms_.is_valid():
        return forms_.filing()
    for name, messages in forms_.basic.errors.items():
        label = forms_.basic.fields[name].label if name in forms_.basic.fields else "基本信息"
        raise InvalidInput(f"基本信息“{label}”：{messages[0]}", field=name)
    for i, errs in enumerate(forms_.columns.errors):
        for name, messages in errs.items():
            raise InvalidInput(f"第 {i + 1} 个栏目“{name}”：{messages[0]}", field=f"columns.{i}.{name}")
    for message in list(forms_.columns.non_form_errors()) + forms_.errors:
        raise InvalidInput(message, field="columns")
    raise InvalidInput("填报内容有误", field="basic")


@api.post("/sites", response={201: SiteOut, **WRITE}, auth=token_auth, tags=["网站"],
          summary="在线填报：新建本单位网站的草稿（可同时报送）", operation_id="create_site",
          openapi_extra=links(201, GetSite=("get_site", {"site_id": "$response.body#/id"}),
                              UpdateSite=("update_site", {"site_id": "$response.body#/id"}),
                              SubmitSite=("submit_site", {"site_id": "$response.body#/id"})))
@idempotent
def site_create(request, payload: FilingIn):
    services.require(request.auth, "registry", "write")
    return Status(201, _save_filing(request, payload, unit=request.auth.unit))


def _save_filing(request, payload: FilingIn, *, unit, website=None) -> dict:
    """Save the draft as online filing does, and submit it when asked."""
    website = registry_services.save_draft(actor=request.auth, unit=unit, filing=_filing(payload),
                                           website=website, request=request)
    if payload.submit:
        website = registry_services.submit(actor=request.auth, website=website, request=request)
    return _site_json(website)


@api.put("/sites/{site_id}", response={200: SiteOut, **WRITE}, auth=token_auth, tags=["网站"],
         summary="修改草稿或退回的网站（含栏目；可同时报送）", operation_id="update_site")
@idempotent
def site_update(request, payload: FilingIn, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _save_filing(request, payload, unit=website.unit, website=website))


@api.post("/sites/{site_id}/change", response={200: SiteOut, **WRITE}, auth=token_auth, tags=["网站"],
          summary="已通过网站的变更申请（经同样的逐级审核）", operation_id="change_site")
@idempotent
def site_change(request, payload: FilingIn, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    filing = _filing(payload)
    return Status(200, _site_json(registry_services.request_change(actor=request.auth, website=website, filing=filing,
                                                            note=payload.note, request=request)))


@api.post("/sites/{site_id}/life", response={200: SiteOut, **WRITE}, auth=token_auth, tags=["网站"],
          summary="关停、整合、迁移、例外的状态变更申请", operation_id="life_site")
@idempotent
def site_life(request, payload: LifeIn, site_id: int = Path(..., ge=1, le=MAX_ID)):

    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    target = None
    if payload.merged_into.strip():
        target = Website.objects.filter(site_code=payload.merged_into.strip()).first()
        if target is None:
            raise InvalidInput(f"网站标识码“{payload.merged_into.strip()}”不存在", field="merged_into")
    return Status(200, _site_json(registry_services.request_life_change(
        actor=request.auth, website=website, life=payload.life, reason=payload.reason, merged_into=target,
        new_url=payload.new_url, request=request)))


# ---------------------------------------------------------------- inspection, rectification, reports

@api.post("/sites/{site_id}/inspection", response={200: CardDetail, **WRITE}, auth=token_auth,
          tags=["自查与检查"], summary="打开（或取回）网站的检查表（上级组织单位）", operation_id="open_inspection",
          openapi_extra=links(FillCard=("fill_scorecard", {"card_id": "$response.body#/id"}),
                              SubmitCard=("submit_scorecard", {"card_id": "$response.body#/id"})))
@idempotent
def inspection_open(request, payload: InspectionIn, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _card_json(scoring_services.open_inspection(actor=request.auth, website=website,
                                                            reason=payload.reason, request=request)))


@api.get("/rectifications/{notice_id}", response={200: RectificationOut, **COMMON}, auth=token_auth,
         tags=["整改"], summary="一份整改通知", operation_id="get_rectification")
def rectification(request, response: HttpResponse, notice_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring")
    _no_store(response)
    return scoring_selectors.get_rectification(request.auth, notice_id)


@api.post("/rectifications/{notice_id}/answer", response={200: RectificationOut, **WRITE}, auth=token_auth,
          tags=["整改"], summary="反馈整改情况（附证据网址）", operation_id="answer_rectification")
@idempotent
def rectification_answer(request, payload: AnswerIn, notice_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    notice = scoring_selectors.get_rectification(request.auth, notice_id)
    scoring_services.answer_rectification(actor=request.auth, notice=notice, answer=payload.answer,
                                          evidence=payload.evidence, request=request)
    notice = scoring_selectors.get_rectification(request.auth, notice_id)
    return Status(200, RectificationOut.from_orm(notice).model_dump(mode="json"))


@api.post("/reports/own", response={200: ReportOut, **WRITE}, auth=token_auth, tags=["检查整改情况报告"],
          summary="保存或报送本单位的检查整改情况报告（数字由系统汇总）", operation_id="save_report")
@idempotent
def report_save(request, payload: ReportIn):
    services.require(request.auth, "reports", "write")
    report = scoring_services.save_report(actor=request.auth, narrative=payload.narrative, submit=payload.submit,
                                          request=request)
    report = InspectionReport.objects.select_related("organizer").get(pk=report.pk)
    return Status(200, ReportOut.from_orm(report).model_dump(mode="json"))


# ---------------------------------------------------------------- workbook import (upload → dry run → confirm job)

class ImportOut(Schema):
    id: int
    state: str
    summary: dict
    created_at: datetime
    committed_at: datetime | None


class ConfirmIn(Schema):
    valid_only: bool = Field(False, description="只导入无误的网站")


class JobOut(Schema):
    id: int
    kind: str
    label: str
    status: str
    done: int
    total: int
    message: str
    result: dict
    error: str


@api.post("/imports", response={201: ImportOut, **WRITE}, auth=token_auth, tags=["导入"],
          summary="上传填报模板（一个或多个 .xlsx 或 ZIP）并预检：返回每个文件的汇总，不保存任何网站",
          operation_id="create_import",
          openapi_extra=links(GetImport=("get_import", {"import_id": "$response.body#/id"})))
def import_create(request, files: list[UploadedFile] = File(..., min_length=1, max_length=MAX_UPLOADS,
                                                           description=f"填报模板文件（1–{MAX_UPLOADS} 个）")):
    services.require(request.auth, "registry", "write")
    if not files or len(files) > MAX_UPLOADS:
        raise InvalidInput(f"请上传 1–{MAX_UPLOADS} 个文件（可打包为 ZIP）", field="files")
    batch = imports.dry_run(actor=request.auth, uploads=[(f.name, f) for f in files], request=request)
    return Status(201, batch)


@api.get("/imports/{import_id}", response={200: ImportOut, **COMMON}, auth=token_auth, tags=["导入"],
         summary="一次导入的预检汇总与状态", operation_id="get_import")
def import_get(request, response: HttpResponse, import_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry")
    _no_store(response)
    return imports.get_batch(request.auth, import_id)


@api.post("/imports/{import_id}/confirm", response={202: JobOut, **WRITE}, auth=token_auth, tags=["导入"],
          summary="确认导入：作为后台任务执行，返回任务（用 /api/jobs/{id} 查看进度）", operation_id="confirm_import")
@idempotent
def import_confirm(request, payload: ConfirmIn, import_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    batch = imports.get_batch(request.auth, import_id)
    imports.check_committable(batch, valid_only=payload.valid_only)
    job = enqueue("import_commit", actor=request.auth, label=f"确认导入（批次 {batch.pk}）",
                  params={"batch_id": batch.pk, "valid_only": payload.valid_only},
                  total=(batch.summary.get("totals") or {}).get("sites", 0))
    return Status(202, JobOut.from_orm(job).model_dump(mode="json"))


@api.post("/imports/{import_id}/cancel", response={200: ImportOut, **WRITE}, auth=token_auth, tags=["导入"],
          summary="取消预检过的导入（不保存任何数据）", operation_id="cancel_import")
@idempotent
def import_cancel(request, import_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    batch = imports.get_batch(request.auth, import_id)
    imports.cancel(actor=request.auth, batch=batch, request=request)
    return Status(200, ImportOut.from_orm(imports.get_batch(request.auth, import_id)).model_dump(mode="json"))


@api.get("/jobs/{job_id}", response={200: JobOut, **COMMON}, auth=token_auth, tags=["导入"],
         summary="后台任务的进度与结果（仅本账号发起的任务）", operation_id="get_job")
def job_get(request, response: HttpResponse, job_id: int = Path(..., ge=1, le=MAX_ID)):
    _no_store(response)
    return get_job(request.auth, job_id)


class BatchSiteOut(Schema):
    id: int
    website_id: int
    website: str = Field(..., alias="website.name")
    site_code: str | None = Field(None, alias="website.site_code")
    stratum: str
    status: str
    score: Decimal | None = Field(None, alias="scorecard.score")
    result: str | None = Field(None, alias="scorecard.result")
    signed_at: datetime | None


class BatchSitePage(Schema):
    items: list[BatchSiteOut]
    next_cursor: str | None
    has_more: bool


@api.get("/spotcheck/batches/{batch_id}/sites", response={200: BatchSitePage, **COMMON}, auth=token_auth,
         tags=["抽查核查"], summary="一个抽查批次的抽中网站与结果（批次的组织单位）", operation_id="batch_sites",
         openapi_extra=links(GetSpotSite=("get_spotcheck_site", {"bsite_id": "$response.body#/items/0/id"}),
                             Review=("review_spotcheck", {"bsite_id": "$response.body#/items/0/id"})))
def batch_sites(request, response: HttpResponse, batch_id: int = Path(..., ge=1, le=MAX_ID),
                cursor: str = CURSOR, limit: int = LIMIT):
    services.require(request.auth, "spotcheck")
    _no_store(response)
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None or not spot_policy.is_batch_member(request.auth, batch):
        raise NotFound("抽查批次不存在或不在您的权限范围内")
    qs = BatchSite.objects.filter(batch=batch).select_related("website", "scorecard")
    return sync.by_id(qs, cursor=cursor, limit=limit)


# Evidence files, scanner suggestions and spot-check review (checks.py registers on this router).
api.add_router("/", checks_router)

# The waiting list and the unit's workbook (waiting.py registers on this router).
api.add_router("/", waiting_router)

# 政务新媒体 accounts and their change feed (media.py registers on this router).
api.add_router("/", media_router)
