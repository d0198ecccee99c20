"""政务新媒体 in the API, as for websites: accounts in scope with the full record (every field of the
form in newmedia/data/form.json, the review and life state, the registry number, the latest machine
reading), `updated_since` + keyset cursor sync, one account by id, and the change feed (kind "media",
served by /api/events to tokens with the registry scope). Under the same policies as the UI."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q
from django.db.models.signals import post_save
from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema

from sitecensus.core.feed import rows_changed
from sitecensus.newmedia import policy as media_policy
from sitecensus.newmedia.models import MediaAccount

from . import services, sync
from .common import COMMON, CURSOR_TIME, LIMIT, MAX_ID, SINCE, _clean, _iso, json_response, token_auth
from .models import Change

router = Router(auth=token_auth)

FIELDS = ("id", "media_code", "platform", "name", "account_id", "url", "host_unit", "certified_subject",
          "is_certified", "operator_unit", "opened_on", "status", "life", "life_reason", "life_on", "return_reason",
          "pending", "source", "last_post_on", "last_checked_at", "check_result", "unit_id", "organizer_id",
          "pending_at_id", "submitted_at", "approved_at", "updated_at")


class MediaOut(Schema):
    id: int
    media_code: str | None = Field(None, description="登记编号：组织单位代码 + M + 5 位顺序号（终审通过时赋予）")
    platform: str = Field(..., description="平台（newmedia/data/platforms.json）")
    name: str
    account_id: str
    url: str = Field(..., description="公开页面网址")
    host_unit: str = Field(..., description="主办单位")
    certified_subject: str = Field(..., description="认证主体")
    is_certified: bool
    operator_unit: str = Field(..., description="运维单位")
    opened_on: str | None = Field(None, description="开设日期")
    status: str = Field(..., description="审核状态：draft / submitted / returned / approved")
    life: str = Field(..., description="账号状态：open 开设 / changed 变更 / closed 关停 / cancelled 注销")
    life_reason: str
    life_on: str | None
    return_reason: str
    pending: dict = Field(..., description="待审申请：{kind: change/close/cancel, reason, on, data}")
    source: str
    last_post_on: str | None = Field(None, description="机器读取的最近发布日期")
    last_checked_at: datetime | None
    check_result: dict = Field(..., description="最近一次读取：verdict（read/undecidable）、原因与证据")
    unit: str
    unit_id: int
    organizer: str
    organizer_id: int
    pending_at_id: int | None
    submitted_at: datetime | None
    approved_at: datetime | None
    updated_at: datetime


class MediaPage(Schema):
    items: list[MediaOut]
    next_cursor: str | None
    has_more: bool


def media_rows(ids: list[int]) -> list[dict]:
    rows = {r["id"]: r for r in MediaAccount.objects.filter(pk__in=ids).values(
        *FIELDS, unit_name=F("unit__name"), organizer_name=F("organizer__name"))}
    out = []
    for pk in ids:
        row = rows[pk]
        row["unit"], row["organizer"] = row.pop("unit_name"), row.pop("organizer_name")
        for key in ("submitted_at", "approved_at", "updated_at", "last_checked_at"):
            row[key] = _iso(row[key])
        for key in ("opened_on", "life_on", "last_post_on"):
            row[key] = row[key].isoformat() if row[key] else None
        out.append(row)
    return out


@router.get("/media", response={200: MediaPage, **COMMON}, tags=["政务新媒体"], operation_id="list_media",
            summary="本范围内的政务新媒体账号（完整记录），按变化时间以游标分页；updated_since 只取其后变化的")
def media_list(request, response: HttpResponse, q: str = Query("", max_length=100),
               platform: str = Query("", max_length=16), status: str = Query("", max_length=16),
               updated_since: str = SINCE, cursor: str = CURSOR_TIME, limit: int = LIMIT):
    services.require(request.auth, "registry")
    qs = media_policy.visible_accounts(request.auth)
    q = _clean(q)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(media_code__iexact=q) | Q(account_id__iexact=q))
    if platform:
        qs = qs.filter(platform=_clean(platform))
    if status:
        qs = qs.filter(status=_clean(status))
    page = sync.by_time(qs.only("id", "updated_at"), "updated_at", updated_since=sync.since(updated_since),
                        cursor=cursor, limit=limit)
    page["items"] = media_rows([row.pk for row in page["items"]])
    return json_response(page)


@router.get("/media/{media_id}", response={200: MediaOut, **COMMON}, tags=["政务新媒体"],
            operation_id="get_media", summary="一个政务新媒体账号（范围外为 404）")
def media_one(request, media_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "registry")
    return json_response(media_rows([media_policy.get_visible_account(request.auth, media_id).pk])[0])


# ---------------------------------------------------------------- the change feed (kind "media")

def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    unit = instance._state.fields_cache.get("unit")
    path = unit.path if unit is not None else MediaAccount.objects.filter(pk=instance.pk).values_list(
        "unit__path", flat=True).first()
    Change.objects.create(kind="media", object_id=instance.pk, action="created" if created else "updated",
                          unit_path=path or "")


def _bulk(sender, ids, created, using="default", **kwargs):
    if sender is not MediaAccount:
        return
    Change.objects.using(using).bulk_create([
        Change(kind="media", object_id=pk, action="created" if created else "updated", unit_path=path or "")
        for pk, path in MediaAccount.objects.using(using).filter(pk__in=ids).order_by("pk")
        .values_list("pk", "unit__path")], batch_size=2000)


def connect() -> None:
    post_save.connect(_saved, sender=MediaAccount, dispatch_uid="api_change_media")
    rows_changed.connect(_bulk, dispatch_uid="api_change_media_bulk")
