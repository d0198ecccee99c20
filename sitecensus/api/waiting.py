"""What waits for the caller's own decision, and the unit's workbook.

- `GET /api/waiting`: the records waiting for the review of the token owner's
  organizing unit (registry.selectors.review_queue, the queue of the review
  page), each with what is asked: a first filing, a change request (the
  proposed form and columns) or a life change (关停, 整合, 迁移 with its new
  address, 例外). The platform decides with approve / return (or review/bulk).
- `GET /api/units/{id}/workbook`: the unit's filing workbook, as the download
  button of the UI gives it (registry.policy.may_download_workbook)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema

from sitecensus.orgs import policy as orgs_policy
from sitecensus.registry import imports
from sitecensus.registry import policy as registry_policy
from sitecensus.registry import selectors as registry_selectors
from sitecensus.registry.models import Website, WebsiteVersion

from . import census, services, sync
from .common import COMMON, CURSOR_ID, LIMIT, MAX_ID, ColumnOut, SiteForm, _iso, json_response, links, token_auth

router = Router(auth=token_auth)

KINDS = {"filing": "首次报送（审核通过后赋网站标识码）", "change": "变更申请", "life": "运行状态变更申请（关停、整合、迁移、例外）"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LifeChangeOut(Schema):
    life: str = Field(..., description="申请的运行状态：closed / merged / migrated / exception / open")
    reason: str
    merged_into: str | None = Field(None, description="整合至的网站标识码")
    new_url: str | None = Field(None, description="迁移后的首页网址")


class WaitingOut(Schema):
    id: int = Field(..., description="网站编号：以 POST /api/sites/{id}/approve 或 /return 作出决定")
    kind: str = Field(..., description="；".join(f"{k} {v}" for k, v in KINDS.items()))
    name: str
    homepage_url: str
    site_code: str | None
    unit_id: int
    unit: str
    life: str = Field(..., description="现在的运行状态")
    version: int = Field(..., description="待审版本号")
    note: str = Field(..., description="申请说明")
    filed_at: datetime = Field(..., description="提交时间（本版本）")
    url_clash: bool = Field(..., description="其首页网址或其他域名已由另一个未关停的网站登记（可能重复）")
    basic: SiteForm | None = Field(None, description="首次报送和变更申请：申请的基本信息表（字段代码 → 值）")
    columns: list[ColumnOut] | None = Field(None, description="首次报送和变更申请：申请的栏目（系统）")
    life_change: LifeChangeOut | None = Field(None, description="运行状态变更申请的内容")


class WaitingPage(Schema):
    items: list[WaitingOut]
    next_cursor: str | None
    has_more: bool


def _kind_filter(qs, kind: str):
    life = WebsiteVersion.objects.filter(website=OuterRef("pk"), number=OuterRef("version"), source="life")
    if kind == "life":
        return qs.filter(Exists(life))
    if kind == "change":
        return qs.filter(site_code__isnull=False).exclude(Exists(life))
    if kind == "filing":
        return qs.filter(site_code__isnull=True).exclude(Exists(life))
    return qs


def _item(site: Website, version: WebsiteVersion | None) -> dict:
    source = version.source if version is not None else ""
    kind = "life" if source == "life" else ("change" if site.site_code else "filing")
    data = version.data if version is not None else {}
    row = {"id": site.pk, "kind": kind, "name": site.name, "homepage_url": site.homepage_url,
           "site_code": site.site_code, "unit_id": site.unit_id, "unit": site.unit.name, "life": site.life,
           "version": site.version, "note": version.note if version is not None else "",
           "filed_at": _iso(version.created_at if version is not None else site.updated_at),
           "url_clash": bool(getattr(site, "url_clash", False)), "basic": None, "columns": None, "life_change": None}
    if kind == "life":
        target = Website.objects.filter(pk=data.get("merged_into")).values_list("site_code", flat=True).first() \
            if data.get("merged_into") else None
        row["life_change"] = {"life": data.get("life", ""), "reason": data.get("life_reason", ""),
                              "merged_into": target, "new_url": data.get("new_url") or None}
    else:
        row["basic"] = census.form_values(data if version is not None else site.data)
        row["columns"] = [census.column_values(i, c) for i, c in enumerate(
            version.columns if version is not None else [], start=1)]
    return row


@router.get("/waiting", response={200: WaitingPage, **COMMON}, tags=["审核"], operation_id="list_waiting",
            summary="待本单位决定：待本级审核的首次报送、变更申请与运行状态变更申请（组织单位）",
            openapi_extra=links(Approve=("approve_site", {"site_id": "$response.body#/items/0/id"}),
                                Return=("return_site", {"site_id": "$response.body#/items/0/id"}),
                                GetSite=("get_site", {"site_id": "$response.body#/items/0/id"})))
def waiting(request, kind: str = Query("", pattern="^(|filing|change|life)$",
                                       description="只看一类：filing 首次报送 / change 变更申请 / life 运行状态变更"),
            cursor: str = CURSOR_ID, limit: int = LIMIT):
    services.require(request.auth, "registry")
    if not registry_policy.may_review(request.auth):
        return json_response({"items": [], "next_cursor": None, "has_more": False})  # a reporting unit decides nothing
    qs = _kind_filter(registry_selectors.review_queue(request.auth), kind)
    page = sync.by_id(qs, cursor=cursor, limit=limit)
    sites = page["items"]
    versions = {(v.website_id, v.number): v for v in WebsiteVersion.objects.filter(
        website_id__in=[s.pk for s in sites], state=WebsiteVersion.State.PENDING)}
    page["items"] = [_item(s, versions.get((s.pk, s.version))) for s in sites]
    return json_response(page)


@router.get("/units/{unit_id}/workbook", response=COMMON, tags=["导入"], operation_id="download_workbook",
            summary="下载单位的填报模板（Excel，已填入其可修改的网站）：本单位或直属下级单位",
            openapi_extra={"responses": {200: {"description": "填报模板（.xlsx）",
                                               "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def workbook(request, unit_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry")
    unit = orgs_policy.get_visible_unit(request.auth, unit_id)
    registry_policy.WORKBOOK.check(registry_policy.may_download_workbook(request.auth, unit))
    response = HttpResponse(imports.workbook_for(unit), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(unit.name + '-填报模板.xlsx')}"
    response["Cache-Control"] = "no-store"
    return response
