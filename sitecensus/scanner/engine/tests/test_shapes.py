"""Page shapes of the real government web, each served as a whole synthetic site with its truth:
every verdict right, every finding with its evidence, and 无法判定 (never a veto) where the page
cannot be read. The render fallback drives Debian's Chromium against the local server only."""
import os
from datetime import date

import pytest

from sitecensus.scanner.engine import ScanConfig, parse_targets, probe_sites, scan_sites
from sitecensus.scanner.engine.testing.synthetic import SHAPE_KINDS, SyntheticWeb
from sitecensus.scanner.engine import aio

HAVE_CHROMIUM = os.access("/usr/bin/chromium", os.X_OK)
NEEDS_RENDER = {"js_rendered", "waf412"}


def _cfg(web, **kw):
    base = dict(allow_private=True, host_map=web.host_map(), as_of=web.as_of, timeout=20.0, retry_backoff=0.02,
                max_bytes=1_000_000, concurrency=32, render_timeout=15.0)
    base.update(kw)
    return ScanConfig(**base)


@pytest.fixture(scope="module")
def shaped():
    async def go():
        async with SyntheticWeb(0, seed=5, shapes=True) as web:
            res = await scan_sites(parse_targets(web.targets()), _cfg(web))
            probes = await probe_sites([web.homepage_url(h) for h in web.hosts()], _cfg(web))
            return web, {r.site_code: r for r in res}, probes
    return aio.run(go())


def _kinds():
    return [k for k in SHAPE_KINDS if HAVE_CHROMIUM or k not in NEEDS_RENDER]


def _get(shaped, kind):
    web, res, _ = shaped
    host = f"shape-{kind.replace('_', '-')}.gov.test"
    spec = web.spec(host)
    return web, res[spec.site_code], web.truth(spec.site_code)


@pytest.mark.parametrize("kind", _kinds())
def test_every_shape_gets_every_verdict_right(shaped, kind):
    web, r, t = _get(shaped, kind)
    h = r.homepage
    assert r.error is None, r.detail
    assert set(r.vetoes) == t.vetoes, (kind, r.vetoes, h)
    assert h.latest_date == t.latest_date, (kind, h)
    assert h.stale == t.homepage_stale, (kind, h)
    assert h.reachable == t.reachable and h.error == t.error, (kind, h.error)
    assert h.undetermined == t.home_undetermined, kind
    assert h.site_id_code == t.site_id_code, kind
    for c in r.columns:
        cid = c.url.rsplit("/", 2)[1]
        ct = t.columns[cid]
        assert (c.reachable, c.blank, c.stale, c.latest_date) == (ct.reachable, ct.blank, ct.stale, ct.latest_date), \
            (kind, c)
    if t.dead_links is not None:
        assert {d.url for d in r.dead_links} == t.dead_links, kind
    assert len(r.interaction) == 1 and r.interaction[0].unanswered_veto_evidence == t.interaction_veto, kind


@pytest.mark.parametrize("kind", _kinds())
def test_every_dated_verdict_carries_its_evidence(shaped, kind):
    web, r, t = _get(shaped, kind)
    h = r.homepage
    if h.latest_date is not None:
        e = h.evidence
        assert e is not None and e.date == h.latest_date and e.url and e.source, kind
        assert h.verdict_confidence in ("high", "medium", "undetermined"), kind
    else:
        assert h.undetermined and h.verdict_confidence == "undetermined"
        assert any(u.check == "homepage" for u in r.undetermined)
    for c in r.columns:
        if c.stale is not None and c.latest_date is not None:
            assert c.evidence is not None and c.evidence.date == c.latest_date, (kind, c)


EXPECTED_SOURCE = {
    "hanweb_xml": "script_xml", "json_list": "script_json", "docwrite": "document_write", "sibling_div": "sibling",
    "title_attr": "title_attr", "url_only": "url", "labels_article": "linked_article", "js_rendered": "rendered",
    "waf412": "rendered", "fullwidth": "visible_list", "cn_numeral": "visible_list",
    "date_in_link": "visible_list", "undated_main": "linked_article", "kaipu": "visible_list",
}


@pytest.mark.parametrize("kind", [k for k in EXPECTED_SOURCE if k in _kinds()])
def test_the_evidence_names_where_the_date_came_from(shaped, kind):
    _, r, _ = _get(shaped, kind)
    assert r.homepage.evidence.source == EXPECTED_SOURCE[kind], r.homepage.evidence


def test_static_path_follows_client_redirects_and_frames(shaped):
    for kind, part in (("meta_refresh", "/portal/index.html"), ("js_redirect", "/web/index.html"),
                       ("frameset", "/main.html"), ("splash", "/portal/index.html")):
        _, r, _ = _get(shaped, kind)
        assert any(u.endswith(part) for u in r.homepage.via), (kind, r.homepage.via)
        assert not r.homepage.rendered


def test_truly_frozen_sites_are_still_vetoed(shaped):
    # A missed veto is an error too: frozen sites in every date form keep their 网站不更新.
    for kind in ("hanweb_xml_stale", "cn_numeral_stale", "sibling_div_stale", "url_only_stale", "monthday_frozen"):
        _, r, t = _get(shaped, kind)
        assert "网站不更新" in r.vetoes and "网站不更新" in t.vetoes, kind
        assert r.homepage.evidence is not None and r.homepage.evidence.date == t.latest_date


