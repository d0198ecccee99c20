"""API operations of checking beyond the cards themselves: evidence files (upload
on self-checks, inspections and rectification answers; download as an
attachment), the scanner's suggestions on an inspection card (accept, or reject
with a reason) and spot-check review and sign-off. Each calls the service the UI
calls, under the same policy; refusals carry the UI's codes."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.db.models import Q
from django.http import HttpResponse
from ninja import Field, File, Form, Path, Router, Schema, Status, UploadedFile

from sitecensus.core.errors import InvalidInput, InvalidState, NotFound
from sitecensus.evidence import selectors as evidence_selectors
from sitecensus.evidence import services as evidence_services
from sitecensus.evidence.views import CONTENT_TYPES, attachment
from sitecensus.scanner import services as scanner_services
from sitecensus.scanner.models import Suggestion
from sitecensus.scoring import selectors as scoring_selectors
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import Scorecard
from sitecensus.spotcheck import policy as spot_policy
from sitecensus.spotcheck import services as spot_services
from sitecensus.spotcheck.models import Batch, BatchSite

from . import census, services, sync
from .common import (COMMON, CURSOR, LIMIT, MAX_ID, WRITE, CardDetail, EntriesIn, RectificationOut, ReturnIn, _card,
                  _card_json, _no_store, json_response, links, token_auth)
from .errors import ErrorOut
from .idempotency import idempotent

router = Router(auth=token_auth)

MAX_FILES = 20
FILES = File(..., min_length=1, max_length=MAX_FILES, description=f"证据文件（PNG、JPEG 图片或 PDF 文档，按内容判断；每个不超过上限，至多 {MAX_FILES} 个）")


def _files(files: list) -> list:
    if not files or len(files) > MAX_FILES:
        raise InvalidInput(f"请上传 1–{MAX_FILES} 个证据文件", field="files")
    return files


# ---------------------------------------------------------------- evidence files

@router.post("/scorecards/{card_id}/files", response={201: CardDetail, **WRITE}, tags=["自查与检查"],
             summary="为未提交的自查表或检查表上传证据文件（multipart：files，可选 indicator）",
             operation_id="upload_card_files",
             openapi_extra=links(201, GetFile=("get_evidence", {"file_id": "$response.body#/files/0/id"})))
@idempotent
def card_files(request, card_id: int = Path(..., ge=1, le=MAX_ID), files: list[UploadedFile] = FILES,
               indicator: str = Form("", max_length=16, description="证据所属指标代码（可空）")):
    services.require(request.auth, "scoring", "write")
    card = _card(request.auth, card_id)
    evidence_services.attach_to_card(actor=request.auth, card=card, uploads=_files(files),
                                     indicator=indicator.strip(), request=request)
    return Status(201, _card_json(card))


@router.post("/rectifications/{notice_id}/answer/files", response={200: RectificationOut, **WRITE},
             tags=["整改"], operation_id="answer_rectification_files",
             summary="反馈整改情况并附证据文件（multipart：answer、可多个 evidence 网址、files）",
             openapi_extra=links(GetFile=("get_evidence", {"file_id": "$response.body#/files/0/id"})))
@idempotent
def rectification_answer_files(request, notice_id: int = Path(..., ge=1, le=MAX_ID),
                               answer: str = Form(..., min_length=1, max_length=5000),
                               evidence: list[Annotated[str, Field(max_length=500)]] = Form(
                                   [], max_length=20, description="证据网址"),
                               files: list[UploadedFile] = FILES):
    services.require(request.auth, "scoring", "write")
    notice = scoring_selectors.get_rectification(request.auth, notice_id)
    scoring_services.answer_rectification(actor=request.auth, notice=notice, answer=answer, evidence=evidence,
                                          files=_files(files), request=request)
    notice = scoring_selectors.get_rectification(request.auth, notice_id)
    return Status(200, RectificationOut.from_orm(notice).model_dump(mode="json"))


BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get("/evidence/{file_id}", response=COMMON, tags=["自查与检查"], operation_id="get_evidence",
            summary="下载一个证据文件（总是作为附件，不在浏览器中打开）",
            openapi_extra={"responses": {200: {"description": "文件内容（PNG、JPEG 或 PDF）",
                                               "content": {t: BINARY for t in CONTENT_TYPES.values()}}}})
def evidence_download(request, file_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring")
    return attachment(evidence_selectors.get_visible(request.auth, file_id))


# ---------------------------------------------------------------- scanner suggestions on an inspection card

class SuggestionOut(Schema):
    id: int
    website_id: int
    indicator: str
    rubric_code: str
    entry: dict
    summary: str
    evidence: list
    status: str = Field(..., description="pending 待确认 / accepted 已采纳 / rejected 未采纳")
    reason: str
    decided_at: datetime | None
    scorecard_id: int | None


class SuggestionPage(Schema):
    items: list[SuggestionOut]
    next_cursor: str | None
    has_more: bool


class DecisionIn(Schema):
    accept: bool = Field(..., description="true 采纳（写入检查表草稿）；false 不采纳（须填写原因）")
    reason: str = Field("", max_length=300, description="不采纳的原因")


def _inspection_card(user, card_id) -> Scorecard:
    card = _card(user, card_id)
    if card.stage != Scorecard.Stage.INSPECTION:
        raise NotFound("扫描建议只用于检查表：该评分表不是检查表")
    return card


def _suggestions(card: Scorecard):
    """The card's own table's suggestions for its site: undecided ones and those decided on this card."""
    pending = scanner_services.pending_suggestions(card.website, rubric_code=card.rubric.code)
    return Suggestion.objects.filter(Q(pk__in=pending.values("pk")) | Q(scorecard=card))


@router.get("/scorecards/{card_id}/suggestions", response={200: SuggestionPage, **COMMON}, tags=["自查与检查"],
            summary="检查表的扫描建议（待确认的与已在本表处理的）", operation_id="list_suggestions",
            openapi_extra=links(Decide=("decide_suggestion", {"card_id": "$request.path.card_id",
                                                              "suggestion_id": "$response.body#/items/0/id"})))
def suggestions(request, response: HttpResponse, card_id: int = Path(..., ge=1, le=MAX_ID),
                cursor: str = CURSOR, limit: int = LIMIT):
    services.require(request.auth, "scoring")
    _no_store(response)
    return sync.by_id(_suggestions(_inspection_card(request.auth, card_id)), cursor=cursor, limit=limit)


@router.post("/scorecards/{card_id}/suggestions/{suggestion_id}", response={200: SuggestionOut, **WRITE},
             tags=["自查与检查"], operation_id="decide_suggestion",
             summary="采纳或不采纳（附原因）一条扫描建议；重复同样的决定返回原结果")
@idempotent
def decide_suggestion(request, payload: DecisionIn, card_id: int = Path(..., ge=1, le=MAX_ID),
                      suggestion_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "scoring", "write")
    card = _inspection_card(request.auth, card_id)
    suggestion = _suggestions(card).filter(pk=suggestion_id).first()
    if suggestion is None:
        raise NotFound("扫描建议不存在或不属于该检查表")
    wanted = Suggestion.Status.ACCEPTED if payload.accept else Suggestion.Status.REJECTED
    if suggestion.status == wanted and suggestion.scorecard_id == card.pk:
        # The same decision again (a retry): nothing changes, the first outcome comes back.
        return Status(200, SuggestionOut.from_orm(suggestion).model_dump(mode="json"))
    if not suggestion.is_pending:
        raise InvalidState(f"该建议已{suggestion.get_status_display()}，不能改为{Suggestion.Status(wanted).label}")
    decided = scanner_services.decide(actor=request.auth, suggestion=suggestion, accept=payload.accept,
                                      reason=payload.reason, request=request)
    return Status(200, SuggestionOut.from_orm(decided).model_dump(mode="json"))


# ---------------------------------------------------------------- spot-check review and sign-off

class SpotSiteOut(Schema):
    id: int
    batch_id: int
    website_id: int
    website: str = Field(..., alias="website.name")
    stratum: str
    status: str = Field(..., description="pending 待复核 / reviewed 已复核 / signed 已签发")
    reviewer: str | None = Field(None, alias="reviewer.username")
    second_reviewer: str | None = Field(None, alias="second_reviewer.username")
    signed_at: datetime | None
    scorecard_id: int | None
    score: Decimal | None = Field(None, alias="scorecard.score")
    result: str | None = Field(None, alias="scorecard.result")
    card_status: str | None = Field(None, alias="scorecard.status")


class SpotCardOut(Schema):
    site: SpotSiteOut
    card: CardDetail | None


class BulkSignIn(Schema):
    ids: list[census.json_int(ge=1, le=MAX_ID)] = Field(..., min_length=1, max_length=500,
                                                                   description="批次内抽查网站的编号")


class BulkSignOut(Schema):
    done: list[int]
    refused: list[dict]


def _spot_site(user, bsite_id) -> BatchSite:
    """The UI's rule (spotcheck.views.site_review): members of the batch's organizing unit only."""
    found = BatchSite.objects.filter(pk=bsite_id, batch__organizer_id=user.unit_id).select_related(
        "batch", "website", "scorecard", "reviewer", "second_reviewer").first()
    if found is None or not spot_policy.may_open_site(user, found):
        raise NotFound("抽查网站不存在或不在您的权限范围内")
    return found


def _spot_json(bsite_id) -> dict:
    bsite = BatchSite.objects.select_related("website", "scorecard", "reviewer", "second_reviewer").get(pk=bsite_id)
    card = None
    if bsite.scorecard_id:
        card = _card_json(bsite.scorecard)
    return {"site": SpotSiteOut.from_orm(bsite).model_dump(mode="json"), "card": card}


def _spot_write(request, bsite_id, act) -> tuple[int, dict]:
    """A write on one sampled site: the grant, the site (members of the batch's unit only),
    the service, then the site and its card as they now are."""
    services.require(request.auth, "spotcheck", "write")
    bsite = _spot_site(request.auth, bsite_id)
    act(bsite)
    return Status(200, _spot_json(bsite.pk))


def _review_card(request, bsite: BatchSite) -> Scorecard:
    """The first reviewer's card (opened by the UI's service, which checks the reviewer)."""
    return spot_services.review_card(actor=request.auth, bsite=bsite, request=request)


SPOT_LINKS = dict(Fill=("fill_spotcheck", {"bsite_id": "$response.body#/site/id"}),
                  Submit=("submit_spotcheck", {"bsite_id": "$response.body#/site/id"}),
                  Sign=("sign_spotcheck", {"bsite_id": "$response.body#/site/id"}))


@router.get("/spotcheck/sites/{bsite_id}", response={200: SpotCardOut, **COMMON}, tags=["抽查核查"],
            summary="一个抽查网站的复核状态与复核评分表（批次组织单位的账号）", operation_id="get_spotcheck_site",
            openapi_extra=links(**SPOT_LINKS))
def spot_site(request, bsite_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "spotcheck")
    return json_response(_spot_json(_spot_site(request.auth, bsite_id).pk))


@router.post("/spotcheck/sites/{bsite_id}/review", response={200: SpotCardOut, **WRITE}, tags=["抽查核查"],
             summary="复核人开始（或取回）该网站的复核评分表", operation_id="review_spotcheck",
             openapi_extra=links(**SPOT_LINKS))
@idempotent
def spot_review(request, bsite_id: int = Path(..., ge=1, le=MAX_ID)):
    return _spot_write(request, bsite_id, lambda bsite: _review_card(request, bsite))


@router.put("/spotcheck/sites/{bsite_id}/entries", response={200: SpotCardOut, **WRITE}, tags=["抽查核查"],
            summary="复核人确认或修改复核结果（保存评分表填写内容，未提交时）", operation_id="fill_spotcheck")
@idempotent
def spot_fill(request, payload: EntriesIn, bsite_id: int = Path(..., ge=1, le=MAX_ID)):
    return _spot_write(request, bsite_id, lambda bsite: scoring_services.save_entries(
        actor=request.auth, card=_review_card(request, bsite), raw_entries=payload.entries, request=request))


@router.post("/spotcheck/sites/{bsite_id}/submit", response={200: SpotCardOut, **WRITE}, tags=["抽查核查"],
             summary="复核人提交复核评分表（交第二复核人签发）", operation_id="submit_spotcheck")
@idempotent
def spot_submit(request, bsite_id: int = Path(..., ge=1, le=MAX_ID)):
    def submit(bsite):
        spot_policy.check_review(request.auth, bsite)
        if bsite.scorecard is None:
            raise InvalidState("复核人尚未开始复核评分表")
        scoring_services.submit_card(actor=request.auth, card=bsite.scorecard, request=request)

    return _spot_write(request, bsite_id, submit)


@router.post("/spotcheck/sites/{bsite_id}/sign", response={200: SpotCardOut, **WRITE}, tags=["抽查核查"],
             summary="第二复核人签发（须为复核人以外的第二人）", operation_id="sign_spotcheck")
@idempotent
def spot_sign(request, bsite_id: int = Path(..., ge=1, le=MAX_ID)):
    return _spot_write(request, bsite_id, lambda bsite: spot_services.sign_off(
        actor=request.auth, bsite=bsite, request=request))


@router.post("/spotcheck/sites/{bsite_id}/return", response={200: SpotCardOut, **WRITE}, tags=["抽查核查"],
             summary="第二复核人退回复核结果并说明原因（复核人重新评分）", operation_id="return_spotcheck")
@idempotent
def spot_return(request, payload: ReturnIn, bsite_id: int = Path(..., ge=1, le=MAX_ID)):
    return _spot_write(request, bsite_id, lambda bsite: spot_services.return_to_reviewer(
        actor=request.auth, bsite=bsite, reason=payload.reason, request=request))


@router.post("/spotcheck/batches/{batch_id}/sign", response={200: BulkSignOut, **WRITE}, tags=["抽查核查"],
             summary="批量签发：逐个签发或说明拒绝原因", operation_id="sign_spotcheck_bulk")
@idempotent
def spot_sign_bulk(request, payload: BulkSignIn, batch_id: int = Path(..., ge=1, le=MAX_ID)):
    services.require(request.auth, "spotcheck", "write")
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None or not spot_policy.is_batch_member(request.auth, batch):
        raise NotFound("抽查批次不存在或不在您的权限范围内")
    bsites = list(BatchSite.objects.filter(batch=batch, pk__in=payload.ids).select_related("batch", "scorecard")
                  .order_by("id"))
    done, refused = spot_services.sign_off_many(actor=request.auth, bsites=bsites, request=request)
    found = {b.pk for b in bsites}
    out = [{"id": b.pk, "detail": msg} for b, msg in refused]
    out += [{"id": pk, "detail": "抽查网站不存在或不属于该批次"} for pk in dict.fromkeys(payload.ids) if pk not in found]
    return Status(200, {"done": [b.pk for b in done], "refused": out})


__all__ = ["router", "ErrorOut"]
