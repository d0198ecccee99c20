"""Scan orchestration: one shared Fetcher, sites streamed through a bounded worker pool."""
from __future__ import annotations

import asyncio
import re
import time
from datetime import datetime, timezone
from typing import AsyncIterator, Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

from . import checks
from .config import ScanConfig
from .encoding import looks_binary
from .extract import PageInfo, parse_page
from .fetch import ERROR_MESSAGES, REQUEST_COUNTER, Fetcher, FetchResult
from .results import (ColumnResult, HomepageResult, LinkResult, SiteResult, SystemResult, Target)

Progress = Callable[[int, int | None, SiteResult], None]

_HTML_CT = re.compile(r"html|xml|text/plain", re.I)
_ARTICLE_URL = re.compile(r"(/t?20\d{6}_|/20\d{2}[-/]?\d{2}|content_\d+|/art/|/article|/detail|/info/\d+|\d{4,}\.s?html?$)", re.I)


def _page(fr: FetchResult, cfg: ScanConfig) -> PageInfo | None:
    """Parse an HTML body, or mark the fetch as not_html; bodies are dropped afterwards."""
    if not fr.ok or fr.body is None:
        return None
    ct = fr.content_type or ""
    if (ct and not _HTML_CT.search(ct)) or looks_binary(fr.body):
        fr.error = "not_html"
        fr.body = None
        return None
    info = parse_page(fr.body, url=fr.final_url, content_type=fr.content_type, as_of=cfg.today())
    fr.body = None
    return info


def _other_scheme(url: str, scheme: str) -> str | None:
    try:
        p = urlsplit(url)
    except ValueError:
        return None
    if p.scheme not in ("http", "https") or not p.hostname:
        return None
    return urlunsplit((scheme, p.netloc, p.path or "/", p.query, ""))


async def _check_link(f: Fetcher, url: str, cfg: ScanConfig) -> FetchResult:
    """HEAD first; servers that refuse HEAD get a one-byte ranged GET."""
    r = await f.fetch(url, method="HEAD", timeout=cfg.link_timeout, retries=1)
    if (r.status in (400, 403, 405, 406, 501) or r.error in ("reset", "protocol", "other")):
        r2 = await f.fetch(url, method="GET", timeout=cfg.link_timeout, retries=1, max_bytes=65536,
                           headers={"Range": "bytes=0-0"})
        r2.body = None
        return r2
    return r


def _link_dead(r: FetchResult) -> bool:
    # A huge attachment is downloadable; only the read cap stopped us.
    return not (r.error in (None, "too_large") and r.status is not None and r.status < 400)


