"""What a scan costs the sites and the scanner: connections reused, each page and each not-found
probe asked once per site, and an HTTPS check that never completes holding no worker and no slot."""
import asyncio
from collections import Counter
from urllib.parse import urlsplit

from sitecensus.scanner.engine import ScanConfig, iter_scan, parse_targets, scan_sites
from sitecensus.scanner.engine import fetch as fetch_mod
from sitecensus.scanner.engine.testing.synthetic import SyntheticWeb
from sitecensus.scanner.engine import aio


def _cfg(web, **kw):
    base = dict(allow_private=True, host_map=web.host_map(), as_of=web.as_of, timeout=8.0, render=False)
    base.update(kw)
    return ScanConfig(**base)


def _recorded_scan(web, cfg, monkeypatch):
    asked = []
    original = fetch_mod.Fetcher.fetch

    async def recording(self, url, *args, **kwargs):
        asked.append((url, kwargs.get("method", "GET")))
        return await original(self, url, *args, **kwargs)

    monkeypatch.setattr(fetch_mod.Fetcher, "fetch", recording)
    return asked


def test_connections_are_reused_across_a_sites_pages(monkeypatch):
    async def go():
        async with SyntheticWeb(3, seed=5) as web:
            res = await scan_sites(parse_targets(web.targets()), _cfg(web, check_https=False))
            return web, res
    web, res = aio.run(go())
    for host, conns in web.connections.items():
        r = next(r for r in res if urlsplit(r.homepage.url).hostname == host)
        assert r.requests >= 20, (host, r.requests)
        # Keep-alive: a few connections (at most per_host at once, plus reconnects) carry all of them.
        assert len(conns) <= r.requests / 4, (host, len(conns), r.requests)


def test_each_page_and_not_found_probe_is_asked_once_per_site(monkeypatch):
    async def go(asked):
        async with SyntheticWeb(4, seed=6, shapes=["soft404_site", "soft404_col"]) as web:
            await scan_sites(parse_targets(web.targets()), _cfg(web, check_https=False))
    asked = _recorded_scan(None, None, monkeypatch)
    aio.run(go(asked))
    dup = [k for k, n in Counter(asked).items() if n > 1]
    assert not dup, dup[:5]
    probes = Counter(urlsplit(u).netloc for u, _ in asked if "/sitecensus-" in u)
    assert probes and max(probes.values()) == 1, probes


def test_a_hanging_tls_handshake_holds_no_worker_and_no_slot():
    """One site worker, one page slot: every site's HTTPS check hangs, yet the next sites are scanned
    while the first check still waits (old behaviour: one site per https_timeout)."""
    async def go():
        async with SyntheticWeb(3, seed=7, hang_tls=True) as web:
            cfg = _cfg(web, concurrency=1, https_timeout=6.0, check_links=False)
            res = await scan_sites(parse_targets(web.targets()), cfg)
            return web, res
    web, res = aio.run(go())
    assert web.tls_hellos, "the HTTPS checks reached the hanging port"
    assert max(web.first_seen.values()) < min(web.tls_hellos) + 6.0, (web.first_seen, web.tls_hellos)
    for r in res:
        assert r.error is None and r.homepage.reachable
        assert r.homepage.https_ok is False and r.homepage.https_error == "timeout"


def test_global_slots_go_to_the_earliest_started_site_first():
    from sitecensus.scanner.engine.fetch import PrioritySlots

    async def go():
        slots, order = PrioritySlots(1), []
        await slots.acquire(0)

        async def site(priority):
            await slots.acquire(priority)
            order.append(priority)
            slots.release()
        waiting = [asyncio.ensure_future(site(p)) for p in (5, 2, 9, 1)]
        await asyncio.sleep(0)
        slots.release()
        await asyncio.gather(*waiting)
        return order
    assert aio.run(go()) == [1, 2, 5, 9]


def test_waiting_for_the_scanners_own_slots_is_not_the_sites_timeout():
    from sitecensus.scanner.engine.fetch import Fetcher

    async def go():
        async with SyntheticWeb(1, seed=8) as web:
            cfg = _cfg(web, concurrency=1, timeout=1.0)
            async with Fetcher(cfg) as f:
                await f._global.acquire(0)          # another site holds the only slot for 1.5 s
                asyncio.get_running_loop().call_later(1.5, f._global.release)
                return await f.fetch(web.targets()[0]["homepage"])
    r = aio.run(go())
    assert r.ok, (r.error, r.detail)
    assert r.queued_ms >= 1400 and r.latency_ms < r.queued_ms


def _never_accepting_port():
    """A port whose SYNs go unanswered (a filtered port): its one-place accept queue is kept full."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=5)
    return port, [server, filler]


def test_a_connect_that_never_completes_holds_no_page_slot():
    """Two page slots, and the first two sites' homepages sit on a port that never accepts: while their
    connects wait (a long connect timeout), the other sites are scanned through the lent page slots
    (old behaviour: both slots held for the connect timeout, the other sites behind them)."""
    port, keep = _never_accepting_port()

    async def go():
        async with SyntheticWeb(3, seed=9) as web:
            hm = {**web.host_map(), "filtered-a.gov.test": "127.0.0.1", "filtered-b.gov.test": "127.0.0.1"}
            cfg = _cfg(web, concurrency=2, connect_timeout=120.0, retries=0, check_https=False, check_links=False,
                       host_map=hm)
            raw = [{"site_code": f"F{k}", "homepage": f"http://filtered-{k}.gov.test:{port}/", "columns": []}
                   for k in "ab"] + web.targets()
            order = []
            async for r in iter_scan(parse_targets(raw), cfg):
                order.append(r.site_code)
                if len(order) == len(web.targets()):
                    break  # every reachable site is done: the filtered ones are not waited for
            return order, {t["site_code"] for t in web.targets()}
    try:
        order, reachable = aio.run(go())
    finally:
        for s in keep:
            s.close()
    assert set(order) == reachable, order
