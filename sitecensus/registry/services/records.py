"""What a filed record is: its clean form values, its fields and columns, its
versions, and its identity (one homepage URL, one record, one code)."""

from __future__ import annotations

from dataclasses import dataclass, field

import hashlib

from django.db import connection
from django.db.models import Q

from sitecensus.core.errors import Duplicate, InvalidInput
from sitecensus.orgs.models import Unit

from .. import siteclass
from ..formspec.spec import homepage_key, identity_keys, normalize_url, www_twin
from ..models import GONE_LIVES, Website, WebsiteColumn, WebsiteDomain, WebsiteVersion

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
    # Its identity keys when already computed (a workbook row's, by the parser; identity_keys'
    # form): the writes take them instead of computing them again.
    keys: dict | None = None


def site_fields(basic: dict, keys: dict | None = None) -> dict:
    return {
        "name": str(basic.get("site_name", "")).strip()[:100],
        "homepage_url": str(basic.get("homepage_url", "")).strip()[:500],
        "url_key": normalize_url(basic.get("homepage_url", "")) if keys is None else homepage_key(keys),
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


CLOSED = list(GONE_LIVES)  # the one rule: Website.objects.open() / .closed()
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


def _lock_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"site:{key}".encode(), digest_size=8).digest(), "big", signed=True)


def hold_keys(keys) -> None:
    """Hold the identity keys from the check to the write: a transaction-scoped
    PostgreSQL advisory lock per key, taken in one order (no deadlock between two
    writers of overlapping keys). A second writer of the same key waits here until
    the first commits, then its check sees the first one's record. SQLite runs one
    writer at a time and needs none. Call inside the writing transaction."""
    ids = sorted({_lock_id(k) for k in keys if k})
    if not ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1) s",
                       [ids])


def find_clash(values: dict, *, exclude_pk=None, lock: bool = False, keys: dict | None = None) -> Clash | None:
    """The one rule of "one site, one code", for every path (online save, web check,
    dry run, commit, change, migration, final approval, the reviewer's page): another
    open site (not closed, not merged) known by the filing's homepage URL or by any of
    its other domains — as its homepage URL or as one of its other domains, in any
    spelling of them (formspec.identity.site_key). A coded site is named first. Two
    indexed look-ups: the homepage URLs (Website.url_key) and the table of every site's
    keys (WebsiteDomain). ``lock`` holds the keys (``hold_keys``) first, so two writers
    of one site never both pass. ``keys``: the filing's identity keys when already computed (a
    workbook row's, from the parser)."""
    keys = identity_keys(values) if keys is None else keys
    if not keys:
        return None
    if lock:
        hold_keys(keys)
    return find_clashes([(keys, exclude_pk)])[0]


def find_clashes(filings: list[tuple[dict, int | None]]) -> list[Clash | None]:
    """``find_clash`` for many filings at once — each given as (its identity keys, the pk of its
    own record or None) — in the same two indexed look-ups whatever their number (a dry run's or
    a confirm's rows): the same rule, and the same clash named for each."""
    wanted = {key for keys, _exclude in filings for key in keys}
    if not wanted:
        return [None] * len(filings)
    homes: dict[str, list[Website]] = {}
    for site in Website.objects.filter(OPEN, url_key__in=[f"http://{key}" for key in wanted]).select_related("unit"):
        homes.setdefault(site.url_key.split("://", 1)[-1], []).append(site)
    domains: dict[str, list[WebsiteDomain]] = {}
    for row in (WebsiteDomain.objects.filter(key__in=list(wanted)).exclude(website__life__in=CLOSED)
                .select_related("website__unit").order_by("field", "pk")):
        domains.setdefault(row.key, []).append(row)
    found_all = []
    for keys, exclude_pk in filings:
        found: dict[int, Clash] = {}
        for key in keys:
            for site in homes.get(key, ()):
                if site.pk != exclude_pk:
                    field, value = keys[key]
                    found.setdefault(site.pk, Clash(site, field, value, "homepage_url"))
        rows = sorted((row for key in keys for row in domains.get(key, ()) if row.website_id != exclude_pk),
                      key=lambda row: (row.field, row.pk))
        for row in rows:
            field, value = keys[row.key]
            found.setdefault(row.website_id, Clash(row.website, field, value, row.field))
        found_all.append(min(found.values(), key=lambda c: (c.site.site_code is None, c.field != "homepage_url",
                                                            c.site.pk)) if found else None)
    return found_all


