"""Discovery's writes: candidates named by the sources (the scanner's stored readings, DNS guesses,
imported lists), their homepages read and attributed, registered sites silent for six months, and the
organizing unit's decisions. Every pass works in chunks of CHUNK rows (bounded memory on a national
scan); decisions fire the declared lifecycle (models.Candidate) and are audited."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.inbox.models import Message
from sitecensus.inbox.services import notify_after_commit
from sitecensus.orgs.models import Unit
from sitecensus.registry import policy as registry_policy
from sitecensus.registry.models import Website, WebsiteDomain
from sitecensus.registry.services import Filing, active_websites, do_request_change
from sitecensus.registry.services.records import columns_snapshot
from sitecensus.scanner.engine import discover
from sitecensus.scanner.engine.extract import registrable
from sitecensus.scanner.models import Probe, SiteScan
from sitecensus.scanner.services import engine_config

from . import policy
from .models import Candidate, Source
from sitecensus.scanner.engine import aio

DATA = Path(__file__).resolve().parent / "data"
CHUNK = 500          # rows read per pass step (scans, candidates read at once)
NAMED_CHUNK = 2000   # named hosts written per transaction


def _data(name: str) -> dict:
    return json.loads((DATA / name).read_text("utf-8"))


@lru_cache(maxsize=1)
def government_domains() -> discover.GovDomains:
    """The government-domain filter: data/government_domains.json (suffixes, listed hosts, exclusions)."""
    return discover.GovDomains.from_data(_data("government_domains.json"))


def host_names() -> list[str]:
    return list(getattr(settings, "DISCOVERY_HOST_NAMES", None) or _data("host_names.json")["names"])


def province_labels() -> dict[str, str]:
    return _data("province_domains.json")["labels"]


def _chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def registered_among(keys: Iterable[str]) -> set[str]:
    """Which host keys are a registered site's homepage or other domain (one indexed look-up per chunk)."""
    keys = list(keys)
    found = set(WebsiteDomain.objects.filter(key__in=keys).values_list("key", flat=True))
    found |= {u[len("http://"):] for u in Website.objects.filter(
        url_key__in=[f"http://{k}" for k in keys]).values_list("url_key", flat=True)}
    return found


# ---------------------------------------------------------------- the queue: candidates and their sources

def record_named(named: Iterable[discover.Named], *, imported_by: Unit | None = None, now=None) -> dict:
    """Candidates for what the sources named (never a registered host, never a non-government one),
    each source kept once with when it first and last named it. Chunked: bounded memory; each chunk two
    set-based upserts (`_upsert_candidates`, `_upsert_sources`), no model object per row."""
    now = now or timezone.now()
    gov = government_domains()
    made = seen = 0
    for chunk in _chunks(named, NAMED_CHUNK):
        chunk = [n for n in chunk if n.key and gov.host_is_government(n.key)]
        registered = registered_among({n.key for n in chunk})
        chunk = [n for n in chunk if n.key not in registered]
        if not chunk:
            continue
        urls: dict[str, str] = {}
        for n in chunk:
            urls.setdefault(n.key[:300], n.url[:500])
        with transaction.atomic():
            ids, new = _upsert_candidates(urls, now)
            made += new
            wanted = sorted({(ids[n.key[:300]], n.source, n.detail[:500]) for n in chunk})
            _upsert_sources(wanted, now, imported_by.pk if imported_by else None)
            seen += len(wanted)
    return {"new": made, "named": seen}


def _upsert_candidates(urls: dict[str, str], now) -> tuple[dict[str, int], int]:
    """One statement: a 未登记网站 candidate per key, made if missing (待处理, first seen now), its last
    seen moved to now if present. Returns key → id and how many were made. PostgreSQL: INSERT … SELECT
    FROM unnest … ON CONFLICT (kind, key) DO UPDATE … RETURNING (a row is new when its xmax is 0);
    SQLite: the same upsert row by row in one executemany, the made counted before it."""
    table, kind = Candidate._meta.db_table, Candidate.Kind.NEW
    keys = sorted(urls)  # one order for every writer: no deadlock between two chunks upserting the same keys
    stamp = Candidate._meta.get_field("last_seen").get_db_prep_value(now, connection)
    columns = ("(kind, key, url, status, attribution, attribution_reason, evidence, evidence_digest, decided_digest,"
               " note, first_seen, last_seen)")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} {columns} SELECT %s, k, u, %s, '', '', '{{}}'::jsonb, '', '', '', %s, %s "
                "FROM unnest(%s::varchar[], %s::varchar[]) AS t(k, u) "
                "ON CONFLICT (kind, key) DO UPDATE SET last_seen = EXCLUDED.last_seen "
                "RETURNING id, key, (xmax = 0)",
                [kind, Candidate.Status.PROPOSED, stamp, stamp, keys, [urls[k] for k in keys]])
            rows = cursor.fetchall()
            return {key: pk for pk, key, _new in rows}, sum(1 for *_r, new in rows if new)
        known = Candidate.objects.filter(kind=kind, key__in=keys).count()
        cursor.executemany(
            f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s, '', '', '{{}}', '', '', '', %s, %s) "
            "ON CONFLICT (kind, key) DO UPDATE SET last_seen = excluded.last_seen",
            [(kind, k, urls[k], Candidate.Status.PROPOSED, stamp, stamp) for k in keys])
    ids = dict(Candidate.objects.filter(kind=kind, key__in=keys).values_list("key", "pk"))
    return ids, len(ids) - known


