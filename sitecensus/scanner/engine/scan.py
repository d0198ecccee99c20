"""Scan orchestration: one shared Fetcher, sites streamed through a bounded worker pool."""
from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import time
from datetime import datetime, timezone
from typing import AsyncIterator, Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

from . import aio, checks, compliance, discover
from .config import ScanConfig
from .encoding import looks_binary
from .config import subtract_period
from .dates import url_date
from .extract import _GAMBLING, ATTACHMENT_EXT, PageInfo, no_site_hint, parse_page, registrable
from .fetch import ERROR_MESSAGES, REQUEST_COUNTER, SITE_JAR, SITE_ORDER, Fetcher, FetchResult, new_site_jar
from .results import (FINDING_MESSAGES, UNDETERMINED_MESSAGES, ColumnResult, Evidence, Finding, HomepageResult,
                      LinkResult, SiteResult, SystemResult, Target, Undetermined, VetoEvidence)

Progress = Callable[[int, int | None, SiteResult], None]

_ORDER = [0]  # sites started so far (process-wide; only the order matters)
_HTML_CT = re.compile(r"html|xml|text/plain", re.I)
_NUM_ID = re.compile(r"(\d{4,})(?:\.\w+)?$")
_ARTICLE_URL = re.compile(r"(/t?20\d{6}_|/20\d{2}[-/]?\d{2}|content_\d+|/art/|/article|/detail|/info/\d+|\d{4,}\.s?html?$)", re.I)


def _page(fr: FetchResult, cfg: ScanConfig, *, partial: bool = False) -> PageInfo | None:
    """Parse an HTML body, or mark the fetch as not_html; bodies are dropped afterwards.

    partial: a body cut at the byte cap (too_large) is still parsed from its first part."""
    if fr.body is None or fr.status is None or fr.status >= 400:
        return None
    if fr.error is not None and not (partial and fr.error == "too_large"):
        return None
    ct = fr.content_type or ""
    if (ct and not _HTML_CT.search(ct)) or looks_binary(fr.body):
        fr.error = "not_html"
        fr.body = None
        return None
    try:
        info = parse_page(fr.body, url=fr.final_url, content_type=fr.content_type, as_of=cfg.today())
    except Exception:  # noqa: BLE001 - an unparseable page is 无法判定, never a crash
        info = None
        fr.error = fr.error or "parse_failure"
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
    # Servers that answer HEAD wrongly (404/405/501 …): a dead verdict is confirmed by GET.
    if (r.status in (400, 403, 404, 405, 406, 410, 500, 501) or r.error in ("reset", "protocol", "other")):
        r2 = await f.fetch(url, method="GET", timeout=cfg.link_timeout, retries=1, max_bytes=65536,
                           headers={"Range": "bytes=0-0"})
        r2.body = None
        return r2
    return r


def _link_dead(r: FetchResult) -> bool:
    # A huge attachment is downloadable; only the read cap stopped us. A WAF challenge is not a dead link.
    if r.challenge or r.status in (412, 521):
        return False
    return not (r.error in (None, "too_large") and r.status is not None and r.status < 400)


_SRC_NAME = {"list": "visible_list"}


def _item_evidence(page_url: str, it) -> Evidence:
    return Evidence(url=page_url, date=it.date, source=_SRC_NAME.get(it.source, it.source), snippet=it.snippet[:160],
                    item_url=it.url)


def _confidence(ev: Evidence | None, item=None) -> str:
    if ev is None:
        return "undetermined"
    if (item is not None and item.short_date) or ev.source in ("url", "linked_article", "meta"):
        return "medium"
    return "high"


def _newest(items):
    best = None
    for it in items:
        if it.date and (best is None or it.date > best.date):
            best = it
    return best


def _same_site(u: str, base: str) -> bool:
    """Same host, or a sibling host of the same site (news.x.gov.cn beside www.x.gov.cn)."""
    a, b = (urlsplit(u).hostname or ""), (urlsplit(base).hostname or "")
    return a == b or registrable(a) == registrable(b)


def _shift_year(d, years: int):
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 02-29
        return d.replace(year=d.year + years, day=28)


def _hidden_links_finding(url: str, infos) -> Finding | None:
    """Hidden blocks of links to other domains (暗链/博彩): a security finding with the links as evidence."""
    links = []
    for i in infos:
        for u, t in i.hidden_outbound:
            if (u, t) not in links:
                links.append((u, t))
    if not links:
        return None
    bad = [x for x in links if _GAMBLING.search(x[1] + " " + x[0])]
    if not bad:
        return None  # hidden menus of links to other sites are not spam
    return Finding("暗链", url, FINDING_MESSAGES["暗链"], "；".join(t or u for u, t in bad[:5])[:300],
                   [u for u, _ in bad[:20]])


