"""The public site directory (no token): approved sites in normal operation."""

from ninja import Field, Query, Router, Schema

from sitecensus.public import selectors as public_selectors

from . import sync
from .common import CURSOR, LIMIT, _clean
from .errors import ErrorOut

router = Router()


class PublicSite(Schema):
    id: int
    name: str
    homepage_url: str
    site_code: str
    unit: str = Field(..., alias="unit.name")


class PublicSitePage(Schema):
    items: list[PublicSite]
    next_cursor: str | None
    has_more: bool


@router.get("/public/sites", response={200: PublicSitePage, 400: ErrorOut, 422: ErrorOut}, auth=None, tags=["公开"],
            summary="政府网站目录（已核准且正常运行）", operation_id="sitecensus_api_api_public_sites")
def public_sites(request, q: str = Query("", max_length=100), cursor: str = CURSOR, limit: int = LIMIT):
    return sync.by_id(public_selectors.directory(_clean(q)), cursor=cursor, limit=limit)
