"""Websites' census records: read in scope (every form field and column), filed online as drafts
(the very forms of online filing), submitted, changed and their life changes requested."""

from datetime import datetime

from django.db.models import F, Q
from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema, Status

from sitecensus.core.errors import InvalidInput
from sitecensus.registry import policy as registry_policy
from sitecensus.registry import services as registry_services
from sitecensus.registry.models import Website, WebsiteColumn
from sitecensus.registry.services import COLUMN_FIELDS
from sitecensus.registry.webforms import FilingForms

from . import census, services, sync
from .common import (COMMON, CURSOR_TIME, LIMIT, MAX_ID, SINCE, WRITE, ColumnOut, SiteForm, _clean, _iso,
                     json_response, links, token_auth)
from .idempotency import idempotent

router = Router(auth=token_auth)

FIRST_SITE = "$response.body#/items/0/id"


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


@router.get("/sites", response={200: SitePage, **COMMON}, tags=["网站"],
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


@router.get("/sites/{site_id}", response={200: SiteOut, **COMMON}, tags=["网站"],
            summary="一个网站（范围外为 404）", operation_id="get_site",
            openapi_extra=links(SubmitSite=("submit_site", {"site_id": "$response.body#/id"}),
                                UndoSite=("undo_site", {"site_id": "$response.body#/id"})))
def site(request, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry")
    return json_response(_site_json(registry_policy.get_visible_website(request.auth, site_id)))


def _site_json(website) -> dict:
    return site_rows([website.pk])[0]


@router.post("/sites/{site_id}/submit", response={200: SiteOut, **WRITE}, tags=["网站"],
             summary="报送草稿或退回的网站", operation_id="submit_site")
@idempotent
def site_submit(request, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _site_json(registry_services.submit(actor=request.auth, website=website, request=request)))


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


@router.post("/sites", response={201: SiteOut, **WRITE}, tags=["网站"],
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


@router.put("/sites/{site_id}", response={200: SiteOut, **WRITE}, tags=["网站"],
            summary="修改草稿或退回的网站（含栏目；可同时报送）", operation_id="update_site")
@idempotent
def site_update(request, payload: FilingIn, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _save_filing(request, payload, unit=website.unit, website=website))


@router.post("/sites/{site_id}/change", response={200: SiteOut, **WRITE}, tags=["网站"],
             summary="已通过网站的变更申请（经同样的逐级审核）", operation_id="change_site")
@idempotent
def site_change(request, payload: FilingIn, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    filing = _filing(payload)
    return Status(200, _site_json(registry_services.request_change(actor=request.auth, website=website, filing=filing,
                                                            note=payload.note, request=request)))


@router.post("/sites/{site_id}/life", response={200: SiteOut, **WRITE}, tags=["网站"],
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
