"""A page-shape corpus: whole small sites, each shape one class of real-world page, each with its truth
fixed as data, served by Host header on 127.0.0.1 (reached through a host map only, never DNS).

Two parts (``testing/shapes/``): ``tuning.py`` (the shapes the engine is developed against, asserted one by
one in tests/test_shape_corpus.py) and ``heldout.py`` (written with its truth before the engine was changed
for them, never used to tune it; bench/scan_shapes.py reports its score apart). Every class of issue 19's
"Why" (1 newest-date-anywhere, 2 dates bound to entries, 3 not-seen-is-not-empty, 4 availability as a browser
sees it, 5 no site here, 6 smaller items) has at least two different shapes in each part.

A shape:

    Shape(name, cls, pages={"/": "<html>…", "/col/a/": Page(body=…, status=…, …)},
          columns=[("工作动态", "/col/a/", "动态要闻")],
          truth=Truth(vetoes={"网站不更新"}, home_latest=date(…), columns={"/col/a/": "stale"}, …))

Pages of the site's own host are keyed by path; other hosts (a platform's iframe) by "http://host/path".
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from aiohttp import web

from .served import Served

AS_OF = date(2026, 11, 20)
LOCAL = "127.0.0.1"
BROWSER_UA_MARK = "Chrome/"          # what a WAF against tools lets through
TOOL_UA_MARKS = ("sitecensus", "python", "aiohttp", "HeadlessChrome", "compatible;", "curl", "Go-http")


def d(days: int) -> date:
    """The scan day minus `days`."""
    return AS_OF - timedelta(days=days)


def epoch_ms(day: date, hour: int = 0, minute: int = 30) -> int:
    """Epoch milliseconds of a Beijing wall-clock time."""
    bj = timezone(timedelta(hours=8))
    return int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=bj).timestamp() * 1000)


@dataclass
class Page:
    body: str = ""
    status: int = 200
    ctype: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    tool_block: int | None = None     # status answered to tool user agents (a WAF against scanners)
    challenge: tuple | None = None    # (status, [cookie names]): one script round per cookie, then the page
    truncate: bool = False            # Content-Length promises more than is sent (the body stops early)
    head_status: int | None = None    # status answered to HEAD (servers that answer HEAD wrongly)
    tool_body: str | None = None      # the body of the tool refusal (default: a WAF page)


@dataclass
class Truth:
    vetoes: set = field(default_factory=set)
    home_latest: date | None = None            # checked when given
    home_stale: bool | None = None             # checked when not None
    columns: dict = field(default_factory=dict)  # path -> "fresh" | "stale" | "blank" | "undetermined"
    findings: set = field(default_factory=set)   # finding codes the scan must report (拒绝扫描器访问, 暗链 …)
    no_findings: set = field(default_factory=set)
    dead: set = field(default_factory=set)       # paths that must be reported dead
    not_dead: set = field(default_factory=set)   # paths that must not
    probe_up: bool | None = None                 # the availability probe's answer
    decidable: bool = True                       # a person decides at a glance: 无法判定 is a miss
    interaction_veto: bool | None = None


@dataclass
class Shape:
    name: str
    cls: int                                  # issue-19 class (1..6)
    pages: dict
    truth: Truth
    columns: list = field(default_factory=list)
    notfound: Page | None = None              # what unknown paths answer (None: a real 404)

    @property
    def host(self) -> str:
        return f"{self.name.replace('_', '-')}.gov.test"

    def hosts(self) -> set[str]:
        out = {self.host}
        for k in self.pages:
            if k.startswith("http"):
                out.add(k.split("//", 1)[1].split("/", 1)[0])
        return out

    def target(self, port: int) -> dict:
        base = f"http://{self.host}:{port}"
        return {"site_code": self.name, "homepage": base + "/",
                "columns": [{"name": n, "url": base + p, "class": c} for n, p, c in self.columns]}


def _is_tool(ua: str) -> bool:
    return BROWSER_UA_MARK not in ua or any(m in ua for m in TOOL_UA_MARKS)


class CorpusWeb(Served):
    """Serve shapes on one ephemeral loopback port; `host_map()` maps every shape host to 127.0.0.1."""

    def __init__(self, shapes: list[Shape]):
        self.shapes = shapes
        self.by_host: dict[str, Shape] = {}
        for s in shapes:
            for h in s.hosts():
                self.by_host[h] = s
        self.port = 0
        self._runner = None

    def host_map(self) -> dict[str, str]:
        return {h: LOCAL for h in self.by_host}

    def targets(self) -> list[dict]:
        return [s.target(self.port) for s in self.shapes]

    async def start(self) -> int:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, LOCAL, 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self.port

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").rsplit(":", 1)[0].lower()
        shape = self.by_host.get(host)
        if shape is None:
            return web.Response(status=404, text="unknown host")
        key = request.path_qs if host == shape.host else f"http://{host}{request.path_qs}"
        page = shape.pages.get(key)
        if page is None and key.endswith("index.html"):
            page = shape.pages.get(key[: -len("index.html")])
        if page is None:
            page = shape.notfound or Page("<html><head><title>404 Not Found</title></head><body><h1>404 Not Found"
                                          "</h1></body></html>", status=404)
        if isinstance(page, str):
            page = Page(page)
        ua = request.headers.get("User-Agent", "")
        if page.tool_block and _is_tool(ua):
            return web.Response(status=page.tool_block, content_type="text/html", charset="utf-8",
                                text=page.tool_body or "<html><head><title>访问被拒绝</title></head><body><h1>403 "
                                     "Forbidden</h1><p>您的访问请求被网站防火墙拦截（WAF）。</p></body></html>")
        if page.challenge:
            status, names = page.challenge
            cookies = request.cookies
            for i, n in enumerate(names):
                if n not in cookies:
                    script = (f"<html><head><meta charset='utf-8'><script>document.cookie='{n}=ok{i}; path=/';"
                              "location.reload();</script></head><body></body></html>")
                    return web.Response(status=status, content_type="text/html", charset="utf-8", text=script)
        if request.method == "HEAD" and page.head_status is not None:
            return web.Response(status=page.head_status)
        body = page.body
        for h in shape.hosts():  # absolute links to the corpus's own hosts reach this server's port
            body = body.replace(f"http://{h}/", f"http://{h}:{self.port}/")
        data = body.encode("utf-8")
        if page.truncate and request.method != "HEAD":
            resp = web.StreamResponse(status=page.status, headers={"Content-Type": page.ctype, **page.headers})
            resp.content_length = len(data) + 4000
            await resp.prepare(request)
            await resp.write(data)
            await asyncio.sleep(0)
            if request.transport is not None:
                request.transport.close()
            return resp
        return web.Response(status=page.status, body=data, headers={"Content-Type": page.ctype, **page.headers})


# ---------------------------------------------------------------- scoring

def score_site(shape: Shape, r, probe=None) -> list[str]:
    """What the scan got wrong on one shape (empty: right). r is a SiteResult (or its to_dict())."""
    t = shape.truth
    res = r.to_dict() if hasattr(r, "to_dict") else r
    wrong = []
    if set(res["vetoes"]) != set(t.vetoes):
        got, want = set(res["vetoes"]), set(t.vetoes)
        if got - want:
            wrong.append(f"false veto {sorted(got - want)}")
        if want - got:
            wrong.append(f"missed veto {sorted(want - got)}")
    h = res["homepage"]
    if t.home_latest is not None and h.get("latest_date") != t.home_latest.isoformat():
        wrong.append(f"homepage date {h.get('latest_date')} != {t.home_latest}")
    if t.home_stale is not None and h.get("stale") != t.home_stale:
        wrong.append(f"homepage stale {h.get('stale')} != {t.home_stale}")
    cols = {_path(c["url"]): c for c in res["columns"]}
    for path, want in t.columns.items():
        c = cols.get(path)
        if c is None:
            wrong.append(f"column {path} missing")
            continue
        got = ("undetermined" if c.get("undetermined") else "blank" if c.get("blank")
               else "stale" if c.get("stale") else "fresh" if c.get("stale") is False else "none")
        if got != want:
            wrong.append(f"column {path}: {got} != {want}")
    codes = {f["code"] for f in res.get("findings", [])}
    for f in t.findings - codes:
        wrong.append(f"missing finding {f}")
    for f in t.no_findings & codes:
        wrong.append(f"unexpected finding {f}")
    dead_paths = {_path(l["url"]) for l in res["dead_links"]}
    for p in t.dead - dead_paths:
        wrong.append(f"dead link {p} not reported")
    for p in t.not_dead & dead_paths:
        wrong.append(f"false dead link {p}")
    if t.decidable:
        und = [u for u in res.get("undetermined", []) if u["check"] in ("homepage",)
               or (u["check"] == "column" and t.columns.get(_path(u["url"])) not in (None, "undetermined"))]
        if und:
            wrong.append(f"无法判定 where a person decides: {[(u['check'], u['reason']) for u in und]}")
    if t.interaction_veto is not None:
        got = any(i["unanswered_veto_evidence"] for i in res["interaction"])
        if got != t.interaction_veto:
            wrong.append(f"interaction veto {got} != {t.interaction_veto}")
    if t.probe_up is not None and probe is not None and probe.success != t.probe_up:
        wrong.append(f"probe up {probe.success} != {t.probe_up} ({probe.error})")
    ve = {v["veto"]: v for v in res.get("veto_evidence", [])}
    for name in res["vetoes"]:
        v = ve.get(name)
        if v is None or v.get("reading") not in ("static", "rendered") or not v.get("evidence"):
            wrong.append(f"veto {name} without evidence from the deciding list or its reading")
    return wrong


def _path(url: str) -> str:
    rest = url.split("//", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


async def run_corpus(shapes: list[Shape], **cfg_kw):
    """Scan every shape (and probe its homepage) in one run; returns {name: (wrong_list, result, probe)}."""
    from ..config import ScanConfig
    from ..results import parse_targets
    from ..scan import probe_sites, scan_sites

    async with CorpusWeb(shapes) as w:
        kw = dict(allow_private=True, host_map=w.host_map(), as_of=AS_OF, timeout=5.0, retry_backoff=0.02,
                  render_timeout=10.0, concurrency=32)
        kw.update(cfg_kw)
        cfg = ScanConfig(**kw)
        res = await scan_sites(parse_targets(w.targets()), cfg)
        probes = await probe_sites([t["homepage"] for t in w.targets()], cfg)
    out = {}
    for s, r, p in zip(shapes, res, probes):
        out[s.name] = (score_site(s, r, p), r, p)
    return out


def summary(scored: dict) -> dict:
    wrong = {k: v[0] for k, v in scored.items() if v[0]}
    fv = sum(1 for w in wrong.values() if any(x.startswith("false veto") for x in w))
    mv = sum(1 for w in wrong.values() if any(x.startswith("missed veto") for x in w))
    und = sum(1 for w in wrong.values() if any(x.startswith("无法判定") for x in w))
    return {"shapes": len(scored), "right": len(scored) - len(wrong), "false_vetoes": fv, "missed_vetoes": mv,
            "undetermined_at_a_glance": und, "wrong": wrong}
