"""What every API router shares: the token authentication, the error responses, the paging
parameters, the JSON helpers and the scorecard schemas and read. api.py and the routers it
mounts (checks.py, waiting.py) import this module; it imports none of them, so the routers
depend one way."""

import json
from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Query, Schema
from ninja.security import HttpBearer

from sitecensus.core.errors import NotFound
from sitecensus.evidence import selectors as evidence_selectors
from sitecensus.scoring import policy as scoring_policy
from sitecensus.scoring import selectors as scoring_selectors
from sitecensus.scoring.models import Scorecard

from . import census, services, sync
from .errors import ErrorOut

MAX_ID = 2**53  # beyond any real key; keeps huge numbers from reaching the database


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def __call__(self, request):
        header = request.headers.get(self.header) or ""
        if not header:
            raise services.TokenInvalid(
                "未提供接口令牌：请在请求头 Authorization: Bearer 后附上令牌（在“接口令牌”页面创建）")
        return super().__call__(request)

    def authenticate(self, request, token):
        return services.authenticate(token, request)


token_auth = TokenAuth()

# 400: a request's strings are checked for NUL characters on every route, reads too (errors.Parser).
COMMON = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {**COMMON, 409: ErrorOut}


def _clean(text: str) -> str:
    return (text or "").replace("\x00", "")[:100]


def _no_store(response):
    response["Cache-Control"] = "no-store"  # scoped data: never kept by shared caches


def links(status: int = 200, **targets) -> dict:
    """OpenAPI links from the `status` response to other operations (schemathesis' stateful
    runs follow them): name=(operationId, {param: runtime expression})."""
    return {"responses": {status: {"links": {
        name: {"operationId": op, "parameters": params} for name, (op, params) in targets.items()}}}}


LIMIT = Query(100, ge=1, le=sync.MAX_LIMIT, description="每页条数（1–500）")
CURSOR_ID = Query("", max_length=16, pattern=sync.ID_CURSOR_PATTERN,
                  description="上一页返回的 next_cursor（原样传回）；首页留空")
CURSOR_TIME = Query("", max_length=40, pattern=sync.TIME_CURSOR_PATTERN,
                    description="上一页返回的 next_cursor（原样传回）；首页留空")
CURSOR = CURSOR_ID
SINCE = Query("", max_length=40, pattern=sync.SINCE_PATTERN,
              description="只返回此时刻（含）之后变化的记录（ISO 8601，如 2026-04-25T08:00:00+08:00）。"
                          "增量同步时请取上次同步开始时间减去余量（建议 10 分钟），并按 id 去重")


ColumnOut = census.column_out()
SiteForm = census.basic_out()


class CardOut(Schema):
    id: int
    website_id: int
    website: str = Field(..., alias="website.name")
    stage: str
    status: str
    rubric: str = Field(..., alias="rubric.code")
    scorer_unit: str = Field(..., alias="scorer_unit.name")
    score: Decimal | None
    result: str
    is_late: bool
    submitted_at: datetime | None
    updated_at: datetime


class FileOut(Schema):
    id: int = Field(..., description="下载：GET /api/evidence/{id}")
    name: str
    kind: str = Field(..., description="png / jpeg / pdf（按文件内容判断）")
    size: int
    indicator: str
    sha256: str
    uploaded_at: datetime


class CardDetail(CardOut):
    entries: dict[str, dict]
    files: list[FileOut] = Field(..., description="证据文件")

    @staticmethod
    def resolve_entries(obj):
        return scoring_selectors.entries_of(obj)

    @staticmethod
    def resolve_files(obj):
        return list(evidence_selectors.of_card(obj))


class EntriesIn(Schema):
    entries: dict[str, dict] = Field(..., description="指标代码 → 填写内容（与界面相同）", max_length=200)


class RectificationOut(Schema):
    id: int
    website_id: int
    website: str = Field(..., alias="website.name")
    scorecard_id: int
    indicator: str
    indicator_name: str
    requirement: str
    deadline: str
    status: str
    issuer_unit: str = Field(..., alias="issuer_unit.name")
    issued_at: datetime
    answer: str
    answer_evidence: list
    answered_at: datetime | None
    closed_at: datetime | None
    files: list[FileOut] = Field(..., description="整改反馈的证据文件")

    @staticmethod
    def resolve_deadline(obj):
        return obj.deadline.isoformat()

    @staticmethod
    def resolve_files(obj):
        cached = getattr(obj, "_prefetched_objects_cache", {}).get("files")  # lists prefetch them
        return list(cached if cached is not None else evidence_selectors.of_rectification(obj))


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def json_response(body: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status=status,
                            content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _cards(user):
    return (scoring_selectors.visible_scorecards(user).filter(stage__in=[Scorecard.Stage.SELF,
                                                                          Scorecard.Stage.INSPECTION])
            .select_related("website", "rubric", "scorer_unit"))


def _card(user, card_id) -> Scorecard:
    found = _cards(user).filter(pk=card_id).first()
    if found is not None and found.stage == Scorecard.Stage.INSPECTION and not scoring_policy.may_see_inspection(
            user, found):
        found = None
    if found is None:
        raise NotFound("评分表不存在或不在您的权限范围内")
    return found


def _card_json(card) -> dict:
    card = Scorecard.objects.select_related("website", "rubric", "scorer_unit").get(pk=card.pk)
    return CardDetail.from_orm(card).model_dump(mode="json")
