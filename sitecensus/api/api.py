"""The REST API (django-ninja) under /api/: the public site directory, and for
tokens everything a unit does in the UI, through the same services, selectors
and policies as the UI (sitecensus/<app>/policy.py). This module only assembles the
API (its documentation page, the schema's extras, the error handlers) and mounts one
router per area, each in its own module:

- `public`         the public site directory (no token)
- `sites`          websites' census records: read, filed online, submitted, changed, life changes
- `review`         review up the chain: approve, return, undo, in bulk
- `waiting`        what waits for a unit's decision; the unit's workbook
- `cards`          self-check and inspection cards: opened, filled, submitted
- `rectification`  rectification notices: listed, read, answered
- `checks`         evidence files, scanner suggestions, spot-check review (and answers with files)
- `reports`        statistics and the inspection reports upward
- `importing`      the workbook import and the jobs' progress
- `spotcheck`      spot-check batches and their sampled sites
- `events`         the audit log and the change feed
- `media`          政务新媒体 accounts

Six operations keep the ids django-ninja generated while they lived in this module
(`sitecensus_api_api_<function>`: public_sites, stats, review_bulk, reports, batches,
audit_events), as clients know them; tests/test_openapi_snapshot.py holds the document still.

Every list pages by keyset cursor with `updated_since`; every error is Chinese
with a stable code (errors.py); writes accept `Idempotency-Key`."""

from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.html import format_html
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from . import cards, checks, errors, events, idempotency, importing, media, public, rectification, reports, review
from . import sites, spotcheck, waiting


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


# One router per area; a path's methods all live in one router (two routers mounting the
# same path would answer the second one's methods with 405: tests/test_openapi_snapshot.py).
for area in (public, sites, review, waiting, cards, rectification, checks, reports, importing, spotcheck, events,
             media):
    api.add_router("/", area.router)