async def scan_site(f: Fetcher, t: Target, cfg: ScanConfig) -> SiteResult:
    as_of = cfg.today()
    rules = cfg.rules
    hp = HomepageResult(url=t.homepage)
    site = SiteResult(site_code=t.site_code, homepage=hp, as_of=as_of,
                      started_at=datetime.now(timezone.utc))
    counter = [0]
    REQUEST_COUNTER.set(counter)  # this task's context only
    t0 = time.monotonic()

    fr = await f.fetch(t.homepage)
    info = _page(fr, cfg)
    hp.final_url, hp.status, hp.latency_ms, hp.redirects = fr.final_url, fr.status, fr.latency_ms, fr.redirects
    hp.reachable = fr.status is not None and fr.status < 400 and fr.error in (None, "not_html")
    hp.error = fr.error
    hp.message = fr.message
    known: dict[str, FetchResult] = {t.homepage: fr, fr.final_url: fr}

    async def do_https():
        if not cfg.check_https or fr.error in ("invalid_url", "ssrf_refused", "dns"):
            return
        if t.homepage.startswith("https:"):
            hp.https_ok = fr.ok or fr.error == "not_html"
            hp.https_error = None if hp.https_ok else fr.error
            alt = _other_scheme(t.homepage, "http")
            if alt:
                r = await f.fetch(alt, method="GET", max_bytes=65536, retries=0)
                hp.http_redirects_to_https = r.final_url.startswith("https:")
        else:
            hp.http_redirects_to_https = fr.final_url.startswith("https:")
            alt = _other_scheme(fr.final_url if hp.http_redirects_to_https else t.homepage, "https")
            if alt and not hp.http_redirects_to_https:
                r = await f.fetch(alt, method="GET", max_bytes=65536, retries=0)
                hp.https_ok, hp.https_error = r.ok, r.error
            else:
                hp.https_ok, hp.https_error = fr.ok, fr.error

    async def do_column(col_t) -> tuple[ColumnResult, PageInfo | None]:
        col = ColumnResult(name=col_t.name, url=col_t.url, cls=col_t.cls)
        r = await f.fetch(col_t.url)
        known[col_t.url] = r
        p = _page(r, cfg)
        col.status, col.error = r.status, r.error
        col.reachable = p is not None
        if p is not None:
            col.latest_date = p.item_latest
            col.item_count = sum(1 for i in p.items if i.date)
            checks.judge_column(col, dated_items=col.item_count, content_rows=p.content_links,
                                empty_marker=p.empty_marker, as_of=as_of, rules=rules)
        return col, p

    async def do_system(u: str) -> SystemResult:
        r = await f.fetch(u, max_bytes=262144)
        r.body = None
        return SystemResult(u, r.status is not None and r.status < 400 and r.error in (None, "too_large"),
                            r.status, r.error, r.final_url)

    https_task = asyncio.ensure_future(do_https())
    sys_task = asyncio.gather(*(do_system(u) for u in t.systems))
    col_pairs = await asyncio.gather(*(do_column(c) for c in t.columns))
    site.systems = list(await sys_task)

    if info is not None:
        hp.encoding = info.encoding
        hp.site_id_code, hp.site_id_source, hp.site_id_shown = info.site_id_code, info.site_id_source, info.site_id_shown
        hp.icp = info.icp
        hp.dated_items = sum(1 for i in info.items if i.date)
        hp.latest_date = info.item_latest
        if hp.latest_date:
            hp.latest_source = "homepage_items"
        else:
            hp.latest_date = await _linked_article_date(f, info, fr.final_url, cfg)
            hp.latest_source = "linked_articles" if hp.latest_date else None
        hp.stale = checks.is_stale(hp.latest_date, as_of, rules.homepage_stale_after)

    site.columns = [c for c, _ in col_pairs]
    for col, p in col_pairs:
        cc = rules.column_class(col.cls)
        if p is not None and cc is not None and cc.interaction:
            site.interaction.append(checks.judge_interaction(col.name, col.url, p.messages, as_of, rules))

    if cfg.check_links:
        await _dead_links(f, site, info, fr, [(c.url, p) for c, p in col_pairs if p is not None], known, cfg)

    site.column_counts = checks.column_counts(site.columns, rules)
    names = rules.veto_names
    if hp.stale:
        site.vetoes.append(names["homepage"])
    if checks.column_veto(site.column_counts, rules):
        site.vetoes.append(names["columns"])
    if any(i.unanswered_veto_evidence for i in site.interaction):
        site.vetoes.append(names["interaction"])
    await https_task
    site.duration_ms = int((time.monotonic() - t0) * 1000)
    site.requests = counter[0]
    return site


async def _linked_article_date(f: Fetcher, info: PageInfo, base: str, cfg: ScanConfig):
    """Homepage without dates: the newest date among a bounded number of linked same-site articles."""
    host = urlsplit(base).hostname
    cands = [i.url for i in info.items if i.url and urlsplit(i.url).hostname == host]
    cands += [l.url for l in info.links if l.kind == "link" and urlsplit(l.url).hostname == host]
    seen, picks = set(), []
    for u in cands:
        if u in seen or u.rstrip("/") == base.rstrip("/"):
            continue
        seen.add(u)
        if _ARTICLE_URL.search(urlsplit(u).path):
            picks.append(u)
        if len(picks) >= cfg.max_article_fetch:
            break

    async def one(u):
        r = await f.fetch(u)
        p = _page(r, cfg)
        return p.page_date if p else None

    ds = [d for d in await asyncio.gather(*(one(u) for u in picks)) if d]
    return max(ds) if ds else None