class _Site:
    """One site's scan state: its page cache, its not-found fingerprint, its render use."""

    def __init__(self, f: Fetcher, cfg: ScanConfig, site: SiteResult):
        self.f, self.cfg, self.site = f, cfg, site
        self.known: dict[str, FetchResult] = {}
        # Each page and each host's not-found answer is asked once per site scan, however many places
        # (columns, pagination, linked articles, dead-link checks) want it at the same moment.
        self._pages: dict[tuple[str, bool], asyncio.Future] = {}
        self._nf: dict[str, asyncio.Future] = {}
        self.as_of = cfg.today()
        self.started = 0   # renders asked for this site (its budget: cfg.render_per_site)
        self.agreed = 0    # stale pages whose rendered reading agreed with the static one
        self.confirm_lock = asyncio.Lock()

    async def get(self, url: str, *, partial: bool = False) -> tuple[FetchResult, PageInfo | None]:
        key = (url, partial)
        task = self._pages.get(key)
        if task is None:
            task = self._pages[key] = asyncio.ensure_future(self._get(url, partial))
        return await asyncio.shield(task)

    async def _get(self, url: str, partial: bool) -> tuple[FetchResult, PageInfo | None]:
        r = await self.f.fetch(url)
        if r.error == "tls":
            # A certificate no one trusts: reported on the homepage; the page is still read and judged.
            r2 = await self.f.fetch(url, verify_tls=False)
            if r2.status is not None and r2.status < 400 and r2.body is not None:
                r = r2
        self.known.setdefault(url, r)
        return r, _page(r, self.cfg, partial=partial)  # a body cut short (error None) is parsed as it came

    async def notfound_fingerprint(self, url: str) -> str | None:
        """What this host answers for a page that cannot exist (None: a real 404); asked once per host."""
        try:
            p = urlsplit(url)
        except ValueError:
            return None
        key = f"{p.scheme}://{p.netloc}"
        task = self._nf.get(key)
        if task is None:
            task = self._nf[key] = asyncio.ensure_future(self._notfound(key))
        return await asyncio.shield(task)

    async def _notfound(self, key: str) -> str | None:
        probe = f"{key}/sitecensus-{secrets.token_hex(6)}/{secrets.token_hex(4)}.html"
        r = await self.f.fetch(probe, retries=0)
        info = _page(r, self.cfg)
        return info.fingerprint if info is not None else None

    async def is_soft404(self, url: str, info: PageInfo) -> bool:
        if info.soft404:
            return True
        if info.item_latest or info.script_shell:
            return False  # a script-built page is rendered before it is compared with the not-found answer
        fp = await self.notfound_fingerprint(url)
        return fp is not None and fp == info.fingerprint

    def render_blocker(self) -> str | None:
        """Why this site's page cannot be read by the browser now (None: it can)."""
        rd = self.f.renderer
        if not self.cfg.render:
            return "render_off"
        if not rd.available:
            return "render_unavailable"
        if self.started >= self.cfg.render_per_site or not rd.can_render():
            return "render_budget"
        return None

    async def render(self, url: str):
        from .render import Rendered
        if self.render_blocker() is not None:
            return Rendered(url, error="render_budget" if self.cfg.render and self.f.renderer.available
                            else "render_unavailable"), None
        self.started += 1
        rr = await self.f.renderer.render(url)
        self.site.render_ms += rr.ms
        jar = SITE_JAR.get()
        if jar is not None and rr.cookies:
            # A challenge the browser passed: its clearance cookie lets the site's other pages be read statically.
            from yarl import URL
            for c in rr.cookies:
                try:
                    jar.update_cookies({c["name"]: c["value"]}, URL(rr.final_url or url))
                except (KeyError, ValueError, TypeError):
                    pass
        if rr.html is None:
            return rr, None
        self.site.renders += 1
        try:
            info = parse_page(rr.html, url=rr.final_url or url, as_of=self.as_of)
            for fu, fh in rr.frames or []:
                fi = parse_page(fh, url=fu, as_of=self.as_of)
                info.items += fi.items
                info.hidden_outbound += fi.hidden_outbound
                info.messages += fi.messages
        except Exception:  # noqa: BLE001
            return rr, None
        for it in info.items:
            it.source = "rendered"
        return rr, info

    async def fix_years(self, infos) -> None:
        """Month-day entries no list date fixes: the newest one's own article gives the year (one request)."""
        unsure = [it for i in infos for it in i.items if it.date and it.year_unsure and not it.foreign]
        if not unsure:
            return
        best = max(unsure, key=lambda it: it.date)
        delta = 0
        if best.url and urlsplit(best.url).hostname:
            _, p = await self.get(best.url)
            if p is not None and p.page_date is not None and (p.page_date.month, p.page_date.day) == \
                    (best.date.month, best.date.day):
                delta = p.page_date.year - best.date.year
        for it in unsure:
            if delta:
                it.date = _shift_year(it.date, delta)
            it.year_unsure = False

    async def linked(self, info: PageInfo, base: str):
        """Undated list: the newest of a bounded number of articles of the page's main list."""
        host = urlsplit(base).hostname
        groups: dict[int, list] = {}
        for it in info.items:
            if it.url and len(it.title) >= 8 and urlsplit(it.url).hostname == host \
                    and it.url.rstrip("/") != base.rstrip("/") and not it.url.lower().endswith(ATTACHMENT_EXT):
                groups.setdefault(it.group, []).append(it.url)
        cands: list[str] = []
        if groups:
            # The first entries in page order (the main list leads the page), plus the head of the longest list.
            cands = [u for g in groups.values() for u in g]
            order = {u: k for k, u in enumerate(it.url for it in info.items if it.url)}
            cands.sort(key=lambda u: order.get(u, 0))
            longest = max(groups.values(), key=len)
            cands = cands[: self.cfg.max_article_fetch - 2] + longest[:2] + cands[self.cfg.max_article_fetch - 2:]
        else:
            cands = [l.url for l in info.links if l.kind == "link" and urlsplit(l.url).hostname == host
                     and _ARTICLE_URL.search(urlsplit(l.url).path) and l.url.rstrip("/") != base.rstrip("/")]
        cands = list(dict.fromkeys(cands))
        n = self.cfg.max_article_fetch
        dated = sorted((c for c in cands if url_date(c, self.as_of)), key=lambda c: url_date(c, self.as_of), reverse=True)
        if dated:
            picks = dated[:n]
        else:
            picks = cands[: max(1, n - 1)]
            ids = [(int(m.group(1)), c) for c in cands if (m := _NUM_ID.search(c))]
            if ids:
                top = max(ids)[1]
                if top not in picks:
                    picks.append(top)
        picks = picks[:n]

        async def one(u):
            r, p = await self.get(u)
            if p is None or p.page_date is None or p.soft404:
                return None
            return Evidence(url=u, date=p.page_date, source="linked_article",
                            snippet=(p.page_date_snippet or p.title)[:160], item_url=u)

        evs = [e for e in await asyncio.gather(*(one(u) for u in picks)) if e]
        return max(evs, key=lambda e: e.date) if evs else None

    async def judge_list(self, url: str, fr: FetchResult, info: PageInfo, period, *, home: bool,
                         drop: set | None = None):
        """Newest dated entry with its evidence, trying harder only when the cheap answer is stale or missing.

        A stale or missing answer on a page a browser may read differently (scripts, a challenge) is read by
        Chromium; where the browser cannot read it the answer is 无法判定 with that reason, never a veto.
        drop: entry URLs of the site's template (blocks repeated on its other pages), never counted.
        Returns (latest, evidence, confidence, undetermined_reason, extra); extra holds the pages read and
        the reading ("static" / "rendered") the answer rests on."""
        as_of, cfg = self.as_of, self.cfg
        extra = {"pages": 1, "via": [], "rendered": False, "infos": [info], "reading": "static"}

        def own(items):
            return [it for it in items if not it.foreign and not (drop and it.url in drop)]

        items = own(info.items)

        def stale(d):
            return period is not None and checks.is_stale(d, as_of, period)

        # Frames and client-side redirects whose target is in the markup (the page has little of its own).
        follow = list(info.frames)
        if info.client_redirect:
            follow.append(info.client_redirect)
        for u in follow[: cfg.max_frames]:
            r, p = await self.get(u)
            if p is not None:
                extra["via"].append(r.final_url)
                extra["infos"].append(p)
                items += own(p.items)
                extra["pages"] += 1
                if p.client_redirect and len(follow) < cfg.max_frames * 2:
                    follow.append(p.client_redirect)
        await self.fix_years(extra["infos"])
        best = _newest(items)
        if best is None or stale(best.date):
            # Iframes of any host (a city platform's news box is the site's own content), then pagination.
            more = list(info.iframes[: cfg.max_frames])
            if not home:
                more += info.next_pages[: cfg.max_list_pages]
            for u in more:
                r, p = await self.get(u)
                if p is not None:
                    extra["pages"] += 1
                    extra["infos"].append(p)
                    items += own(p.items)
                    for u2 in (p.next_pages if not home and extra["pages"] <= cfg.max_list_pages else []):
                        if u2 not in more and len(more) < cfg.max_frames + cfg.max_list_pages:
                            more.append(u2)
            await self.fix_years(extra["infos"])
            best = _newest(items)
        ev = _item_evidence(url, best) if best else None
        conf = _confidence(ev, best)
        if best is None and period is not None:
            base_info = extra["infos"][-1] if len(extra["infos"]) > 1 and not info.items else info
            if drop:
                base_info = PageInfo(encoding="utf-8", items=own(base_info.items), links=base_info.links)
            ev = await self.linked(base_info, url)
            conf = _confidence(ev)
        elif ev is not None and stale(ev.date) and period is not None:
            # Stale dated entries beside an undated main list: the list's own articles may be newer.
            undated = [it for it in items if it.date is None and it.url and len(it.title) >= 8]
            if len(undated) >= 3:
                shell = PageInfo(encoding="utf-8", items=undated, links=[])
                lev = await self.linked(shell, url)
                if lev is not None and lev.date > ev.date:
                    ev, conf = lev, _confidence(lev)
        reason = None
        browser_reads_differently = bool(info.scripts or fr.challenge or fr.status == 412)
        if (ev is None or stale(ev.date)) and period is not None and browser_reads_differently:
            # Stale dated lists of one site are confirmed one at a time: once two of them read the same in
            # Chromium as statically, the site's template scripts do not change its lists and the others stand.
            lock = self.confirm_lock if ev is not None and not fr.challenge else contextlib.nullcontext()
            async with lock:
                if ev is not None and not fr.challenge and self.agreed >= 2:
                    return ev.date, ev, conf, None, extra
                blocker = self.render_blocker()
                if blocker is None:
                    rr, p = await self.render(url)
                    if p is not None:
                        extra["rendered"] = True
                        extra["reading"] = "rendered"
                        extra["infos"].append(p)
                        rb = _newest(own(p.items))
                        if rb and (ev is None or rb.date > ev.date):
                            ev, conf = _item_evidence(rr.final_url or url, rb), "high"
                        elif ev is not None and rb is not None:
                            self.agreed += 1
                    else:
                        reason = rr.error if rr.error in ("render_unavailable", "render_failed", "render_budget") \
                            else "render_failed"
                elif blocker != "render_off" or ev is None:
                    reason = "render_unavailable" if blocker == "render_off" else blocker
            if reason is not None and ev is not None and stale(ev.date):
                # The browser could not confirm a stale reading: no verdict.
                return None, ev, "undetermined", reason, extra
        if ev is None:
            return None, None, "undetermined", reason or "no_dated_list", extra
        if ev.source == "linked_article":
            extra["reading"] = "static" if not extra["rendered"] else extra["reading"]
        return ev.date, ev, conf, None, extra