def _upsert_sources(wanted: list[tuple[int, str, str]], now, imported_by_id: int | None) -> None:
    """One statement: each (candidate, source, detail) kept once — first seen when first named (never
    moved), last seen now."""
    table = Source._meta.db_table
    stamp = Source._meta.get_field("last_seen").get_db_prep_value(now, connection)
    columns = "(candidate_id, kind, detail, first_seen, last_seen, imported_by_id)"
    conflict = "ON CONFLICT (candidate_id, kind, detail) DO UPDATE SET last_seen = excluded.last_seen"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} {columns} SELECT c, k, d, %s, %s, %s "
                f"FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[]) AS t(c, k, d) {conflict}",
                [stamp, stamp, imported_by_id, [w[0] for w in wanted], [w[1] for w in wanted],
                 [w[2] for w in wanted]])
        else:
            cursor.executemany(f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s, %s, %s) {conflict}",
                               [(c, k, d, stamp, stamp, imported_by_id) for c, k, d in wanted])


def harvest_scans(*, since=None, progress=None) -> dict:
    """Candidates from the scanner's stored readings since `since` (default: DISCOVERY_SCAN_WINDOW_DAYS):
    each homepage's outbound links and redirect targets on government hosts."""
    since = since or timezone.now() - timedelta(days=getattr(settings, "DISCOVERY_SCAN_WINDOW_DAYS", 31))
    gov = government_domains()
    scans = SiteScan.objects.filter(at__gte=since)
    total, done, last = scans.count(), 0, 0
    counts = Counter()
    while True:
        rows = list(scans.filter(pk__gt=last).order_by("pk").values_list("pk", "summary__homepage")[:CHUNK * 4])
        if not rows:
            break
        last = rows[-1][0]
        named = [n for _pk, home in rows if isinstance(home, dict)
                 for n in discover.harvest(home, gov, registered=lambda key: False)]
        counts.update(record_named(named))
        done += len(rows)
        if progress:
            progress(done, total, f"已读取 {done} / {total} 次扫描的外链和跳转")
    return {"scans": done, **counts}


def _resolver():
    host_map = discover.host_map_resolver(dict(settings.SCANNER_HOST_MAP))
    if getattr(settings, "DISCOVERY_SYSTEM_DNS", True):
        return discover.system_resolver(host_map)
    return host_map


def registered_domains() -> dict[str, str]:
    """The registrable government domains of the registered sites → the port their homepages use
    (":8080", usually ""): a guessed host is read as its domain's sites are served."""
    gov, found = government_domains(), {}
    for url in active_websites().order_by().values_list("homepage_url", flat=True).iterator(chunk_size=2000):
        key = discover.host_key(url)
        host, _, port = key.partition(":") if not key.startswith("[") else (key, "", "")
        domain = registrable(host)
        if domain and domain not in found and gov.host_is_government(host):
            found[domain] = f":{port}" if port else ""
    return found


def guess_dns(*, resolver=None, progress=None) -> dict:
    """Candidates from DNS: the common host names (data/host_names.json) under each registered domain that
    resolve (the resolver: the scanner's host map, then the system's unless DISCOVERY_SYSTEM_DNS is off)."""
    resolver = resolver or _resolver()
    names = host_names()
    domains = registered_domains()
    found: list[discover.Named] = []

    async def run():
        async for host, addrs in discover.guess_hosts(domains, names, resolver,
                                                      concurrency=getattr(settings, "DISCOVERY_DNS_CONCURRENCY", 64)):
            key = discover.host_key(host + domains[registrable(host)])
            found.append(discover.Named(key, f"http://{key}/", Source.Kind.DNS,
                                        f"{host.split('.', 1)[0]} 解析到 {', '.join(addrs[:3])}"))
    aio.run(run())
    counts = record_named(found)
    if progress:
        progress(len(domains), len(domains), f"已猜测 {len(domains)} 个域名下的常用主机名")
    return {"domains": len(domains), "resolved": len(found), **counts}


