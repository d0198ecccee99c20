"""What a filed record is: its clean form values, its fields and columns, its
versions, and its identity (one homepage URL, one record, one code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F

from sitecensus.core.errors import Duplicate, InvalidInput
from sitecensus.orgs.models import Unit

from .. import siteclass
from ..formspec.spec import normalize_url
from ..models import Website, WebsiteColumn, WebsiteVersion

COLUMN_FIELDS = ("name", "url", "parent_name", "is_homepage", "column_class", "update_period", "remarks")
# The column form's field codes ↔ the stored column fields (the workbook, the online form, the checks).
COLUMN_CODES = {"column_name": "name", "column_url": "url", "parent_column": "parent_name",
                "is_homepage": "is_homepage", "column_class": "column_class", "update_period": "update_period",
                "remarks": "remarks"}


@dataclass
class Filing:
    """Clean form values (validated by the web form or the workbook parser)."""

    basic: dict
    columns: list[dict] = field(default_factory=list)


def site_fields(basic: dict) -> dict:
    return {
        "name": str(basic.get("site_name", "")).strip()[:100],
        "homepage_url": str(basic.get("homepage_url", "")).strip()[:500],
        "url_key": normalize_url(basic.get("homepage_url", "")),
        "site_class": basic.get("site_class") or "",
        "is_portal": bool(basic.get("is_portal")),
    }


def ordered_columns(columns: list[dict]) -> list[dict]:
    """Homepage columns first, the given order otherwise."""
    clean = [{k: c.get(k, "" if k != "is_homepage" else False) for k in COLUMN_FIELDS} for c in columns]
    return sorted(clean, key=lambda c: not c["is_homepage"])


def replace_columns(website: Website, columns: list[dict]) -> None:
    website.columns.all().delete()
    WebsiteColumn.objects.bulk_create(
        [WebsiteColumn(website=website, position=i, **{k: (c[k] if c[k] is not None else "") for k in COLUMN_FIELDS})
         for i, c in enumerate(columns, start=1)], batch_size=2000)


def columns_snapshot(website: Website) -> list[dict]:
    return [{k: getattr(c, k) for k in COLUMN_FIELDS} for c in website.columns.order_by("position")]


def _empty_is_empty(value):
    return None if value in (None, "", [], ()) else value


def same_data(a: dict, b: dict) -> bool:
    """Filed data compared as the clerk sees it: an empty cell, an empty text and
    an empty list are the same nothing (a workbook reads back None for all)."""
    return all(_empty_is_empty(a.get(k)) == _empty_is_empty(b.get(k)) for k in set(a) | set(b))


def is_unchanged(website: Website, filing: Filing, *, data: dict | None = None, columns: list | None = None) -> bool:
    """Does the filing say what the record (or the given version) already says?"""
    data = website.data if data is None else data
    columns = columns_snapshot(website) if columns is None else columns
    return same_data(filing.basic, data) and ordered_columns(filing.columns) == ordered_columns(columns)


def new_version(website: Website, *, actor, data: dict, columns: list[dict], source: str, note: str = ""):
    number = (WebsiteVersion.objects.filter(website=website).order_by("-number")
              .values_list("number", flat=True).first() or 0) + 1
    return WebsiteVersion.objects.create(website=website, number=number, data=data, columns=columns,
                                         source=source, note=note[:300], created_by=actor)


def registered_elsewhere(url_key: str, *, exclude_pk=None) -> Website | None:
    """Another open site (not closed, not merged) with the same normalised
    homepage URL: one site, one record, one code."""
    if not url_key:
        return None
    rest = url_key.split("://", 1)[-1]
    keys = [f"http://{rest}", f"https://{rest}"]  # the same site over http and https
    return (Website.objects.filter(url_key__in=keys).exclude(pk=exclude_pk)
            .exclude(life__in=[Website.Life.CLOSED, Website.Life.MERGED])
            .select_related("unit").order_by(F("site_code").asc(nulls_last=True), "id").first())


def clash_message(clash: Website) -> str:
    code = f"（网站标识码 {clash.site_code}）" if clash.site_code else f"（{clash.get_status_display()}）"
    return (f"首页网址已由“{clash.unit.name}”登记为“{clash.name}”{code}，同一网站只能登记一次、"
            f"只有一个网站标识码；如是同一网站，请由其主管单位办理")


def check_identity(unit: Unit, url_key: str, exclude_pk=None) -> None:
    if not url_key:
        return  # a draft without its homepage URL yet: nothing to compare
    clash = Website.objects.filter(unit=unit, url_key=url_key).exclude(pk=exclude_pk).first()
    if clash is not None:
        raise Duplicate(f"本单位已登记首页网址相同的网站“{clash.name}”", field="homepage_url")
    clash = registered_elsewhere(url_key, exclude_pk=exclude_pk)
    if clash is not None and clash.site_code:
        raise Duplicate(clash_message(clash), field="homepage_url")


def check_site_class(unit: Unit, site_class: str | None) -> None:
    """The class must fit the unit's tier (a State Council department's site is never a local class)."""
    problem = siteclass.problem(unit, site_class)
    if problem:
        raise InvalidInput(problem, field="site_class")


def active_websites():
    """Sites that take part in later phases: closed and merged ones drop out."""
    return Website.objects.filter(site_code__isnull=False).exclude(
        life__in=[Website.Life.CLOSED, Website.Life.MERGED])