async def _dead_links(f, site: SiteResult, info, home_fr, col_pages, known, cfg: ScanConfig) -> None:
    todo: dict[str, tuple[str, str]] = {}  # url -> (found_on, kind); counted once per distinct URL
    pages = ([(home_fr.final_url, info)] if info is not None else []) + col_pages[: cfg.link_sample_pages]
    for page_url, p in pages:
        for l in p.links:
            if l.url not in todo and len(todo) < cfg.max_links_per_site:
                todo[l.url] = (page_url, l.kind)

    async def one(u, found_on, kind):
        r = known.get(u)
        if r is None or r.status is None and r.error is None:
            r = await _check_link(f, u, cfg)
        if _link_dead(r) and r.error != "not_html":
            return LinkResult(u, found_on, kind, r.status, r.error, r.message)
        return None

    res = await asyncio.gather(*(one(u, fo, k) for u, (fo, k) in todo.items()))
    site.links_checked = len(todo)
    site.dead_links = [r for r in res if r is not None]


async def _run(targets: Iterable[Target], config: ScanConfig, progress: Progress | None,
               total: int | None) -> AsyncIterator[tuple[int, SiteResult]]:
    site_workers = max(1, config.concurrency)
    queue: asyncio.Queue = asyncio.Queue(maxsize=site_workers * 2)
    it = enumerate(targets)
    async with Fetcher(config) as f:
        async def guarded(t: Target) -> SiteResult:
            try:
                async with asyncio.timeout(config.site_timeout):
                    return await scan_site(f, t, config)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - one bad site never crashes the run
                err = "timeout" if isinstance(e, TimeoutError) else "internal"
                detail = ERROR_MESSAGES["timeout"] if err == "timeout" else f"{type(e).__name__}: {e}"[:300]
                return SiteResult(site_code=t.site_code, homepage=HomepageResult(url=t.homepage),
                                  as_of=config.today(), error=err, detail=detail)

        async def worker():
            for i, t in it:  # shared iterator: targets are pulled lazily
                await queue.put((i, await guarded(t)))

        workers = [asyncio.ensure_future(worker()) for _ in range(site_workers)]
        finisher = asyncio.ensure_future(asyncio.gather(*workers))
        done = 0
        try:
            while True:
                get = asyncio.ensure_future(queue.get())
                await asyncio.wait({get, finisher}, return_when=asyncio.FIRST_COMPLETED)
                if not get.done():
                    get.cancel()
                    if queue.empty():
                        finisher.result()  # re-raise a worker bug, if any
                        return
                    item = queue.get_nowait()
                else:
                    item = get.result()
                done += 1
                if progress:
                    progress(done, total, item[1])
                yield item
        finally:
            for w in workers:
                w.cancel()
            finisher.cancel()
            await asyncio.gather(finisher, return_exceptions=True)


async def iter_scan(targets: Iterable[Target], config: ScanConfig, *,
                    progress: Progress | None = None, total: int | None = None) -> AsyncIterator[SiteResult]:
    """Yield SiteResults as sites finish (completion order). Targets may be a lazy iterable;
    memory stays bounded by the worker pool, so callers can stream results to storage."""
    async for _i, r in _run(targets, config, progress, total):
        yield r


async def scan_sites(targets: Iterable[Target], config: ScanConfig, *,
                     progress: Progress | None = None) -> list[SiteResult]:
    """Scan all targets; results in input order."""
    targets = list(targets)
    out: list[SiteResult | None] = [None] * len(targets)
    async for i, r in _run(targets, config, progress, len(targets)):
        out[i] = r
    return out  # type: ignore[return-value]


async def probe_sites(urls: Iterable[str], config: ScanConfig) -> list[checks.Probe]:
    """Availability probes only (homepage GET, body capped at 64 KB), in input order.

    For the scheduler that runs many probes a day; feed the stored probes to availability_verdict().
    """
    urls = list(urls)
    async with Fetcher(config) as f:
        async def one(u: str) -> checks.Probe:
            at = datetime.now(timezone.utc)
            r = await f.fetch(u, max_bytes=65536)
            ok = r.status is not None and r.status < 400 and r.error in (None, "too_large")
            return checks.Probe(at, ok, r.latency_ms, None if ok else r.error, r.status, u)
        return list(await asyncio.gather(*(one(u) for u in urls)))


def scan_sites_sync(targets: Iterable[Target], config: ScanConfig, *,
                    progress: Progress | None = None) -> list[SiteResult]:
    """Blocking wrapper for callers without an event loop (Celery task, management command)."""
    return asyncio.run(scan_sites(targets, config, progress=progress))