# ---------------------------------------------------------------- reading and attribution

def build_index() -> discover.Index:
    """Attribution's look-up tables from the registry: codes → sites, unit names → units (a name two
    units share matches neither), scanned ICP numbers → units, domains → the organizing unit most of
    their registered sites report to, province host labels → province codes."""
    sites = {code: f"s:{pk}" for pk, code in Website.objects.filter(site_code__isnull=False)
             .values_list("pk", "site_code").iterator(chunk_size=5000)}
    units, twice = {}, set()
    for pk, name in Unit.objects.filter(closed_at__isnull=True).values_list("pk", "name").iterator(chunk_size=5000):
        if name in units:
            twice.add(name)
        units[name] = f"u:{pk}"
    for name in twice:
        units.pop(name, None)
    icps: dict[str, set] = {}
    for icp, unit_id in SiteScan.objects.exclude(icp="").values_list("icp", "website__unit_id").distinct():
        icps.setdefault(icp, set()).add(f"u:{unit_id}")
    owners: dict[str, Counter] = {}
    for url, organizer in active_websites().values_list("homepage_url", "organizer_id").iterator(chunk_size=5000):
        domain = registrable(discover.host_key(url).rsplit(":", 1)[0])
        if domain and organizer:
            owners.setdefault(domain, Counter())[organizer] += 1
    domains = {d: f"u:{c.most_common(1)[0][0]}" for d, c in owners.items()}
    return discover.Index(sites=sites, units=units, icps={k: sorted(v) for k, v in icps.items()},
                          domains=domains, provinces=province_labels())


def _organizing_unit(unit: Unit) -> Unit:
    return unit if unit.is_organizer else (Unit.objects.filter(path=unit.parent_path).first() or unit)


def national_office() -> Unit | None:
    return Unit.objects.filter(kind=Unit.Kind.NATIONAL_OFFICE, depth=1).first() or Unit.objects.filter(depth=1).first()


def province_office(code: str) -> Unit | None:
    return Unit.objects.filter(kind=Unit.Kind.PROVINCIAL_OFFICE, division__province_code=code,
                               closed_at__isnull=True).order_by("path").first()


def _apply(candidate: Candidate, reading: discover.Reading, found: discover.Attribution, now) -> None:
    site = unit = None
    organizer = None
    if found.kind == "site":
        site = Website.objects.select_related("organizer", "unit").filter(pk=int(found.ref[2:])).first()
        organizer, unit = (site.organizer, site.unit) if site else (None, None)
    elif found.kind in ("unit", "domain"):
        unit = Unit.objects.filter(pk=int(found.ref[2:])).first()
        organizer = _organizing_unit(unit) if unit else None
        if found.kind == "domain":
            unit = None
    elif found.kind == "province":
        organizer = province_office(found.ref)
    candidate.site, candidate.unit = site, unit
    candidate.organizer = organizer or national_office()
    candidate.attribution, candidate.attribution_reason = found.kind, found.reason[:300]
    candidate.evidence = reading.to_dict() | {"excerpt": found.excerpt[:200]}
    candidate.evidence_digest, candidate.read_at = reading.digest(), now


