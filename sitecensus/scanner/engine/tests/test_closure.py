"""Closure notices and the old site's end (engine/closure.py), on a synthetic web on 127.0.0.1:
the tuning shapes and the held-out shapes (written before the detector, never tuned on) are each
served and observed; both scores are printed and every shape must be right."""

import asyncio
from datetime import date

import pytest

from sitecensus.scanner.engine import ScanConfig
from sitecensus.scanner.engine.closure import (check_gone, find_notice, observe_notice, period_held,
                                               redirects_elsewhere)
from sitecensus.scanner.engine.fetch import Fetcher
from sitecensus.scanner.engine.testing.lifeweb import LifeWeb, closed_port
from sitecensus.scanner.engine import aio

from . import closure_heldout, closure_tuning

DAY = date(2026, 11, 2)


def _cfg(hosts, **kw):
    return ScanConfig(allow_private=True, host_map={h: "127.0.0.1" for h in hosts}, timeout=20.0, retries=0,
                      retry_backoff=0.01, check_https=False, check_links=False, **kw)


async def _observe_all(shapes, notice_path):
    web = LifeWeb()
    await web.start()
    hosts = []
    try:
        for i, shape in enumerate(shapes):
            host = f"s{i}.closure.gov.cn"
            hosts.append(host)
            web.page(host, "/", shape["homepage"], encoding=shape.get("encoding", "utf-8"))
            if shape["notice"] is not None:
                web.page(host, notice_path, shape["notice"])
        async with Fetcher(_cfg(hosts)) as fetcher:
            return await asyncio.gather(*[
                observe_notice(fetcher, web.url(h), web.url(h, notice_path), on=DAY, site_name=s["site_name"])
                for h, s in zip(hosts, shapes)])
    finally:
        await web.stop()


def _score(shapes, notice_path, label):
    observed = aio.run(_observe_all(shapes, notice_path))
    wrong = [(s["name"], s["truth"], o.status, o.how, o.excerpt, o.reason)
             for s, o in zip(shapes, observed) if o.status != s["truth"]]
    print(f"\nclosure notices, {label}: {len(shapes) - len(wrong)}/{len(shapes)} right")
    return observed, wrong


def test_tuning_shapes():
    _observed, wrong = _score(closure_tuning.TUNING, closure_tuning.NOTICE, "tuning")
    assert not wrong, wrong


def test_held_out_shapes():
    observed, wrong = _score(closure_heldout.HELD_OUT, closure_heldout.NOTICE, "held-out")
    assert not wrong, wrong
    for shape, obs in zip(closure_heldout.HELD_OUT, observed):  # evidence or no verdict
        if obs.status == "present":
            assert obs.excerpt and obs.how in ("link", "text"), shape["name"]
        else:
            assert obs.reason, shape["name"]


def test_an_unreachable_homepage_is_undetermined():
    async def go():
        async with Fetcher(_cfg(["gone.gov.cn"])) as fetcher:
            url = f"http://gone.gov.cn:{closed_port()}/"
            return await observe_notice(fetcher, url, url + "gg.html", on=DAY)
    obs = aio.run(go())
    assert obs.status == "unknown" and "无法判定" in obs.reason


def test_a_notice_without_the_recorded_link_is_found_by_its_words_only_when_the_site_speaks_of_itself():
    page = '<html><body><a href="/other.html">关于本网站整合的公告</a></body></html>'
    found = find_notice(page, "http://a.gov.cn/", notice_url="http://a.gov.cn/gg.html")
    assert found.found and found.how == "text"
    other = '<html><body><a href="/x.html">某县教育局网站关停公告</a></body></html>'
    assert find_notice(other, "http://a.gov.cn/", site_name="某县教育局网站").found


@pytest.mark.parametrize("statuses, held", [
    (["present"] * 5, True),
    (["present", "present", "absent", "present", "present"], False),
    (["present", "unknown", "unknown", "unknown", "present"], None),
])
def test_the_notice_must_stay_for_the_whole_period(statuses, held):
    start = date(2026, 11, 1)
    days = [0, 7, 14, 21, 28]
    obs = [{"on": date.fromordinal(start.toordinal() + d).isoformat(), "status": s} for d, s in zip(days, statuses)]
    verdict, reason = period_held(obs, start, date(2026, 12, 1), max_gap=7)
    assert verdict is held and reason


def test_after_the_period_the_old_site_is_gone_redirected_or_still_serving():
    async def go():
        web = LifeWeb()
        await web.start()
        try:
            web.page("old-a.gov.cn", "/", "<html><body><p>本网站已关停，感谢关注。</p></body></html>")
            web.redirect("old-b.gov.cn", "/", "http://www.target.gov.cn:{}/".format(web.port))
            web.page("www.target.gov.cn", "/", "<html><body>门户</body></html>")
            web.page("old-c.gov.cn", "/", "<html><body>" + "".join(
                f'<a href="/n/{i}.html">新闻{i}</a>' for i in range(30)) + "</body></html>")
            web.page("old-d.gov.cn", "/", '<html><head><meta http-equiv="refresh" content="0;url=http://www.target.gov.cn:'
                     f'{web.port}/"></head><body></body></html>')
            web.redirect("old-e.gov.cn", "/", "http://www.elsewhere.com:{}/".format(web.port))
            web.page("www.elsewhere.com", "/", "<html><body>广告</body></html>")
            hosts = ["old-a.gov.cn", "old-b.gov.cn", "www.target.gov.cn", "old-c.gov.cn", "old-d.gov.cn",
                     "old-e.gov.cn", "www.elsewhere.com", "old-f.gov.cn"]
            target = web.url("www.target.gov.cn")
            async with Fetcher(_cfg(hosts)) as fetcher:
                return await asyncio.gather(
                    check_gone(fetcher, web.url("old-a.gov.cn")),
                    check_gone(fetcher, web.url("old-b.gov.cn"), target_url=target),
                    check_gone(fetcher, web.url("old-c.gov.cn")),
                    check_gone(fetcher, web.url("old-d.gov.cn"), target_url=target),
                    check_gone(fetcher, web.url("old-e.gov.cn"), target_url=target),
                    check_gone(fetcher, f"http://old-f.gov.cn:{closed_port()}/"),
                    check_gone(fetcher, web.url("old-a.gov.cn", "/nothing")))
        finally:
            await web.stop()
    a, b, c, d, e, f, g = aio.run(go())
    assert (a.verdict, a.verified) == ("tombstone", True)
    assert (b.verdict, b.verified) == ("redirected", True) and b.redirects
    assert (c.verdict, c.verified) == ("serving", False) and c.excerpt
    assert (d.verdict, d.verified) == ("redirected", True)
    assert (e.verdict, e.verified) == ("serving", False) and "不是目标网站" in e.reason
    assert (f.verdict, f.verified) == ("gone", True)
    assert (g.verdict, g.verified) == ("gone", True)


def test_redirects_elsewhere_compares_registrable_domains():
    assert redirects_elsewhere("http://www.laishui.gov.cn/", "https://www.baoding.gov.cn/")
    assert not redirects_elsewhere("http://www.laishui.gov.cn/", "https://laishui.gov.cn/index.html")
    assert not redirects_elsewhere("http://jyj.laishui.gov.cn/", "http://www.laishui.gov.cn/jyj/")
