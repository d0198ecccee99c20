"""A synthetic government web on 127.0.0.1 for discovery's tests, its browser test and its bench:
registered sites whose homepages link to unregistered ones (and to non-government hosts), one that
redirects to its new address, a host nobody links to (found only by a DNS guess), and hosts only an
imported list names. Every host is reached through the scanner's host map on loopback."""

from __future__ import annotations

from aiohttp import web
from django.utils import timezone

from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website, WebsiteDomain
from sitecensus.registry.formspec.identity import normalize_url, site_key
from sitecensus.registry.testing import sample_filing

DOMAIN = "lsdisc.gov.cn"


def _page(title: str, body: str, *, code: str = "", footer: str = "") -> str:
    meta = f'<meta name="SiteIDCode" content="{code}">' if code else ""
    return (f"<!doctype html><html><head><meta charset=\"utf-8\">{meta}<title>{title}</title></head><body>"
            f"<h1>{title}</h1>{body}<div class=\"footer\">{footer}</div></body></html>")


class DiscoveryWeb:
    """Hosts → pages, by the Host header, on one loopback port."""

    def __init__(self):
        self.port = 0
        self.pages: dict[str, str] = {}
        self.redirects: dict[str, str] = {}
        self._runner = None

    def url(self, host: str) -> str:
        return f"http://{host}:{self.port}/"

    def host_map(self) -> dict[str, str]:
        return {h: "127.0.0.1" for h in [*self.pages, *self.redirects]}

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").split(":", 1)[0].lower()
        if host in self.redirects and request.path == "/":
            raise web.HTTPFound(self.redirects[host])
        if host in self.pages and request.path == "/":
            return web.Response(text=self.pages[host], content_type="text/html", charset="utf-8")
        return web.Response(status=404, text="<html><body>页面不存在</body></html>", content_type="text/html")

    async def start(self) -> int:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        self.build()
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def build(self) -> None:
        """The pages (links carry the port the server got)."""
        u = self.url
        self.pages = {
            f"www.{DOMAIN}": _page("涞水发现测试县人民政府", (
                f'<a href="{u("jyj." + DOMAIN)}">县教育局</a> <a href="{u("www.shop-example.com")}">网上商城</a> '
                f'<a href="{u("sthj.bdtest.gov.cn")}">生态环境</a> <a href="{u("old." + DOMAIN)}">旧版网站</a>'),
                footer="主办单位：涞水县人民政府办公室 网站标识码：1306239901"),
            f"jyj.{DOMAIN}": _page("县教育局", "<p>教育新闻</p>", footer="主办：涞水县教育局 冀ICP备09999999号"),
            "www.shop-example.com": _page("网上商城", "<p>商品</p>", footer="某某公司"),
            "sthj.bdtest.gov.cn": _page("生态环境", "<p>环境新闻</p>", footer="主办单位：保定市生态环境局"),
            f"new.{DOMAIN}": _page("涞水发现测试县政务公开", "<p>政务公开</p>", code="1306239902",
                                   footer="主办单位：涞水县人民政府办公室"),
            f"zwfw.{DOMAIN}": _page("政务服务", "<p>办事指南</p>", footer="主办单位：涞水县卫生健康局"),
            "wangban.shanxi.gov.cn": _page("网上办事", "<p>办事</p>"),
            f"tousu.{DOMAIN}": _page("投诉平台", "<p>投诉</p>"),
            f"gongbao.{DOMAIN}": _page("政府公报", "<p>公报</p>", footer="网站标识码：1306239901"),
        }
        self.redirects = {f"old.{DOMAIN}": u("new." + DOMAIN)}

    # ------------------------------------------------------------ what the tests expect

    def registered(self) -> list[tuple[str, str, str]]:
        """(host, name, code) of the sites registered before discovery runs."""
        return [(f"www.{DOMAIN}", "涞水发现测试县人民政府", "1306239901"),
                (f"old.{DOMAIN}", "涞水发现测试县政务公开", "1306239902")]

    def expected(self) -> dict[str, tuple[str, str]]:
        """Host → (how it is found, attribution kind) for every unregistered government site."""
        return {f"jyj.{DOMAIN}": ("link", "unit"), "sthj.bdtest.gov.cn": ("link", "unit"),
                f"new.{DOMAIN}": ("redirect", "site"), f"zwfw.{DOMAIN}": ("dns", "unit"),
                "wangban.shanxi.gov.cn": ("import", "province"), f"gongbao.{DOMAIN}": ("import", "site"),
                f"tousu.{DOMAIN}": ("import", "domain")}

    def never(self) -> list[str]:
        return ["www.shop-example.com", "www.example.com"]

    def import_csv(self) -> bytes:
        rows = ["网站名称,网址", f"网上办事,{self.url('wangban.shanxi.gov.cn')}", f"政府公报,gongbao.{DOMAIN}:{self.port}",
                f"商业网站,http://www.example.com:{self.port}/", f"投诉平台,{self.url('tousu.' + DOMAIN)}"]
        return ("\n".join(rows) + "\n").encode("utf-8")


def register(web_: DiscoveryWeb, organizer: Unit, unit: Unit) -> list[Website]:
    """The synthetic web's registered sites, approved and coded, with their identity keys."""
    sites = []
    for host, name, code in web_.registered():
        url = web_.url(host)
        site = Website.objects.create(unit=unit, organizer=organizer, name=name, homepage_url=url,
                                      url_key=normalize_url(url), site_class="县级政府门户",
                                      status=Website.Status.APPROVED, site_code=code, approved_at=timezone.now(),
                                      data=sample_filing(name=name, url=url, unit_name=unit.name,
                                                         site_class="县级政府门户").basic)
        WebsiteDomain.objects.create(website=site, key=site_key(url), field="homepage_url")
        sites.append(site)
    return sites
