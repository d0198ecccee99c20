"""A synthetic government web for the compliance checks: sites built to pass every item and sites built to fail
one (or to leave it 无法判定), served by Host header on 127.0.0.1 AND ::1 on one port, each with its truth.

    web = ComplianceWeb()
    await web.start()
    cfg = ScanConfig(allow_private=True, host_map=web.host_map(), host_map6=web.host_map6(), as_of=web.as_of)
    results = await scan_sites(parse_targets(web.targets()), cfg)
    web.truth(site_code)   # {item code: "pass" | "fail" | "undetermined"}

Over ::1 a site answers as over 127.0.0.1 unless built not to (v6_down: 503; v6_different: another page;
v6_third: its articles are missing). `serve_ipv6(web_)` adds a ::1 listener to any aiohttp-served synthetic web.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, timedelta

from aiohttp import web

from .served import Served

AS_OF = date(2025, 6, 30)
ITEMS = ("site_id", "emblem", "jiucuo", "icp", "psb", "domain_suffix", "main_domain", "ipv6",
         "a11y_title", "a11y_lang", "a11y_alt", "a11y_labels", "a11y_entry")

# name -> (flaws, {item: expected status other than pass}); host www.<name>.gov.cn unless the flaw says.
SITES: dict[str, tuple[set, dict]] = {
    "good": (set(), {}),
    "footer-code": ({"footer_code_wrong"}, {"site_id": "fail"}),
    "meta-code": ({"meta_code_wrong"}, {"site_id": "fail"}),
    "jiucuo-code": ({"jiucuo_code_wrong"}, {"site_id": "fail"}),
    "no-footer-code": ({"no_footer_code"}, {"site_id": "fail"}),
    "no-emblem": ({"no_emblem"}, {"emblem": "fail"}),
    "emblem-error": ({"emblem_error"}, {"emblem": "fail"}),
    "no-jiucuo": ({"no_jiucuo"}, {"jiucuo": "fail"}),
    "no-icp": ({"no_icp"}, {"icp": "fail"}),
    "icp-other": ({"icp_other"}, {"icp": "fail"}),
    "icp-unfiled": ({"icp_unfiled"}, {"icp": "undetermined"}),
    "no-psb": ({"no_psb"}, {"psb": "fail"}),
    "psb-other": ({"psb_other"}, {"psb": "fail"}),
    "com": ({"com_domain"}, {"domain_suffix": "fail"}),
    "redirect": ({"redirects_away"}, {"main_domain": "fail"}),
    "dept-good": ({"department"}, {}),
    "dept-outside": ({"department_outside"}, {"domain_parent": "fail"}),
    "no-aaaa": ({"no_aaaa"}, {"ipv6": "fail"}),
    "v6-down": ({"v6_down"}, {"ipv6": "fail"}),
    "v6-different": ({"v6_different"}, {"ipv6": "fail"}),
    "v6-third": ({"v6_third"}, {"ipv6": "fail"}),
    "no-title": ({"no_title"}, {"a11y_title": "fail"}),
    "no-lang": ({"no_lang"}, {"a11y_lang": "fail"}),
    "img-alt": ({"img_no_alt"}, {"a11y_alt": "fail"}),
    "unlabeled": ({"unlabeled"}, {"a11y_labels": "fail"}),
    "no-entry": ({"no_a11y_entry"}, {"a11y_entry": "fail"}),
}
PORTAL = "www.good.gov.cn"
OUTSIDE = ("beian.miit.gov.cn", "www.beian.gov.cn", "bszs.conac.cn")  # the footer's links: answered here too


@dataclass
class Site:
    name: str
    index: int
    flaws: set
    expect: dict
    host: str = ""
    code: str = ""
    icp: str = ""
    psb: str = ""
    columns: list = field(default_factory=lambda: ["xwdt", "tzgg", "zcwj", "zwzx"])

    def __post_init__(self):
        self.code = f"13{self.index:08d}"
        self.icp = f"冀ICP备{10000000 + self.index:08d}号-1"
        self.psb = f"冀公网安备 {13010002000000 + self.index}号"
        if "com_domain" in self.flaws:
            self.host = f"www.{self.name}-gov.com"
        elif "department" in self.flaws:
            self.host = f"jyj.{PORTAL.removeprefix('www.')}"
        elif "department_outside" in self.flaws:
            self.host = f"www.jyj{self.index}.gov.cn"
        else:
            self.host = f"www.{self.name}.gov.cn"


def sites() -> list[Site]:
    return [Site(n, i, set(f), dict(e)) for i, (n, (f, e)) in enumerate(SITES.items())]


def _titles(site: Site, cid: str, n: int) -> str:
    words = ["召开全区经济工作会议", "部署安全生产工作", "推进政务服务改革", "优化营商环境专题会", "开展乡村振兴调研",
             "发布重点项目公示", "通报生态环境检查", "落实民生实事项目"]
    return f"{words[(n + len(cid)) % len(words)]}（{site.name}{cid}{n}）"


def page(site: Site, title: str, body: str, *, v6: bool = False) -> str:
    f = site.flaws
    meta = site.code if "meta_code_wrong" not in f else "1399999999"
    footer = site.code if "footer_code_wrong" not in f else "1388888888"
    jc = site.code if "jiucuo_code_wrong" not in f else "1377777777"
    if v6 and "v6_different" in f:
        title, body = "IPv6 测试页", "<p>It works over IPv6</p>"
    lang = "" if "no_lang" in f else ' lang="zh-CN"'
    t = "" if "no_title" in f else title
    entry = "" if "no_a11y_entry" in f else '<a href="javascript:;" id="toolbarSwitch">无障碍</a> <a href="/slh/">适老化</a>'
    search = ('<form action="/search/"><input name="q" type="text"><button type="submit">搜索</button></form>'
              if "unlabeled" in f else
              '<form action="/search/"><label for="q">站内搜索</label><input id="q" name="q" type="text">'
              '<button type="submit">搜索</button></form>')
    logo = '<img src="/img/logo.png">' if "img_no_alt" in f else '<img src="/img/logo.png" alt="网站徽标">'
    emblem = ("" if "no_emblem" in f else
              '<span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&id=ABC123" target="_blank">'
              f'<img id="imgConac" src="/img/{"red_error" if "emblem_error" in f else "red"}.png" alt="党政机关"></a></span>')
    jiucuo = "" if "no_jiucuo" in f else f"<script id=\"_jiucuo_\" sitecode='{jc}' src='/js/jiucuo.js'></script>"
    code_line = "" if "no_footer_code" in f else f"网站标识码：{footer}"
    icp = "" if "no_icp" in f else (f"冀ICP备99999999号" if "icp_other" in f else site.icp)
    psb = "" if "no_psb" in f else ("冀公网安备 13999999999999号" if "psb_other" in f else site.psb)
    return (f'<!DOCTYPE html><html{lang}><head><meta charset="utf-8">'
            f'<meta name="SiteIDCode" content="{meta}"><title>{t}</title></head><body>'
            f'<div class="top">{entry} {search}</div><div class="logo">{logo}</div>'
            '<ul class="nav"><li><a href="/">首页</a></li>'
            + "".join(f'<li><a href="/col/{c}/index.html">栏目{c}</a></li>' for c in site.columns) + "</ul>"
            + body +
            f'<div class="footer"><p>主办：测试市人民政府办公室 电话：0312-1234567</p><p>{code_line} '
            f'<a href="https://beian.miit.gov.cn/">{icp}</a> <a href="http://www.beian.gov.cn/portal/">{psb}</a></p>'
            f'{emblem}{jiucuo}</div></body></html>')


def home(site: Site, as_of: date, *, v6: bool = False) -> str:
    boxes = []
    for c in site.columns:
        rows = "".join(f'<li><a href="/art/{c}/{n}.html">{_titles(site, c, n)}</a>'
                       f'<span>{as_of - timedelta(days=n + 1):%Y-%m-%d}</span></li>' for n in range(5))
        boxes.append(f'<div class="box"><h3><a href="/col/{c}/index.html">栏目{c}</a></h3><ul>{rows}</ul></div>')
    return page(site, f"{site.name}人民政府门户网站", "".join(boxes), v6=v6)


def column(site: Site, cid: str, as_of: date, *, v6: bool = False) -> str:
    rows = "".join(f'<li><a href="/art/{cid}/{n}.html">{_titles(site, cid, n)}</a>'
                   f'<span>{as_of - timedelta(days=2 * n + 1):%Y-%m-%d}</span></li>' for n in range(8))
    return page(site, f"栏目{cid} - {site.name}人民政府", f'<div class="list"><ul>{rows}</ul></div>', v6=v6)


def article(site: Site, cid: str, n: int, as_of: date, *, v6: bool = False) -> str:
    d = as_of - timedelta(days=2 * n + 1)
    text = "".join(f"<p>{_titles(site, cid, k)}，会议要求各部门认真贯彻落实。</p>" for k in range(6))
    return page(site, f"{_titles(site, cid, n)} - {site.name}人民政府",
                f"<h1>{_titles(site, cid, n)}</h1><p>发布日期：{d:%Y-%m-%d}</p>{text}", v6=v6)


class ComplianceWeb(Served):
    def __init__(self, *, as_of: date = AS_OF):
        self.as_of = as_of
        self.sites = sites()
        self.by_host = {s.host: s for s in self.sites}
        self.other_host = "www.elsewhere.gov.cn"   # where the "redirect" site sends its homepage
        self.port = 0
        self.requests = {"v4": 0, "v6": 0}
        self._runner: web.AppRunner | None = None

    def site(self, name: str) -> Site:
        return next(s for s in self.sites if s.name == name)

    def site_by_code(self, code: str) -> Site:
        return next(s for s in self.sites if s.code == code)

    def base(self, s: Site) -> str:
        return f"http://{s.host}:{self.port}"

    def host_map(self) -> dict[str, str]:
        return {**{h: "127.0.0.1" for h in (*self.by_host, *OUTSIDE)}, self.other_host: "127.0.0.1"}

    def host_map6(self) -> dict[str, str]:
        out = {h: ("" if "no_aaaa" in s.flaws else "::1") for h, s in self.by_host.items()}
        out[self.other_host] = "::1"
        return out

    def targets(self) -> list[dict]:
        out = []
        for s in self.sites:
            b = self.base(s)
            dept = bool({"department", "department_outside"} & s.flaws)
            out.append({
                "site_code": s.code, "homepage": b + "/",
                "columns": [{"name": f"栏目{c}", "url": f"{b}/col/{c}/index.html", "class": "动态要闻"}
                            for c in s.columns],
                "identity": {"icp": "" if "icp_unfiled" in s.flaws else s.icp, "psb": s.psb,
                             "site_class": "县级政府部门网站" if dept else "县级政府门户",
                             "portal_host": PORTAL if dept else "", "domains": []},
            })
        return out

    def truth(self, code: str) -> dict[str, str]:
        s = next(x for x in self.sites if x.code == code)
        items = list(ITEMS) + (["domain_parent"] if {"department", "department_outside"} & s.flaws else [])
        return {i: s.expect.get(i, "pass") for i in items}

    # -- serving
    async def start(self) -> int:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.2)
        await self._runner.setup()
        self.port = await listen_dual(self._runner)
        return self.port

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").rsplit(":", 1)[0].lower()
        v6 = is_v6(request)
        self.requests["v6" if v6 else "v4"] += 1
        if host in OUTSIDE:
            return self._html("<html lang='zh-CN'><head><title>备案与标识</title></head><body>查询</body></html>")
        if host == self.other_host:
            return self._html("<html lang='zh-CN'><head><title>另一个网站</title></head><body>另一个网站</body></html>")
        s = self.by_host.get(host)
        if s is None:
            return web.Response(status=404, text="unknown site")
        if v6 and "v6_down" in s.flaws:
            return web.Response(status=503, text="IPv6 service unavailable")
        path = request.path
        if path in ("/", "/index.html"):
            if "redirects_away" in s.flaws:
                raise web.HTTPFound(f"http://{self.other_host}:{self.port}/")
            return self._html(home(s, self.as_of, v6=v6))
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "col" and parts[1] in s.columns:
            return self._html(column(s, parts[1], self.as_of, v6=v6))
        if len(parts) == 3 and parts[0] == "art" and parts[1] in s.columns and parts[2][:-5].isdigit():
            if v6 and "v6_third" in s.flaws:
                return web.Response(status=404, text="not found")
            return self._html(article(s, parts[1], int(parts[2][:-5]), self.as_of, v6=v6))
        if path.startswith("/img/"):
            return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
        if path == "/js/jiucuo.js":
            return web.Response(text="/* 找错 */", content_type="application/javascript")
        if path in ("/slh/", "/search/"):
            return self._html(page(s, "适老化服务", "<p>适老化</p>"))
        return web.Response(status=404, text="not found")

    @staticmethod
    def _html(html: str) -> web.Response:
        return web.Response(body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


def is_v6(request: web.Request) -> bool:
    sock = request.transport.get_extra_info("sockname") if request.transport else None
    return bool(sock) and ":" in str(sock[0])


async def listen_dual(runner: web.AppRunner, tries: int = 20) -> int:
    """Listen on 127.0.0.1 and ::1 on one (ephemeral) port: a URL reads the same over IPv4 and IPv6."""
    last = None
    for _ in range(tries):
        s4 = web.TCPSite(runner, "127.0.0.1", 0, backlog=512)
        await s4.start()
        port = s4._server.sockets[0].getsockname()[1]
        try:
            s6 = web.TCPSite(runner, "::1", port, backlog=512)
            await s6.start()
            return port
        except OSError as e:  # the port is taken on ::1: try another
            last = e
            await s4.stop()
    raise OSError(f"no port free on both 127.0.0.1 and ::1: {last}")


def dual_free_port(tries: int = 50) -> int:
    """A port free on both 127.0.0.1 and ::1 (for a synthetic web started with port=…, then serve_ipv6)."""
    import socket
    for _ in range(tries):
        with socket.socket(socket.AF_INET6) as a:
            a.bind(("::1", 0))
            port = a.getsockname()[1]
            with socket.socket(socket.AF_INET) as b:
                try:
                    b.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise OSError("no port free on both 127.0.0.1 and ::1")


async def serve_ipv6(web_) -> None:
    """Add a ::1 listener on an already started synthetic web's port (its runner must be set up)."""
    await web.TCPSite(web_._runner, "::1", web_.port, backlog=512).start()


