"""End-to-end scans of the synthetic government web, every verdict checked against its truth."""
import asyncio
import time
from urllib.parse import quote

import pytest

from sitecensus.scanner.engine import ScanConfig, parse_targets, scan_sites
from sitecensus.scanner.engine import fetch as fetch_mod
from sitecensus.scanner.engine.fetch import Fetcher
from sitecensus.scanner.engine.testing.synthetic import BAD_KINDS, SyntheticWeb
from sitecensus.scanner.engine import aio


def _cfg(web, **kw):
    # The budget must outlast an endless redirect's 11 hops on a loaded machine (CI runs two suites on
    # two cores); it is also how long the hanging site holds the fixture.
    base = dict(allow_private=True, host_map=web.host_map(), as_of=web.as_of, timeout=10.0,
                retry_backoff=0.02, max_bytes=1_000_000, concurrency=32)
    base.update(kw)
    return ScanConfig(**base)


@pytest.fixture(scope="module")
def scanned():
    async def go():
        async with SyntheticWeb(40, seed=11, bad=True) as web:
            res = await scan_sites(parse_targets(web.targets()), _cfg(web))
            return web, res, None  # the run's time: bench/scan_engine.py
    return aio.run(go())


def test_every_site_has_a_result_and_bad_sites_do_not_stall(scanned):
    web, res, _ = scanned
    assert len(res) == 40 + len(BAD_KINDS)
    assert all(r.error is None for r in res), [(r.site_code, r.error, r.detail) for r in res if r.error]


def test_homepage_verdicts(scanned):
    web, res, _ = scanned
    for r in res:
        t = web.truth(r.site_code)
        h = r.homepage
        ctx = (t.kind, r.site_code)
        assert h.error == t.error, ctx
        assert h.reachable == t.reachable, ctx
        assert h.latest_date == t.latest_date, ctx
        assert h.stale == t.homepage_stale, ctx
        if t.encoding:
            assert h.encoding == t.encoding, ctx
        assert h.site_id_code == t.site_id_code, ctx
        assert h.icp == t.icp, ctx
        assert set(r.vetoes) == t.vetoes, ctx
        if t.redirect_hops is not None:
            assert len(h.redirects) == t.redirect_hops, ctx
        if t.error is None:
            assert h.https_ok is False and h.http_redirects_to_https is False  # no TLS on the test server


def test_column_verdicts(scanned):
    web, res, _ = scanned
    n = 0
    for r in res:
        t = web.truth(r.site_code)
        for c in r.columns:
            cid = c.url.rsplit("/", 2)[1]
            if cid not in t.columns:
                assert not c.reachable
                continue
            ct = t.columns[cid]
            assert (c.reachable, c.blank, c.stale) == (ct.reachable, ct.blank, ct.stale), (r.site_code, c)
            assert c.latest_date == ct.latest_date, (r.site_code, c)
            n += 1
    assert n > 300


def test_dead_links_systems_interaction(scanned):
    web, res, _ = scanned
    for r in res:
        t = web.truth(r.site_code)
        if t.dead_links is not None:
            assert {d.url for d in r.dead_links} == t.dead_links, r.site_code
            assert all(d.found_on and (d.status or d.error) for d in r.dead_links)
            assert r.links_checked > 10
        if t.systems:
            assert {s.url: s.reachable for s in r.systems} == t.systems
        if t.no_recent_messages is not None:
            assert len(r.interaction) == 1
            assert r.interaction[0].unanswered_veto_evidence == t.interaction_veto, r.site_code
            assert r.interaction[0].no_recent_messages == t.no_recent_messages, r.site_code


def test_politeness(scanned):
    web, _, _ = scanned
    # A cookie jar per site scan: a site's own cookies go back to it, never to another site.
    assert web.cookies_seen > 0 and web.foreign_cookies == 0
    assert max(web.max_inflight.values()) <= 2


