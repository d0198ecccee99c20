"""Self-check and inspection cards: listed in scope, opened, filled and submitted once (their
evidence files, suggestions and spot-check review are in checks.py)."""

from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema, Status

from sitecensus.registry import policy as registry_policy
from sitecensus.scoring import policy as scoring_policy
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import Scorecard

from . import services, sync
from .common import (COMMON, CURSOR_TIME, LIMIT, MAX_ID, SINCE, WRITE, CardDetail, CardOut, EntriesIn, _card,
                     _card_json, _cards, _no_store, links, token_auth)
from .idempotency import idempotent

router = Router(auth=token_auth)

FIRST_CARD = "$response.body#/items/0/id"


class CardPage(Schema):
    items: list[CardOut]
    next_cursor: str | None
    has_more: bool


@router.get("/scorecards", response={200: CardPage, **COMMON}, tags=["自查与检查"],
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


@router.get("/scorecards/{card_id}", response={200: CardDetail, **COMMON}, tags=["自查与检查"],
            summary="一份评分表及各项填写内容", operation_id="get_scorecard")
def scorecard(request, response: HttpResponse, card_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring")
    _no_store(response)
    return _card(request.auth, card_id)


@router.post("/sites/{site_id}/selfcheck", response={200: CardDetail, **WRITE}, tags=["自查与检查"],
             summary="打开（或取回）网站的自查表", operation_id="open_selfcheck",
             openapi_extra=links(GetCard=("get_scorecard", {"card_id": "$response.body#/id"}),
                                 FillCard=("fill_scorecard", {"card_id": "$response.body#/id"}),
                                 SubmitCard=("submit_scorecard", {"card_id": "$response.body#/id"})))
@idempotent
def selfcheck_open(request, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _card_json(scoring_services.open_self_check(actor=request.auth, website=website, request=request)))


@router.put("/scorecards/{card_id}/entries", response={200: CardDetail, **WRITE}, tags=["自查与检查"],
            summary="保存评分表的填写内容（未提交时）", operation_id="fill_scorecard",
            openapi_extra=links(SubmitCard=("submit_scorecard", {"card_id": "$response.body#/id"})))
@idempotent
def scorecard_fill(request, payload: EntriesIn, card_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    card = _card(request.auth, card_id)
    scoring_services.save_entries(actor=request.auth, card=card, raw_entries=payload.entries, request=request)
    return Status(200, _card_json(card))


@router.post("/scorecards/{card_id}/submit", response={200: CardDetail, **WRITE}, tags=["自查与检查"],
             summary="提交评分表（提交后不可更改）", operation_id="submit_scorecard")
@idempotent
def scorecard_submit(request, card_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    card = _card(request.auth, card_id)
    return Status(200, _card_json(scoring_services.submit_card(actor=request.auth, card=card, request=request)))


class InspectionIn(Schema):
    reason: str = Field("", max_length=300, description="未自查即检查时的原因")


@router.post("/sites/{site_id}/inspection", response={200: CardDetail, **WRITE}, tags=["自查与检查"],
             summary="打开（或取回）网站的检查表（上级组织单位）", operation_id="open_inspection",
             openapi_extra=links(FillCard=("fill_scorecard", {"card_id": "$response.body#/id"}),
                                 SubmitCard=("submit_scorecard", {"card_id": "$response.body#/id"})))
@idempotent
def inspection_open(request, payload: InspectionIn, site_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _card_json(scoring_services.open_inspection(actor=request.auth, website=website,
                                                            reason=payload.reason, request=request)))