async def scan_site(f: Fetcher, t: Target, cfg: ScanConfig) -> SiteResult:
    """Scan one site: its pages, links and HTTPS check."""
    site, https = await scan_site_pages(f, t, cfg)
    return await finish_site(site, https)


async def finish_site(site: SiteResult, https: asyncio.Future | None) -> SiteResult:
    """Wait for the site's HTTPS check (its own slots and short timeout), then close the result."""
    if https is not None:
        try:
            await https
        except Exception:  # noqa: BLE001 - a failed check leaves https_ok unknown, never fails the site
            pass
    counter, t0 = getattr(site, "_counter", None), getattr(site, "_t0", None)
    if counter is not None:
        site.requests = counter[0]
        site.duration_ms = int((time.monotonic() - t0) * 1000)
    return site


async def scan_site_pages(f: Fetcher, t: Target, cfg: ScanConfig) -> tuple[SiteResult, asyncio.Future | None]:
    """Everything but waiting for the HTTPS check, which is returned still running: a handshake
    that never completes holds neither the site's worker nor a page slot."""
    as_of = cfg.today()
    rules = cfg.rules
    hp = HomepageResult(url=t.homepage)
    site = SiteResult(site_code=t.site_code, homepage=hp, as_of=as_of,
                      started_at=datetime.now(timezone.utc))
    counter = [0]
    REQUEST_COUNTER.set(counter)  # this task's context only
    _ORDER[0] += 1
    SITE_ORDER.set(_ORDER[0])     # earlier sites get the global slots first
    new_site_jar()                # this site's cookies, this task's context only
    t0 = time.monotonic()
    S = _Site(f, cfg, site)
    home_done: asyncio.Future = asyncio.get_running_loop().create_future()

    async def probe(url: str) -> FetchResult:
        # Own slots (cfg.https_concurrency) and own short timeout: never a page slot or a per-host slot.
        r = await f.fetch(url, method="GET", max_bytes=65536, retries=0, timeout=cfg.https_timeout,
                          pool=f.https_slots)
        r.body = None
        return r

    async def do_https():
        """The other scheme's answer, asked at the same time as the homepage itself."""
        alt = _other_scheme(t.homepage, "http" if t.homepage.startswith("https:") else "https")
        other = asyncio.ensure_future(probe(alt)) if alt else None
        try:
            home = await home_done
            if home.error in ("invalid_url", "ssrf_refused", "dns"):
                return
            if t.homepage.startswith("https:"):
                hp.https_ok = home.ok or home.error == "not_html"
                hp.https_error = None if hp.https_ok else home.error
                if other is not None:
                    hp.http_redirects_to_https = (await other).final_url.startswith("https:")
            else:
                hp.http_redirects_to_https = home.final_url.startswith("https:")
                if other is not None and not hp.http_redirects_to_https:
                    r = await other
                    hp.https_ok, hp.https_error = r.ok, r.error
                else:
                    hp.https_ok, hp.https_error = home.ok, home.error
        finally:
            if other is not None and not other.done():
                other.cancel()

    # The HTTPS check starts with the homepage fetch, in its own slots (see do_https).
    https_task = asyncio.ensure_future(do_https()) if cfg.check_https else None
    try:
        fr = await f.fetch(t.homepage)
    except BaseException:
        if https_task is not None:
            https_task.cancel()
        raise
    home_done.set_result(fr)
    tls_content = False
    if fr.error == "tls":
        # Report the TLS failure, and still judge the content where it can be read.
        r2 = await f.fetch(t.homepage, verify_tls=False)
        if r2.status is not None and r2.status < 400 and r2.body is not None:
            tls_content = True
            body_fr = r2
        else:
            body_fr = fr
    else:
        body_fr = fr
    blocked = body_fr.challenge
    info = None if blocked and (body_fr.status or 0) >= 400 else _page(body_fr, cfg, partial=True)
    if info is not None and blocked and not info.items:
        info = None
    hp.final_url, hp.status, hp.latency_ms, hp.redirects = body_fr.final_url, body_fr.status, fr.latency_ms, body_fr.redirects
    hp.truncated = body_fr.truncated
    hp.error = "tls" if tls_content else ("blocked" if blocked else fr.error)
    hp.message = ERROR_MESSAGES.get(hp.error) if hp.error in ("tls", "blocked") else fr.message
    hp.reachable = (body_fr.status is not None and body_fr.status < 400
                    and body_fr.error in (None, "not_html", "too_large")) or blocked or tls_content
    S.known.update({t.homepage: fr, fr.final_url: fr})
    refused = [(t.homepage, fr.tool_refused)] if fr.tool_refused else []
    home_rendered = False
    if info is None and blocked:
        # A script challenge: only a browser gets through; the site's other pages then use its clearance.
        home_rendered = True
        rr, info = await S.render(t.homepage)
        hp.rendered = info is not None
        if info is not None:
            hp.error, hp.message = None, None  # the browser passed the challenge: content judged
            hp.reading = "rendered"
        else:
            hp.undetermined = rr.error if rr.error in ("render_unavailable", "render_failed", "render_budget") \
                else "blocked"

    # Every column's first page is asked at once; a column is judged by its own list, so blocks the site's
    # template repeats on its other pages (sidebars, 最新发布) are found by comparing them.
    firsts = {c.url: asyncio.ensure_future(S.get(c.url)) for c in t.columns}

    async def template_urls() -> dict[str, set]:
        pages = [("__home__", info)] + [(u, (await fut)[1]) for u, fut in firsts.items()]
        seen: dict[str, set] = {}
        for key, p in pages:
            if p is None:
                continue
            for it in p.items:
                if it.url and not it.foreign:
                    seen.setdefault(it.url, set()).add(key)
        out: dict[str, set] = {}
        for key, p in pages[1:]:
            if p is None:
                continue
            groups: dict[int, list] = {}
            for it in p.items:
                if it.url and not it.foreign:
                    groups.setdefault(it.group, []).append(it)
            drop: set = set()
            only_home = []
            own_lists = 0
            for g in groups.values():
                urls = [it.url for it in g]
                rep = [u for u in urls if len(seen[u] - {key}) >= 2 or (seen[u] - {key, "__home__"})]
                if len(g) >= 2 and len(rep) >= 0.6 * len(g):
                    drop.update(urls)  # repeated on two other pages, or on another column's page
                elif len(g) >= 3 and all(seen[u] - {key} for u in urls):
                    only_home.append(urls)  # every entry also on the homepage: a sidebar, or the homepage's box
                elif sum(1 for it in g if len(it.title) >= 8) >= 3:
                    own_lists += 1
            if own_lists:
                # Beside a list of its own, a block the homepage repeats whole is the template's sidebar.
                for urls in only_home:
                    drop.update(urls)
            if drop and any(it.url not in drop for it in p.items if it.url and not it.foreign and len(it.title) >= 4):
                out[key] = drop
        return out

    template = asyncio.ensure_future(template_urls())

    async def do_column(col_t) -> tuple[ColumnResult, PageInfo | None]:
        col = ColumnResult(name=col_t.name, url=col_t.url, cls=col_t.cls)
        r, p = await firsts[col_t.url]
        col.status, col.error = r.status, r.error
        if r.tool_refused:
            refused.append((col_t.url, r.tool_refused))
        cc = rules.column_class(col.cls)
        period = cc.stale_after if cc is not None else None
        if p is None and r.challenge:
            col.error = "blocked"
            rr, p = await S.render(col_t.url)
            col.rendered = p is not None
            if p is None:
                col.undetermined = "blocked"
                col.verdict_confidence = "undetermined"
                return col, None
        col.reachable = p is not None
        if p is None:
            if r.error == "not_html":
                col.undetermined, col.verdict_confidence = "not_html", "undetermined"
            return col, None
        col.pages_read = 1
        if not p.item_latest and await S.is_soft404(col_t.url, p):
            col.reachable, col.soft404, col.error = False, True, "soft_404"
            return col, None
        # Only a page whose entries are not all in one list can carry a template block beside its own list;
        # a single-list page is judged at once, without waiting for the site's other pages.
        lists: dict[int, int] = {}
        for it in p.items:
            if not it.foreign and (it.date or len(it.title) >= 8):
                lists[it.group] = lists.get(it.group, 0) + 1
        single = sum(lists.values()) - max(lists.values(), default=0) < 2
        drop = None if single else (await template).get(col_t.url)
        if period is None:
            col.latest_date = _newest([it for it in p.items if not it.foreign and not (drop and it.url in drop)])
            col.latest_date = col.latest_date.date if col.latest_date else None
            col.item_count = sum(1 for i in p.items if i.date)
            checks.judge_column(col, dated_items=col.item_count, content_rows=p.content_links,
                                empty_marker=p.empty_marker, as_of=as_of, rules=rules)
            return col, p
        latest, ev, conf, reason, extra = await S.judge_list(col_t.url, r, p, period, home=False, drop=drop)
        col.pages_read, col.rendered, col.reading = extra["pages"], extra["rendered"], extra["reading"]
        infos = extra["infos"]
        col.item_count = sum(1 for i in infos for it in i.items if it.date and not it.foreign)
        # Entries in any layout count as content (div rows too): a list without dates is not a blank column.
        content_rows = max(sum(i.content_links for i in infos),
                           sum(1 for i in infos for it in i.items if it.url and len(it.title) >= 8))
        empty = any(i.empty_marker for i in infos)
        col.latest_date, col.evidence, col.verdict_confidence = latest, ev, conf
        if latest is None:
            unread = reason in ("render_unavailable", "render_failed", "render_budget") and not col.rendered
            blank = (empty or content_rows == 0) and not unread and ev is None
            if blank:
                col.evidence = Evidence(url=col_t.url, source="empty_marker" if empty else "no_entries",
                                        snippet=("暂无信息" if empty else p.title)[:160])
                col.verdict_confidence = "high" if empty else "medium"
            else:
                col.undetermined = reason or "no_dated_list"
                col.verdict_confidence = "undetermined"
                col.blank, col.stale = False, None
                col.deadline = subtract_period(as_of, period)
                return col, p
        if (r.truncated or (r.error == "too_large")) and latest is not None and checks.is_stale(latest, as_of, period):
            # The newest entries may sit past what arrived: no verdict on a partly read page.
            col.undetermined = "truncated" if r.error != "too_large" else "too_large"
            col.verdict_confidence, col.stale, col.deadline = "undetermined", None, subtract_period(as_of, period)
            return col, p
        checks.judge_column(col, dated_items=col.item_count if latest else 0, content_rows=content_rows,
                            empty_marker=empty, as_of=as_of, rules=rules)
        return col, p

    async def do_system(u: str) -> SystemResult:
        r = await f.fetch(u, max_bytes=262144)
        r.body = None
        return SystemResult(u, r.status is not None and r.status < 400 and r.error in (None, "too_large"),
                            r.status, r.error, r.final_url)

    sys_task = asyncio.gather(*(do_system(u) for u in t.systems))
    col_pairs = await asyncio.gather(*(do_column(c) for c in t.columns))
    site.systems = list(await sys_task)

    link_info = info if not home_rendered else None
    home_period = rules.homepage_stale_after
    home_infos = [info] if info is not None else []
    if info is None and not blocked and body_fr.body is not None and (body_fr.status or 0) >= 400 \
            and no_site_hint(body_fr.body):
        # A maintenance notice (or a default page) answered with an error status: still no site here.
        try:
            p0 = parse_page(body_fr.body, url=body_fr.final_url, content_type=body_fr.content_type, as_of=as_of)
        except Exception:  # noqa: BLE001
            p0 = None
        if p0 is not None and p0.no_site:
            info = p0
    if info is not None and info.no_site:
        # No government site here: a default server page, a parked domain, a maintenance notice.
        code = "网站维护中" if info.no_site == "maintenance" else "首页无网站内容"
        site.findings.append(Finding(code, body_fr.final_url, FINDING_MESSAGES[code], info.no_site_snippet[:300],
                                     status=body_fr.status))
        hp.evidence = Evidence(url=body_fr.final_url, source=info.no_site, snippet=info.no_site_snippet[:160])
        hp.stale, hp.verdict_confidence, hp.reading = True, "high", hp.reading or "static"
        hp.latest_source = info.no_site
    elif info is not None:
        hp.encoding = info.encoding
        hp.site_id_code, hp.site_id_source, hp.site_id_shown = info.site_id_code, info.site_id_source, info.site_id_shown
        hp.icp = info.icp
        latest, ev, conf, reason, extra = await S.judge_list(body_fr.final_url, body_fr, info, home_period, home=True)
        home_infos = extra["infos"]
        hp.via = extra["via"]
        hp.rendered = hp.rendered or extra["rendered"]
        hp.reading = "rendered" if hp.rendered else extra["reading"]
        hp.dated_items = sum(1 for i in extra["infos"] for it in i.items if it.date and not it.foreign)
        if hp.via:
            link_info = max(extra["infos"], key=lambda i: len(i.links))
            if not hp.site_id_code:
                for i in extra["infos"]:
                    if i.site_id_code:
                        hp.site_id_code, hp.site_id_source, hp.site_id_shown = i.site_id_code, i.site_id_source, i.site_id_shown
                        break
            hp.icp = hp.icp or next((i.icp for i in extra["infos"] if i.icp), None)
        hp.latest_date, hp.evidence, hp.verdict_confidence = latest, ev, conf
        if reason is None and ev is not None:
            hp.latest_source = ("linked_articles" if ev.source == "linked_article"
                                else "rendered" if ev.source == "rendered" else "homepage_items")
            hp.stale = checks.is_stale(latest, as_of, home_period)
            if hp.stale and hp.truncated:
                # The newest entries may sit past the read cap: no verdict on a partly read page.
                hp.stale, hp.verdict_confidence = None, "undetermined"
                hp.undetermined = "too_large" if body_fr.error == "too_large" else "truncated"
        else:
            hp.undetermined = reason
            hp.stale = None
    elif hp.undetermined is None:
        hp.undetermined = "not_html" if fr.error == "not_html" else ("parse_failure" if fr.error == "parse_failure"
                                                                     else "unreachable")
    if hp.undetermined:
        hp.verdict_confidence = "undetermined"
        site.undetermined.append(Undetermined("homepage", t.homepage, hp.undetermined,
                                              _und_msg(hp.undetermined, fr)))
    hp.outbound = discover.outbound_origins([link_info, *home_infos], hp.final_url or t.homepage)  # discovery
    hidden = _hidden_links_finding(hp.final_url or t.homepage, home_infos + [p for _, p in col_pairs if p is not None])
    if hidden is not None:
        site.findings.append(hidden)
    if refused:
        u, st = refused[0]
        site.findings.append(Finding("拒绝扫描器访问", u, FINDING_MESSAGES["拒绝扫描器访问"],
                                     f"扫描工具访问返回 {st}，以浏览器身份访问正常", [x for x, _ in refused[:10]], st))

    site.columns = [c for c, _ in col_pairs]
    for col in site.columns:
        if col.undetermined:
            site.undetermined.append(Undetermined("column", col.url, col.undetermined,
                                                  UNDETERMINED_MESSAGES[col.undetermined], col.name))
    for col, p in col_pairs:
        cc = rules.column_class(col.cls)
        if p is not None and cc is not None and cc.interaction:
            ir = checks.judge_interaction(col.name, col.url, p.messages, as_of, rules)
            ir.reading = "rendered" if col.rendered else "static"
            if ir.unanswered_veto_evidence and p.scripts and not col.rendered:
                # A candidate 互动回应差 on a scripted page: confirmed on what the browser shows, or 无法判定.
                blocker = S.render_blocker()
                rr, rp = await S.render(col.url) if blocker is None else (None, None)
                if rp is not None:
                    ir = checks.judge_interaction(col.name, col.url, rp.messages or p.messages, as_of, rules)
                    ir.reading = "rendered"
                elif blocker != "render_off":
                    ir.unanswered_veto_evidence = False
                    ir.verdict_confidence = "undetermined"
                    ir.undetermined = blocker or (rr.error if rr is not None else None) or "render_failed"
            site.interaction.append(ir)
            if ir.undetermined:
                site.undetermined.append(Undetermined("interaction", col.url, ir.undetermined,
                                                      UNDETERMINED_MESSAGES.get(ir.undetermined, ir.undetermined),
                                                      col.name))

    if cfg.check_links:
        await _dead_links(S, site, link_info, body_fr, [(c.url, p) for c, p in col_pairs if p is not None], cfg)
    for col in site.columns:
        if col.soft404:
            site.dead_links.append(LinkResult(col.url, hp.final_url or t.homepage, "link", col.status, "soft_404",
                                              ERROR_MESSAGES["soft_404"]))

    site.column_counts = checks.column_counts(site.columns, rules)
    names = rules.veto_names
    if hp.stale:
        site.vetoes.append(names["homepage"])
        site.veto_evidence.append(VetoEvidence(names["homepage"], hp.reading or "static",
                                               [hp.evidence] if hp.evidence else []))
    if checks.column_veto(site.column_counts, rules):
        site.vetoes.append(names["columns"])
        bad = [c for c in site.columns if (c.stale or c.blank) and c.evidence is not None]
        site.veto_evidence.append(VetoEvidence(
            names["columns"], "rendered" if any(c.reading == "rendered" for c in bad) else "static",
            [c.evidence for c in bad]))
    if any(i.unanswered_veto_evidence for i in site.interaction):
        site.vetoes.append(names["interaction"])
        ivs = [i for i in site.interaction if i.unanswered_veto_evidence]
        site.veto_evidence.append(VetoEvidence(
            names["interaction"], "rendered" if any(i.reading == "rendered" for i in ivs) else "static",
            [Evidence(url=i.url, date=m.asked, source="message", snippet=m.title[:160], item_url=m.url)
             for i in ivs for m in i.overdue[:10]]))
    if site.undetermined:
        site.verdict_confidence = "undetermined" if hp.undetermined and all(c.undetermined or not c.reachable for c in site.columns) else "partial"
    else:
        site.verdict_confidence = "high"
    if cfg.check_compliance:  # the pages already read, then IPv6 (engine/compliance.py)
        await compliance.run(S, site, t, home_infos, t.homepage, hp.final_url, col_pairs)
    site._counter, site._t0 = counter, t0
    return site, (None if https_task is None or https_task.done() else https_task)


