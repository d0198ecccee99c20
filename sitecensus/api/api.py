"""The REST API (django-ninja): the public site directory (anonymous, approved
open sites only), statistics and a unit's own records (token, owner's scope)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.html import format_html
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer

from sitecensus.core import scope
from sitecensus.core.errors import CensusError
from sitecensus.public import selectors as public_selectors
from sitecensus.reports import selectors as report_selectors

from . import services

MAX_ID = 2**53  # beyond any real key; keeps huge numbers from reaching the database
MAX_PAGE = 100_000


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        return services.authenticate(token)


class LocalSwagger(DocsBase):
    """Swagger UI from the vendored copy (static/vendor/swagger-ui): works offline."""

    def render_page(self, request, api, **kwargs):
        html = format_html(
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{}</title>'
            '<link rel="stylesheet" href="{}"></head><body><div id="swagger-ui"></div>'
            '<script src="{}"></script><script src="{}" data-openapi="{}"></script></body></html>',
            api.title, static("vendor/swagger-ui/swagger-ui.css"), static("vendor/swagger-ui/swagger-ui-bundle.js"),
            static("js/api-docs.js"), self.get_openapi_url(api, kwargs))
        return HttpResponse(html)


api = NinjaAPI(title="全国政府网站信息报送系统 API", version="1.0", urls_namespace="api", docs=LocalSwagger(),
               description="政府网站目录（公开，仅已核准且正常运行的网站）、统计与本单位数据（令牌认证，范围与令牌所属账号一致）。")
token_auth = TokenAuth()


class ErrorOut(Schema):
    detail: str
    code: str = ""


class ValidationOut(Schema):
    detail: list[dict]


@api.exception_handler(CensusError)
def census_error(request, exc: CensusError):
    return api.create_response(request, {"detail": exc.message, "code": exc.code}, status=exc.http_status)


# ---------------------------------------------------------------- schemas

class PublicSite(Schema):
    id: int
    name: str
    homepage_url: str
    site_code: str
    unit: str = Field(..., alias="unit.name")


class PublicSitePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[PublicSite]


class ColumnOut(Schema):
    position: int
    name: str
    url: str
    parent_name: str
    is_homepage: bool
    column_class: str
    update_period: str


class SiteOut(Schema):
    id: int
    name: str
    homepage_url: str
    site_code: str | None
    site_class: str
    is_portal: bool
    status: str
    life: str
    is_late: bool
    unit_id: int
    unit: str = Field(..., alias="unit.name")
    organizer: str = Field(..., alias="organizer.name")
    submitted_at: datetime | None
    approved_at: datetime | None
    columns: list[ColumnOut]

    @staticmethod
    def resolve_columns(obj):
        return list(obj.columns.all())


class SitePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[SiteOut]


class StatsTable(Schema):
    key: str
    title: str
    headers: list[str]
    rows: list[list[int | str]]


class StatsOut(Schema):
    unit: str
    summary: dict[str, int | str]
    tables: list[StatsTable]


def _page(qs, page: int, page_size: int) -> dict:
    offset = (page - 1) * page_size
    return {"count": qs.count(), "page": page, "page_size": page_size, "items": list(qs[offset:offset + page_size])}


def _clean(text: str) -> str:
    return (text or "").replace("\x00", "")[:100]


COMMON = {401: ErrorOut, 403: ErrorOut, 422: ValidationOut}


# ---------------------------------------------------------------- endpoints

@api.get("/public/sites", response={200: PublicSitePage, 422: ValidationOut}, auth=None, tags=["公开"],
         summary="政府网站目录（已核准且正常运行）")
def public_sites(request, q: str = Query("", max_length=100), page: int = Query(1, ge=1, le=MAX_PAGE),
                 page_size: int = Query(50, ge=1, le=200)):
    return _page(public_selectors.directory(_clean(q)), page, page_size)


@api.get("/stats", response={200: StatsOut, **COMMON}, auth=token_auth, tags=["统计"], summary="本范围统计")
def stats(request, response: HttpResponse):
    response["Cache-Control"] = "no-store"  # scoped data: never kept by shared caches
    result = report_selectors.statistics(request.auth)
    return {"unit": result.unit.name, "summary": result.summary,
            "tables": [{"key": t.key, "title": t.title, "headers": t.headers, "rows": t.rows} for t in result.tables]}


@api.get("/sites", response={200: SitePage, **COMMON}, auth=token_auth, tags=["本单位数据"],
         summary="本范围内的网站（含栏目）")
def sites(request, q: str = Query("", max_length=100), status: str = Query("", max_length=16),
          page: int = Query(1, ge=1, le=MAX_PAGE), page_size: int = Query(50, ge=1, le=200),
          response: HttpResponse = None):
    response["Cache-Control"] = "no-store"
    qs = (scope.visible_websites(request.auth).select_related("unit", "organizer").prefetch_related("columns")
          .order_by("unit__path", "id"))
    q = _clean(q)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(homepage_url__icontains=q) | Q(site_code__iexact=q))
    if status:
        qs = qs.filter(status=_clean(status))
    return _page(qs, page, page_size)


@api.get("/sites/{site_id}", response={200: SiteOut, 404: ErrorOut, **COMMON}, auth=token_auth,
         tags=["本单位数据"], summary="一个网站（范围外为 404）")
def site(request, response: HttpResponse, site_id: int = Path(..., ge=1, le=MAX_ID)):
    response["Cache-Control"] = "no-store"
    found = scope.get_visible_website(request.auth, site_id)
    return found
