"""What a filed record is: its clean form values, its fields and columns, its
versions, and its identity (one homepage URL, one record, one code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from sitecensus.core.errors import Duplicate, InvalidInput
from sitecensus.orgs.models import Unit

from .. import siteclass
from ..formspec.spec import identity_keys, normalize_url
from ..models import Website, WebsiteColumn, WebsiteDomain, WebsiteVersion

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


CLOSED = [Website.Life.CLOSED, Website.Life.MERGED]
OPEN = ~Q(life__in=CLOSED)
FIELD_LABELS = {"homepage_url": "首页网址", "other_domains": "其他域名"}


@dataclass
class Clash:
    """Another open site already registered under one of a filing's keys."""

    site: Website
    field: str  # the filing's field that clashes: homepage_url or other_domains
    value: str  # as the filing has it
    theirs: str  # where the other site has it: homepage_url or other_domains

    @property
    def message(self) -> str:
        code = (f"（网站标识码 {self.site.site_code}）" if self.site.site_code
                else f"（{self.site.get_status_display()}）")
        return (f"{FIELD_LABELS[self.field]}“{self.value}”已由“{self.site.unit.name}”登记为“{self.site.name}”的"
                f"{FIELD_LABELS[self.theirs]}{code}，同一网站只能登记一次、只有一个网站标识码；"
                f"如是同一网站，请由其主管单位办理")


def find_clash(values: dict, *, exclude_pk=None, lock: bool = False) -> Clash | None:
    """The one rule of "one site, one code", for every path (online save, web check,
    dry run, commit, change, final approval, the reviewer's page): another open
    site (not closed, not merged) known by the filing's homepage URL or by any of
    its other domains — as its homepage URL or as one of its other domains,
    http and https alike. A coded site is named first. Two indexed look-ups: the
    homepage URLs (Website.url_key) and the table of every site's keys
    (WebsiteDomain). ``lock`` takes the rows of those keys first (final approval),
    so two approvals of one domain never both pass."""
    keys = identity_keys(values)
    if not keys:
        return None
    if lock:
        list(WebsiteDomain.objects.select_for_update().filter(key__in=list(keys)).order_by("pk")
             .values_list("pk", flat=True))
    found: dict[int, Clash] = {}
    homepages = [f"{scheme}://{key}" for key in keys for scheme in ("http", "https")]
    for site in (Website.objects.filter(OPEN, url_key__in=homepages).exclude(pk=exclude_pk)
                 .select_related("unit")):
        field, value = keys[site.url_key.split("://", 1)[-1]]
        found.setdefault(site.pk, Clash(site, field, value, "homepage_url"))
    for row in (WebsiteDomain.objects.filter(key__in=list(keys)).exclude(website_id=exclude_pk)
                .exclude(website__life__in=CLOSED).select_related("website__unit")
                .order_by("field", "pk")):
        field, value = keys[row.key]
        found.setdefault(row.website_id, Clash(row.website, field, value, row.field))
    if not found:
        return None
    return min(found.values(), key=lambda c: (c.site.site_code is None, c.field != "homepage_url", c.site.pk))


def identity_of(website: Website, version: WebsiteVersion | None = None) -> dict:
    """The values a site is known by once `version` (pending) is approved: a change's
    data, a migration's new homepage URL, else the record as it is."""
    values = {**(website.data or {}), "homepage_url": website.homepage_url}
    if version is not None and version.source != "life":
        return version.data
    if version is not None and version.data.get("new_url"):
        return {**values, "homepage_url": version.data["new_url"]}
    return values


def sync_domains(website: Website) -> None:
    """Keep the site's keys (homepage URL, other domains) in the lookup table."""
    keys = identity_keys({**(website.data or {}), "homepage_url": website.homepage_url})
    website.domains.all().delete()
    WebsiteDomain.objects.bulk_create([WebsiteDomain(website=website, key=key[:500], field=field)
                                       for key, (field, _value) in keys.items()])


def check_identity(unit: Unit, values: dict, exclude_pk=None) -> Clash | None:
    """Refuse a second record of a site: the unit's own record of the same
    homepage URL, or any other open site with a code known by one of the
    filing's keys. A clash with a site not yet coded is returned (the clerk is
    warned, every reviewer sees it, and final approval refuses the second code)."""
    url_key = normalize_url(values.get("homepage_url", ""))
    if url_key:
        same = Website.objects.filter(unit=unit, url_key=url_key).exclude(pk=exclude_pk).first()
        if same is not None:
            raise Duplicate(f"本单位已登记首页网址相同的网站“{same.name}”", field="homepage_url")
    clash = find_clash(values, exclude_pk=exclude_pk)
    if clash is not None and clash.site.site_code:
        raise Duplicate(clash.message, field=clash.field)
    return clash


def check_site_class(unit: Unit, site_class: str | None) -> None:
    """The class must fit the unit's tier (a State Council department's site is never a local class)."""
    problem = siteclass.problem(unit, site_class)
    if problem:
        raise InvalidInput(problem, field="site_class")


def active_websites():
    """Sites that take part in later phases: closed and merged ones drop out."""
    return Website.objects.filter(site_code__isnull=False).exclude(
        life__in=[Website.Life.CLOSED, Website.Life.MERGED])