def _und_msg(reason: str, fr: FetchResult) -> str:
    m = UNDETERMINED_MESSAGES.get(reason, reason)
    if reason == "unreachable" and fr.message:
        m = f"{m}（{fr.message}）"
    return m


async def _dead_links(S: "_Site", site: SiteResult, info, home_fr, col_pages, cfg: ScanConfig) -> None:
    f, known = S.f, S.known
    todo: dict[str, tuple[str, str]] = {}  # url -> (found_on, kind); counted once per distinct URL
    downloads: set[str] = set()
    pages = ([(home_fr.final_url, info)] if info is not None else []) + col_pages[: cfg.link_sample_pages]
    for page_url, p in pages:
        for l in p.links:
            if l.url not in todo and len(todo) < cfg.max_links_per_site:
                todo[l.url] = (page_url, l.kind)
                if l.download:
                    downloads.add(l.url)
    soft_budget = [cfg.soft404_link_checks]

    async def one(u, found_on, kind):
        r = known.get(u)
        if r is None or r.status is None and r.error is None:
            r = await _check_link(f, u, cfg)
        if _link_dead(r) and r.error != "not_html":
            return LinkResult(u, found_on, kind, r.status, r.error, r.message)
        # Sites that answer 200 for missing pages: an image or a file answered with a web page is missing;
        # same-site pages are read and compared with the site's not-found page.
        if kind in ("image", "attachment") and r.status == 200 and "html" in (r.content_type or "").lower() \
                and urlsplit(u).hostname == urlsplit(found_on).hostname \
                and await S.notfound_fingerprint(u) is not None:
            return LinkResult(u, found_on, kind, r.status, "soft_404", ERROR_MESSAGES["soft_404"])
        if kind == "link" and r.status == 200 and soft_budget[0] > 0 and u not in known \
                and urlsplit(u).hostname == urlsplit(found_on).hostname:
            # A download answered with a web page may say the file is gone (文件不存在/附件不存在).
            fp = await S.notfound_fingerprint(u)
            small = r.content_length is not None and r.content_length < 1000   # an article is bigger
            if (fp is not None or ((u in downloads or small) and "html" in (r.content_type or "html").lower())) \
                    and soft_budget[0] > 0:
                soft_budget[0] -= 1
                g = await f.fetch(u, max_bytes=262144, retries=0)
                p = _page(g, cfg, partial=True)
                if p is not None and (p.soft404 or (fp is not None and p.fingerprint == fp and not p.script_shell)):
                    return LinkResult(u, found_on, kind, g.status, "soft_404", ERROR_MESSAGES["soft_404"])
        return None

    res = await asyncio.gather(*(one(u, fo, k) for u, (fo, k) in todo.items()))
    site.links_checked = len(todo)
    site.dead_links = [r for r in res if r is not None]


