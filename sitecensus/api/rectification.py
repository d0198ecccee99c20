"""Rectification notices: listed in scope, read, answered with evidence addresses (the answer with
files is in checks.py)."""

from typing import Annotated

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema, Status

from sitecensus.evidence import selectors as evidence_selectors
from sitecensus.evidence.models import EvidenceFile
from sitecensus.registry import policy as registry_policy
from sitecensus.scoring import selectors as scoring_selectors
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import Rectification

from . import services, sync
from .common import COMMON, CURSOR, LIMIT, MAX_ID, SINCE, WRITE, RectificationOut, _no_store, token_auth
from .idempotency import idempotent

router = Router(auth=token_auth)


class RectificationPage(Schema):
    items: list[RectificationOut]
    next_cursor: str | None
    has_more: bool


@router.get("/rectifications", response={200: RectificationPage, **COMMON}, tags=["整改"],
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


class AnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=5000)
    evidence: list[Annotated[str, Field(max_length=500)]] = Field([], max_length=20, description="证据网址")


@router.get("/rectifications/{notice_id}", response={200: RectificationOut, **COMMON}, tags=["整改"],
            summary="一份整改通知", operation_id="get_rectification")
def rectification(request, response: HttpResponse, notice_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring")
    _no_store(response)
    return scoring_selectors.get_rectification(request.auth, notice_id)


@router.post("/rectifications/{notice_id}/answer", response={200: RectificationOut, **WRITE}, tags=["整改"],
             summary="反馈整改情况（附证据网址）", operation_id="answer_rectification")
@idempotent
def rectification_answer(request, payload: AnswerIn, notice_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    notice = scoring_selectors.get_rectification(request.auth, notice_id)
    scoring_services.answer_rectification(actor=request.auth, notice=notice, answer=payload.answer,
                                          evidence=payload.evidence, request=request)
    notice = scoring_selectors.get_rectification(request.auth, notice_id)
    return Status(200, RectificationOut.from_orm(notice).model_dump(mode="json"))
