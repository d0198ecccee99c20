"""Spot-check batches of the organizing unit and their sampled sites (the review of one sampled
site is in checks.py)."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Path, Router, Schema

from sitecensus.core.errors import NotFound
from sitecensus.spotcheck import policy as spot_policy
from sitecensus.spotcheck.models import Batch, BatchSite

from . import services, sync
from .common import COMMON, CURSOR, LIMIT, MAX_ID, _no_store, links, token_auth

router = Router(auth=token_auth)


class BatchOut(Schema):
    id: int
    name: str
    status: str
    strata: dict
    window_start: str
    window_end: str
    created_at: datetime
    sites: int
    round: str = Field(description="抽查轮次名称（未关联时为“未关联抽查轮次”）")
    is_late: bool = Field(description="是否在轮次的抽查核查阶段截止后创建")

    @staticmethod
    def resolve_round(obj):
        return obj.round_label

    @staticmethod
    def resolve_window_start(obj):
        return obj.window_start.isoformat()

    @staticmethod
    def resolve_window_end(obj):
        return obj.window_end.isoformat()

    @staticmethod
    def resolve_sites(obj):
        return obj.sites.count()


class BatchPage(Schema):
    items: list[BatchOut]
    next_cursor: str | None
    has_more: bool


@router.get("/spotcheck/batches", response={200: BatchPage, **COMMON}, tags=["抽查核查"],
            summary="本单位组织的抽查批次（国办与省级办公厅）",
            openapi_extra=links(BatchSites=("batch_sites", {"batch_id": "$response.body#/items/0/id"}),
                                SignBulk=("sign_spotcheck_bulk", {"batch_id": "$response.body#/items/0/id"})),
                                operation_id="sitecensus_api_api_batches")
def batches(request, response: HttpResponse, cursor: str = CURSOR, limit: int = LIMIT):

    services.require(request.auth, "spotcheck")
    _no_store(response)
    if not spot_policy.may_organize(request.auth):
        raise services.TokenScopeMissing("只有国务院办公厅或省级政府办公厅可以查看抽查批次") from None
    return sync.by_id(Batch.objects.filter(organizer=request.auth.unit), cursor=cursor, limit=limit)


class BatchSiteOut(Schema):
    id: int
    website_id: int
    website: str = Field(..., alias="website.name")
    site_code: str | None = Field(None, alias="website.site_code")
    stratum: str
    status: str
    score: Decimal | None = Field(None, alias="scorecard.score")
    result: str | None = Field(None, alias="scorecard.result")
    signed_at: datetime | None


class BatchSitePage(Schema):
    items: list[BatchSiteOut]
    next_cursor: str | None
    has_more: bool


@router.get("/spotcheck/batches/{batch_id}/sites", response={200: BatchSitePage, **COMMON}, tags=["抽查核查"],
            summary="一个抽查批次的抽中网站与结果（批次的组织单位）", operation_id="batch_sites",
            openapi_extra=links(GetSpotSite=("get_spotcheck_site", {"bsite_id": "$response.body#/items/0/id"}),
                                Review=("review_spotcheck", {"bsite_id": "$response.body#/items/0/id"})))
def batch_sites(request, response: HttpResponse, batch_id: int = Path(..., ge=1, le=MAX_ID),
                cursor: str = CURSOR, limit: int = LIMIT):
    services.require(request.auth, "spotcheck")
    _no_store(response)
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None or not spot_policy.is_batch_member(request.auth, batch):
        raise NotFound("抽查批次不存在或不在您的权限范围内")
    qs = BatchSite.objects.filter(batch=batch).select_related("website", "scorecard")
    return sync.by_id(qs, cursor=cursor, limit=limit)