def read_and_attribute(*, progress=None, config=None) -> dict:
    """Read the homepages of candidates named since their last reading (new ones included) with the
    scanner's fetcher and attribute them. A decided candidate whose evidence digest changed is proposed
    again (audited); one whose evidence is the same stays decided: nothing decided is proposed twice."""
    config = config or engine_config(check_links=False, check_https=False, render=False)
    index = build_index()
    todo = Candidate.objects.filter(kind=Candidate.Kind.NEW).filter(
        Q(read_at__isnull=True) | Q(last_seen__gt=F("read_at")))
    total, done, last = todo.count(), 0, 0
    counts = Counter()
    while True:
        chunk = list(todo.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not chunk:
            break
        last = chunk[-1].pk

        async def read(urls):
            return [r async for r in discover.read_homepages(urls, config)]
        readings = {r.url: r for r in aio.run(read([c.url for c in chunk]))}
        now = timezone.now()
        with transaction.atomic():
            for candidate in chunk:
                reading = readings.get(candidate.url) or discover.Reading(url=candidate.url)
                found = discover.attribute(reading, index)
                _apply(candidate, reading, found, now)
                counts[found.kind] += 1
                if candidate.status in Candidate.DECIDED and candidate.evidence_digest != candidate.decided_digest:
                    lifecycle.fire(candidate, "reopen", audit_obj=candidate, key=candidate.key,
                                   before=candidate.decided_digest, after=candidate.evidence_digest)
                    counts["reopened"] += 1
                candidate.save()
        done += len(chunk)
        if progress:
            progress(done, total, f"已读取并归属 {done} / {total} 个候选网站")
    return {"read": done, **counts}


# ---------------------------------------------------------------- silent registered sites

def propose_closures(*, now=None) -> dict:
    """Registered sites that neither a probe nor a scan reached for DISCOVERY_SILENT_DAYS (six months:
    no DNS, no answer) though tried since: proposed for closure review to their organizing unit."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=getattr(settings, "DISCOVERY_SILENT_DAYS", 183))

    def tried(model, **kw):
        return Exists(model.objects.filter(website=OuterRef("pk"), **kw))
    silent = active_websites().filter(life=Website.Life.OPEN).annotate(
        ok_p=tried(Probe, success=True, at__gte=cutoff), ok_s=tried(SiteScan, reachable=True, at__gte=cutoff),
        old_p=tried(Probe, at__lte=cutoff), old_s=tried(SiteScan, at__lte=cutoff),
        new_p=tried(Probe, at__gt=cutoff), new_s=tried(SiteScan, at__gt=cutoff),
    ).filter(ok_p=False, ok_s=False).filter(Q(old_p=True) | Q(old_s=True)).filter(Q(new_p=True) | Q(new_s=True))
    counts = Counter()
    for chunk in _chunks(silent.select_related("organizer").order_by("pk").iterator(chunk_size=CHUNK)):
        with transaction.atomic():
            for site in chunk:
                last_ok = max([t for t in (
                    Probe.objects.filter(website=site, success=True).order_by("-at").values_list("at", flat=True).first(),
                    SiteScan.objects.filter(website=site, reachable=True).order_by("-at").values_list("at", flat=True)
                    .first()) if t], default=None)
                last_try = Probe.objects.filter(website=site).order_by("-at").values_list("error", flat=True).first()
                evidence = {"url": site.homepage_url, "last_ok": last_ok.isoformat() if last_ok else None,
                            "last_error": last_try or "", "since": cutoff.date().isoformat()}
                digest = discover.Reading(url=site.homepage_url, title=evidence["last_ok"] or "").digest()
                candidate, created = Candidate.objects.get_or_create(
                    kind=Candidate.Kind.SILENT, key=f"site:{site.pk}",
                    defaults=dict(url=site.homepage_url[:500], site=site, organizer=site.organizer, last_seen=now,
                                  attribution="site", attribution_reason="扫描历史：半年内探测和扫描均无应答"))
                candidate.evidence, candidate.evidence_digest, candidate.read_at = evidence, digest, now
                if candidate.status in Candidate.DECIDED and digest != candidate.decided_digest:
                    lifecycle.fire(candidate, "reopen", key=candidate.key)
                candidate.last_seen = now
                candidate.save()
                Source.objects.update_or_create(candidate=candidate, kind=Source.Kind.HISTORY, detail="探测与扫描历史",
                                                defaults={"last_seen": now}, create_defaults={"first_seen": now,
                                                                                              "last_seen": now})
                counts["new" if created else "seen"] += 1
    return dict(counts)


# ---------------------------------------------------------------- the whole pass (a background job)

def run_discovery(*, actor=None, progress=None) -> dict:
    """Harvest the scans, guess host names, read and attribute, propose silent sites: one job."""
    def stage(name):
        return (lambda done, total, message: progress(done, total, f"{name}：{message}")) if progress else None
    result = {"harvest": harvest_scans(progress=stage("外链与跳转")), "dns": guess_dns(progress=stage("主机名猜测")),
              "read": read_and_attribute(progress=stage("读取首页")), "silent": propose_closures()}
    record("discovery_run", actor=actor, **{k: dict(v) for k, v in result.items()})
    return result


# ---------------------------------------------------------------- decisions

DECISIONS = {
    "registered": "link_registered", "to_report": "require_report", "not_government": "not_government",
    "counterfeit": "counterfeit", "closure_review": "refer_closure", "still_running": "still_running",
}


@transaction.atomic
def decide(*, actor, candidate: Candidate, decision: str, site_code: str = "", note: str = "",
           request=None) -> Candidate:
    """The organizing unit's decision, through the declared lifecycle (audited). 已登记 links the address
    to a registered site (the proposed one, or the code typed); 需报送 reminds the unit by inbox."""
    candidate = (Candidate.objects.select_for_update(of=("self",)).select_related("organizer", "site", "unit")
                 .get(pk=candidate.pk))
    policy.check_decide(actor, candidate)
    if decision not in DECISIONS:
        raise InvalidInput("请选择处理结果（已登记、需报送、非政府网站、假冒/仿冒）", field="decision")
    site_code = (site_code or "").strip()
    if decision == "registered" and site_code:
        site = registry_policy.visible_websites(actor).filter(site_code=site_code).first()
        if site is None:
            raise InvalidInput(f"网站标识码“{site_code}”不存在或不在您的权限范围内", field="site_code")
        candidate.site = site
    note = (note or "").strip()[:300]
    lifecycle.fire(candidate, DECISIONS[decision], actor=actor, request=request, key=candidate.key,
                   site=candidate.site.site_code if candidate.site else "", note=note)
    candidate.decided_by, candidate.decided_at, candidate.note = actor, timezone.now(), note
    candidate.decided_digest = candidate.evidence_digest
    if decision == "registered":
        candidate.change_version = _add_other_domain(actor, candidate, note, request)
    candidate.save()
    if decision == "to_report":
        unit = candidate.unit or candidate.organizer
        notify_after_commit(
            units=[unit], kind=Message.Kind.DISCOVERY_REPORT, sender=actor, link=reverse("registry:site_new"),
            title="发现未报送的政府网站，请尽快报送",
            body=f"{{unit}}：普查发现网站 {candidate.url} 尚未报送（{candidate.attribution_reason}）。"
                 "请登录全国政府网站信息报送系统填报该网站的基本信息表；如不属于贵单位，请联系组织单位。")
    return candidate


def _add_other_domain(actor, candidate: Candidate, note: str, request) -> int | None:
    """已登记 with a host the site has not filed: a change request adding it to the site's 其他域名,
    reviewed level by level like any change (registry.services.request_change); its version number.
    None when the host is already one of the site's keys. The decider's right is discovery's
    (policy.check_decide): the request is filed on the organizing unit's behalf."""
    site = candidate.site
    if WebsiteDomain.objects.filter(website=site, key=candidate.key).exists():
        return None
    basic = dict(site.data or {})
    basic.setdefault("site_name", site.name)
    basic.setdefault("homepage_url", site.homepage_url)
    others = basic.get("other_domains") or []
    if isinstance(others, str):
        others = [others]
    basic["other_domains"] = [*others, candidate.key]
    where = f"网站“{site.name}”（网站标识码 {site.site_code or '—'}）"
    if not site.is_approved:
        raise InvalidState(f"{where}有待审核的登记或变更，须待其审核后再将 {candidate.key} 作为其他域名登记")
    try:
        site = do_request_change(actor=actor, website=site,
                                 filing=Filing(basic=basic, columns=columns_snapshot(site)),
                                 note=f"摸清底数：新增其他域名 {candidate.key}" + (f"（{note}）" if note else ""),
                                 request=request)
    except InvalidState as error:
        raise InvalidState(f"{where}不能新增其他域名 {candidate.key}：{error.message}") from error
    return site.version


def import_named(*, actor, named: list[discover.Named], filename: str, request=None) -> dict:
    """An organizing unit's list, already checked whole (imports.parse_list): all its rows or none."""
    with transaction.atomic():
        counts = record_named(named, imported_by=actor.unit)
        record("discovery_list_imported", actor=actor, request=request, filename=filename[:200], rows=len(named),
               **counts)
    return counts


def excel_rows(candidates) -> Iterator[list]:
    for c in candidates.iterator(chunk_size=2000):
        yield [c.url, c.key, c.get_kind_display(), c.get_status_display(),
               c.organizer.name if c.organizer_id else "", c.attribution_reason,
               c.site.site_code if c.site_id else "", c.unit.name if c.unit_id else "",
               (c.evidence or {}).get("site_id_code") or "", (c.evidence or {}).get("sponsor") or "",
               (c.evidence or {}).get("icp") or "", c.first_seen, c.last_seen, c.note]