async def request_counts(n_sites: int = 10, seed: int = 3, *, links: bool = True) -> dict:
    """Requests of the same site scans on the same synthetic web (SyntheticWeb, served over 127.0.0.1 and ::1,
    every site with an AAAA record), without and with the compliance scan (IPv6 included)."""
    from ..config import ScanConfig
    from ..results import parse_targets
    from ..scan import scan_sites
    from .synthetic import SyntheticWeb

    web_ = SyntheticWeb(n_sites=n_sites, seed=seed, port=dual_free_port())
    await web_.start()
    try:
        await serve_ipv6(web_)
        out = {"sites": n_sites}
        for key, on in (("without", False), ("with", True)):
            cfg = ScanConfig(allow_private=True, host_map=web_.host_map(), as_of=web_.as_of, render=False,
                             host_map6={h: "::1" for h in web_.host_map()}, check_compliance=on,
                             check_links=links)
            results = await scan_sites(parse_targets(web_.targets()), cfg)
            out[key] = sum(r.requests for r in results)
            if on:
                out["ipv6_supported"] = sum(1 for r in results if r.ipv6 and r.ipv6.get("supported"))
        out["added"] = out["with"] - out["without"]
        out["ratio"] = out["added"] / out["without"] if out["without"] else 0.0
        return out
    finally:
        await web_.stop()