async def _run(targets: Iterable[Target], config: ScanConfig, progress: Progress | None,
               total: int | None) -> AsyncIterator[tuple[int, SiteResult]]:
    site_workers = max(1, config.sites_at_once or 2 * config.concurrency)
    queue: asyncio.Queue = asyncio.Queue(maxsize=site_workers * 2)
    it = enumerate(targets)
    # Sites whose pages are done but whose HTTPS check still runs: the worker has moved on to the
    # next site; their number is bounded so memory stays bounded.
    tails: set[asyncio.Task] = set()
    tail_slots = asyncio.Semaphore(max(1, config.https_concurrency) + site_workers)

    def failed(t: Target, e: BaseException) -> SiteResult:
        err = "timeout" if isinstance(e, TimeoutError) else "internal"
        detail = ERROR_MESSAGES["timeout"] if err == "timeout" else f"{type(e).__name__}: {e}"[:300]
        return SiteResult(site_code=t.site_code, homepage=HomepageResult(url=t.homepage),
                          as_of=config.today(), error=err, detail=detail)

    async with Fetcher(config) as f:
        async def guarded(t: Target) -> tuple[SiteResult, asyncio.Future | None]:
            try:
                async with asyncio.timeout(config.site_timeout):
                    return await scan_site_pages(f, t, config)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - one bad site never crashes the run
                return failed(t, e), None

        async def tail(i: int, site: SiteResult, https: asyncio.Future) -> None:
            try:
                async with asyncio.timeout(config.site_timeout):
                    site = await finish_site(site, https)
            except TimeoutError:
                https.cancel()
                site = await finish_site(site, None)
            finally:
                tail_slots.release()
            await queue.put((i, site))

        async def worker():
            for i, t in it:  # shared iterator: targets are pulled lazily
                site, https = await guarded(t)
                if https is None:
                    await queue.put((i, await finish_site(site, None)))
                    continue
                await tail_slots.acquire()
                task = asyncio.ensure_future(tail(i, site, https))
                tails.add(task)
                task.add_done_callback(tails.discard)

        async def all_done():
            await asyncio.gather(*workers)
            while tails:
                await asyncio.gather(*list(tails))

        workers = [asyncio.ensure_future(worker()) for _ in range(site_workers)]
        finisher = asyncio.ensure_future(all_done())
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
                # Everything already finished goes out now: a busy loop wakes this consumer seldom.
                batch = [item]
                while not queue.empty():
                    batch.append(queue.get_nowait())
                for item in batch:
                    done += 1
                    if progress:
                        progress(done, total, item[1])
                    yield item
        finally:
            for w in workers + list(tails):
                w.cancel()
            finisher.cancel()
            await asyncio.gather(finisher, *tails, return_exceptions=True)


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


