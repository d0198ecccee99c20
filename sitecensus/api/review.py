"""Review of websites up the chain: approve, return with a reason, undo one's own approval, and in bulk."""

from ninja import Field, Path, Router, Schema, Status

from sitecensus.registry import policy as registry_policy
from sitecensus.registry import services as registry_services

from . import census, services
from .common import MAX_ID, WRITE, ReturnIn, links, token_auth
from .idempotency import idempotent
from .sites import SiteOut, _site_json

router = Router(auth=token_auth)


class BulkIn(Schema):
    action: str = Field(..., pattern="^(approve|return)$")
    ids: list[census.json_int(ge=1, le=MAX_ID)] = Field(..., min_length=1, max_length=200)
    reason: str = Field("", max_length=500)


class BulkOut(Schema):
    done: list[int]
    refused: list[dict]


def _review_step(request, site_id: int, step, **details):
    """One site's review step (approve, return, undo): the token may write the registry, the site is in
    the caller's scope, the registry's service takes the step; the site as it now is."""
    services.require(request.auth, "registry", "write")
    website = registry_policy.get_visible_website(request.auth, site_id)
    return Status(200, _site_json(step(actor=request.auth, website=website, request=request, **details)))


@router.post("/sites/{site_id}/approve", response={200: SiteOut, **WRITE}, tags=["审核"],
             summary="审核通过（逐级）", operation_id="approve_site",
             openapi_extra=links(UndoSite=("undo_site", {"site_id": "$response.body#/id"})))
@idempotent
def site_approve(request, site_id: int = Path(..., ge=1, le=MAX_ID)):
    return _review_step(request, site_id, registry_services.approve)


@router.post("/sites/{site_id}/return", response={200: SiteOut, **WRITE}, tags=["审核"],
             summary="退回并说明原因", operation_id="return_site")
@idempotent
def site_return(request, payload: ReturnIn, site_id: int = Path(..., ge=1, le=MAX_ID)):
    return _review_step(request, site_id, registry_services.return_record, reason=payload.reason)


@router.post("/sites/{site_id}/undo", response={200: SiteOut, **WRITE}, tags=["审核"],
             summary="撤销本级的审核通过（上级尚未处理时）", operation_id="undo_site")
@idempotent
def site_undo(request, site_id: int = Path(..., ge=1, le=MAX_ID)):
    return _review_step(request, site_id, registry_services.undo_approval)


@router.post("/review/bulk", response={200: BulkOut, **WRITE}, tags=["审核"],
             summary="批量通过或退回（逐条成功或拒绝）", operation_id="sitecensus_api_api_review_bulk")
@idempotent
def review_bulk(request, payload: BulkIn):
    services.require(request.auth, "registry", "write")
    websites = list(registry_policy.visible_websites(request.auth).filter(pk__in=payload.ids).order_by("id"))
    result = registry_services.bulk(actor=request.auth, websites=websites, action=payload.action,
                                    reason=payload.reason, request=request)
    found = {w.pk for w in websites}
    refused = [{"id": w.pk, "detail": msg} for w, msg in result.refused]
    refused += [{"id": pk, "detail": "网站不存在或不在您的权限范围内"} for pk in payload.ids if pk not in found]
    return Status(200, {"done": [w.pk for w in result.done], "refused": refused})