def test_month_day_dates_take_the_year_from_the_page(shaped):
    _, r, t = _get(shaped, "monthday_frozen")
    assert r.homepage.latest_date.year == shaped[0].as_of.year - 1
    _, r, t = _get(shaped, "monthday_fresh")
    assert not r.homepage.stale and r.homepage.latest_date == t.latest_date


def test_pagination_slideshow_soft404_and_reply_status(shaped):
    _, r, t = _get(shaped, "ascending_col")
    c = r.columns[0]
    assert c.pages_read >= 2 and not c.stale and c.latest_date == t.columns[c.url.rsplit("/", 2)[1]].latest_date
    _, r, t = _get(shaped, "slideshow_col")
    c = r.columns[0]
    assert c.evidence.source == "linked_article" and "/90" not in c.evidence.url and "/91" not in c.evidence.url
    _, r, t = _get(shaped, "soft404_col")
    c = r.columns[3]
    assert c.soft404 and not c.blank and c.error == "soft_404"
    assert any(d.url == c.url and d.error == "soft_404" for d in r.dead_links)
    _, r, t = _get(shaped, "soft404_site")
    assert r.dead_links and {d.error for d in r.dead_links if "offline-" not in d.url} == {"soft_404"}
    _, r, t = _get(shaped, "status_reply")
    assert r.interaction[0].answered_by_status > 0


def test_no_readable_list_is_undetermined_not_a_veto(shaped):
    _, r, t = _get(shaped, "no_list")
    assert r.homepage.stale is None and "网站不更新" not in r.vetoes
    assert r.homepage.undetermined == "no_dated_list"
    assert r.verdict_confidence in ("partial", "undetermined")
    d = r.to_dict()
    assert d["homepage"]["undetermined"] == "no_dated_list" and d["homepage"]["verdict_confidence"] == "undetermined"
    assert d["undetermined"][0]["message"]


def test_probe_and_scan_agree_on_reachability(shaped):
    web, res, probes = shaped
    by_url = {p.url: p for p in probes}
    for h in web.hosts():
        spec = web.spec(h)
        r = res[spec.site_code]
        p = by_url[web.homepage_url(h)]
        assert p.success == r.homepage.reachable, (spec.kind, p, r.homepage.error)


@pytest.mark.parametrize("overrides,reasons", [
    ({"chromium_path": "/nonexistent/chromium"}, {"render_unavailable"}),
    ({"render_per_site": 0}, {"render_budget"}),   # the site's render budget is spent
    ({"render_max_pages": 0}, {"render_budget"}),  # an optional run-wide cap is spent
])
def test_without_chromium_or_past_the_cap_script_lists_are_undetermined_not_vetoed(overrides, reasons):
    async def go():
        async with SyntheticWeb(0, seed=5, shapes=["js_rendered", "waf412"]) as web:
            return await scan_sites(parse_targets(web.targets()), _cfg(web, **overrides))
    for r in aio.run(go()):
        assert r.vetoes == [], r.vetoes
        assert r.homepage.stale is None and r.renders == 0
        assert r.homepage.undetermined in reasons, r.homepage.undetermined
        assert any(u.check == "homepage" for u in r.undetermined)


def test_tls_failure_is_reported_and_the_content_still_judged(tmp_path):
    """A homepage with a certificate no one trusts: error "tls", yet reachable and judged on its content."""
    import shutil
    import ssl
    import subprocess

    from aiohttp import web as aweb

    from sitecensus.scanner.engine.testing.synthetic import render_home, site_spec

    if not shutil.which("openssl"):
        pytest.skip("openssl absent")
    key, crt = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(crt),
                    "-days", "2", "-subj", "/CN=tls-bad.gov.test"], check=True, capture_output=True)
    spec = site_spec(5, 7)
    web0 = SyntheticWeb(0)

    async def go():
        app = aweb.Application()

        async def home(request):
            return aweb.Response(text=render_home(spec, web0.as_of), content_type="text/html")
        app.router.add_get("/", home)
        runner = aweb.AppRunner(app)
        await runner.setup()
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(crt), str(key))
        site = aweb.TCPSite(runner, "127.0.0.1", 0, ssl_context=ctx)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            cfg = ScanConfig(allow_private=True, host_map={"tls-bad.gov.test": "127.0.0.1"}, as_of=web0.as_of,
                             timeout=20.0, check_links=False, render=False)
            home = f"https://tls-bad.gov.test:{port}/"
            return (await scan_sites(parse_targets([{"site_code": "1", "homepage": home, "columns": [
                {"name": "要闻", "url": home, "class": "动态要闻"}]}]), cfg))[0]
        finally:
            await runner.cleanup()
    r = aio.run(go())
    h = r.homepage
    assert h.error == "tls" and "证书" in h.message and h.https_ok is False
    assert h.reachable and h.latest_date is not None and h.evidence is not None and h.stale is not None
    # The site's columns are read and judged too (neither skipped nor left without a verdict).
    c = r.columns[0]
    assert c.reachable and c.latest_date == h.latest_date and c.stale is not None and c.undetermined is None