# Failures a browser may not share (a status only tools get, a header or framing a browser tolerates).
_BROWSER_MAY_DIFFER = {"http_status", "protocol", "other", "reset", "too_many_redirects"}


async def probe_sites(urls: Iterable[str], config: ScanConfig) -> list[checks.Probe]:
    """Availability probes only (homepage GET, body capped at 64 KB), in input order.

    For the scheduler that runs many probes a day; feed the stored probes to availability_verdict().
    """
    urls = list(urls)
    budget = [config.probe_render_max]  # browser confirmations per probe round (a round must end in time)
    async with Fetcher(config) as f:
        async def one(u: str) -> checks.Probe:
            at = datetime.now(timezone.utc)
            new_site_jar()  # a 302 that sets a cookie reaches the page, as in a scan
            r = await f.fetch(u, max_bytes=65536)
            # Reachable as a browser sees it: a big or cut-short page, a script challenge (any status), a
            # firewall that refuses tools but lets a browser in — the server answers.
            ok = (r.status is not None and r.status < 400 and r.error in (None, "too_large")) or r.challenge
            err = None if ok else r.error
            if ok and not r.challenge and r.body is not None and len(r.body) < 65536 and no_site_hint(r.body):
                # No government site here (a default server page, a parked domain, a maintenance notice).
                try:
                    p = parse_page(r.body, url=r.final_url, content_type=r.content_type, as_of=config.today())
                except Exception:  # noqa: BLE001
                    p = None
                if p is not None and p.no_site:
                    ok, err = False, ("maintenance" if p.no_site == "maintenance" else "no_site")
            if not ok and err in _BROWSER_MAY_DIFFER and r.status not in (404, 410) and config.render \
                    and f.renderer.available and budget[0] > 0:
                budget[0] -= 1
                # A candidate 站点无法访问: asked once more as Chromium reads it (a browser's user agent,
                # scripts, tolerant parsing); the page a visitor gets counts as up.
                rr = await f.renderer.render(u)
                up = rr.html is not None and rr.status is not None and rr.status < 400
                return checks.Probe(at, up, r.latency_ms, None if up else err, rr.status or r.status, u, "rendered")
            return checks.Probe(at, ok, r.latency_ms, err, r.status, u)
        return list(await asyncio.gather(*(one(u) for u in urls)))


def scan_sites_sync(targets: Iterable[Target], config: ScanConfig, *,
                    progress: Progress | None = None) -> list[SiteResult]:
    """Blocking wrapper for callers without an event loop (Celery task, management command)."""
    return aio.run(scan_sites(targets, config, progress=progress))
