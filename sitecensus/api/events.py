"""The audit log (audit administrators only) and the change feed (by commit order) in scope."""

from datetime import datetime

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from sitecensus.audit import policy as audit_policy
from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import NotFound

from . import services, sync
from . import policy as api_policy
from .common import COMMON, CURSOR, LIMIT, MAX_ID, _clean, _no_store, links, token_auth
from .models import Change

router = Router(auth=token_auth)


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


@router.get("/audit/events", response={200: AuditPage, **COMMON}, tags=["审计"],
            summary="审计日志（仅审计管理员）", operation_id="sitecensus_api_api_audit_events")
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


@router.get("/events", response={200: EventPage, **COMMON}, tags=["同步"],
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