def test_truth_covers_interesting_cases(scanned):
    web, res, _ = scanned
    truths = [web.truth(r.site_code) for r in res]
    for v in ("网站不更新", "栏目不更新", "互动回应差"):
        assert any(v in t.vetoes for t in truths), v
    assert any(not t.vetoes for t in truths)
    assert {t.encoding for t in truths} >= {"utf-8", "gbk"}


def test_ssrf_guard_refuses_private_and_rechecks_redirects(monkeypatch):
    async def go():
        async with SyntheticWeb(1, seed=1) as web:
            cfg = _cfg(web, allow_private=False)
            async with Fetcher(cfg) as f:
                r1 = await f.fetch(f"http://s00000.gov.test:{web.port}/")
                r2 = await f.fetch(f"http://127.0.0.1:{web.port}/")
                r3 = await f.fetch("http://169.254.169.254/latest/meta-data/")
                r4 = await f.fetch("http://[::1]/")
            # Treat 127.0.0.1 as "public" so the first hop passes; the redirect to 127.0.0.2 must be refused.
            monkeypatch.setattr(fetch_mod, "ip_is_public", lambda ip: ip == "127.0.0.1")
            cfg = _cfg(web, allow_private=False, host_map={**web.host_map(), "intranet.gov.test": "127.0.0.2"})
            async with Fetcher(cfg) as f:
                ok = await f.fetch(f"http://s00000.gov.test:{web.port}/")
                r5 = await f.fetch(f"http://s00000.gov.test:{web.port}/goto?u=" + quote(f"http://intranet.gov.test:{web.port}/"))
                r6 = await f.fetch(f"http://s00000.gov.test:{web.port}/goto?u=" + quote("http://127.0.0.2/"))
            return r1, r2, r3, r4, ok, r5, r6
    r1, r2, r3, r4, ok, r5, r6 = aio.run(go())
    assert [r.error for r in (r1, r2, r3, r4)] == ["ssrf_refused"] * 4
    assert ok.ok
    assert r5.error == "ssrf_refused" and r5.redirects and r6.error == "ssrf_refused"


def test_per_host_rate_limit_and_redirect_cap():
    async def go():
        async with SyntheticWeb(1, seed=1, bad_kinds=["endless_redirect"]) as web:
            async with Fetcher(_cfg(web, per_host_rate=20.0)) as f:
                t0 = time.monotonic()
                await asyncio.gather(*(f.fetch(f"http://s00000.gov.test:{web.port}/files/report.pdf") for _ in range(10)))
                dt = time.monotonic() - t0
            async with Fetcher(_cfg(web, max_redirects=5)) as f:
                loop = await f.fetch(f"http://bad-endless-redirect.gov.test:{web.port}/")
            return dt, loop
    dt, loop = aio.run(go())
    assert dt >= 0.4
    assert loop.error == "too_many_redirects" and len(loop.redirects) == 6


def test_retry_on_transient_only():
    async def go():
        async with SyntheticWeb(1, seed=1, bad_kinds=["flapping"]) as web:
            async with Fetcher(_cfg(web)) as f:
                flap = await f.fetch(f"http://bad-flapping.gov.test:{web.port}/")
                nf = await f.fetch(f"http://s00000.gov.test:{web.port}/missing/1.html")
            return flap, nf
    flap, nf = aio.run(go())
    assert flap.ok and flap.attempts == 2
    assert nf.error == "http_status" and nf.status == 404 and nf.attempts == 1


def test_probe_sites_feed_the_availability_verdict():
    from sitecensus.scanner.engine import availability_verdict, probe_sites

    async def go():
        async with SyntheticWeb(2, seed=1, bad_kinds=["dead", "hang"]) as web:
            urls = [web.homepage_url(h) for h in web.hosts()]
            return await probe_sites(urls, _cfg(web, timeout=1.0))
    probes = aio.run(go())
    assert [p.success for p in probes] == [True, True, False, False]
    assert [p.error for p in probes[2:]] == ["http_status", "timeout"]
    v = availability_verdict(probes)
    assert v.failures == 2 and v.verdict == "insufficient_data"