@dataclass
class Twin:
    """Another open site whose key differs from one of the filing's only by ``www.``:
    possibly the same site — shown to the clerk and the reviewer, never refused."""

    site: Website
    value: str  # the filing's spelling
    theirs: str  # the other site's homepage URL

    @property
    def message(self) -> str:
        code = f"网站标识码 {self.site.site_code}" if self.site.site_code else self.site.get_status_display()
        return (f"可能重复：“{self.value}”与“{self.site.unit.name}”登记的“{self.site.name}”（{self.theirs}，{code}）"
                f"只差“www.”，请核实是否为同一网站")


def possible_duplicates(values: dict, *, exclude_pk=None) -> list[Twin]:
    """Open sites known by a key that is one of the filing's keys with ``www.``
    added or removed (one indexed look-up of the domain table)."""
    keys = identity_keys(values)
    twins = {}
    for key, (_field, value) in keys.items():
        twin = www_twin(key)
        if twin and twin not in keys:
            twins[twin] = value
    if not twins:
        return []
    found: dict[int, Twin] = {}
    for row in (WebsiteDomain.objects.filter(key__in=list(twins)).exclude(website_id=exclude_pk)
                .exclude(website__life__in=CLOSED).select_related("website__unit").order_by("pk")):
        found.setdefault(row.website_id, Twin(row.website, twins[row.key], row.website.homepage_url))
    return list(found.values())


def identity_of(website: Website, version: WebsiteVersion | None = None) -> dict:
    """The values a site is known by once `version` (pending) is approved: a change's
    data, a migration's new homepage URL, else the record as it is."""
    values = {**(website.data or {}), "homepage_url": website.homepage_url}
    if version is not None and version.source != "life":
        return version.data
    if version is not None and version.data.get("new_url"):
        return {**values, "homepage_url": version.data["new_url"]}
    return values


def sync_domains(website: Website, keys: dict | None = None) -> None:
    """Keep the site's keys (homepage URL, other domains) in the lookup table (``keys``: the
    saved filing's, when already computed)."""
    if keys is None:
        keys = identity_keys({**(website.data or {}), "homepage_url": website.homepage_url})
    website.domains.all().delete()
    WebsiteDomain.objects.bulk_create([WebsiteDomain(website=website, key=key[:500], field=field)
                                       for key, (field, _value) in keys.items()])


def check_identity(unit: Unit, values: dict, exclude_pk=None, keys: dict | None = None) -> None:
    """Refuse a second record of a site, whatever the status of the first: the unit's
    own record of the same homepage, or any other open site (draft, in review,
    returned or approved) known by one of the filing's keys, in any spelling. The keys
    are held (``hold_keys``) until the caller's transaction ends, so of two writers of
    one site at once exactly one saves and the other is told which record has it."""
    keys = identity_keys(values) if keys is None else keys
    hold_keys(keys)
    url_key = homepage_key(keys) if values.get("homepage_url") else ""
    if url_key:
        same = Website.objects.filter(unit=unit, url_key=url_key).exclude(pk=exclude_pk).first()
        if same is not None:
            state = f"网站标识码 {same.site_code}" if same.site_code else same.get_status_display()
            raise Duplicate(f"首页网址“{values.get('homepage_url')}”：本单位已登记首页网址相同的网站“{same.name}”"
                            f"（{state}），同一网站只登记一次", field="homepage_url")
    clash = find_clash(values, exclude_pk=exclude_pk, keys=keys)
    if clash is not None:
        raise Duplicate(clash.message, field=clash.field)


FIRST_STATUSES = ("正常运行", "例外")


def check_first_status(values: dict) -> None:
    """A record without a code starts 正常运行 or 例外; 关停, 整合 and 迁移 are life changes of
    a coded site (reviewed, the code kept), never a field typed into a first filing."""
    status = values.get("running_status")
    if status and status not in FIRST_STATUSES:
        raise InvalidInput(f"尚未获得网站标识码的网站，运行状态只能填“正常运行”或“例外”，不能填“{status}”；"
                           f"已停用的网站无需报送，已有标识码的网站请申请运行状态变更", field="running_status")


def check_site_class(unit: Unit, site_class: str | None) -> None:
    """The class must fit the unit's tier (a State Council department's site is never a local class)."""
    problem = siteclass.problem(unit, site_class)
    if problem:
        raise InvalidInput(problem, field="site_class")


def active_websites():
    """Sites that take part in later phases: closed and merged ones drop out."""
    return Website.objects.open().filter(site_code__isnull=False)
