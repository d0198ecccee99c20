"""A synthetic government web: many generated portal sites served by Host header from one
aiohttp server on 127.0.0.1, each with its TRUTH (expected verdicts) known as data.

Deterministic from (seed, as_of). Usage:

    web = SyntheticWeb(n_sites=20, seed=7, bad=True)
    await web.start()                 # ephemeral port
    targets = web.targets()           # registry JSON shape (list of dicts)
    cfg = ScanConfig(allow_private=True, host_map=web.host_map(), as_of=web.as_of)
    truth = web.truth(site_code)      # SiteTruth
    await web.stop()

Run standalone (for benchmarks, so the server has its own process):
    python -m sitecensus.scanner.engine.testing.synthetic --sites 1000 --seed 1 --port 0
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from aiohttp import web

from .. import aio
from ..config import load_rules, subtract_period
from .served import Served

AS_OF = date(2025, 6, 30)
LOCAL = "127.0.0.1"

# Bad kinds served on hosts "bad-<kind>.gov.test" with the error class the scan must report.
BAD_KINDS = {
    "malformed": None, "slow": None, "flapping": None, "redirect_chain": None,
    "endless_redirect": "too_many_redirects", "huge": "too_large", "binary": "not_html",
    "binary_as_html": "not_html", "hang": "timeout", "reset": "reset", "dead": "http_status",
    "dns": "dns", "invalid_url": "invalid_url",
}

# Page shapes common on real government sites, served on hosts "shape-<kind>.gov.test", each a whole site
# with its truth. Kinds ending in "_stale" (and monthday_frozen) are sites that truly stopped updating.
SHAPE_KINDS = {
    "hanweb_xml": "大汉/Hanweb: list inside <script type=text/xml> datastore records (CDATA)",
    "hanweb_xml_stale": "the same, frozen",
    "json_list": "list held as an inline JSON array, built by a script",
    "docwrite": "list written by document.write",
    "js_rendered": "list fetched and rendered by JavaScript after load (render fallback)",
    "meta_refresh": "homepage reached through <meta http-equiv=refresh>",
    "js_redirect": "homepage reached through window.location.href=",
    "frameset": "homepage is a <frameset>",
    "iframe_news": "the news block sits in an <iframe>",
    "fullwidth": "full-width digits ２０２５－０６－２８",
    "cn_numeral": "Chinese-numeral dates 二〇二五年六月二十八日",
    "cn_numeral_stale": "the same, frozen",
    "sibling_div": "div layout: the date in a sibling div of the link's div",
    "sibling_div_stale": "the same, frozen",
    "title_attr": "the date only in a title= attribute",
    "url_only": "the date only in the article URL (/art/2025/6/28/art_1.html)",
    "url_only_stale": "the same, frozen",
    "trs": "拓尔思/TRS: ./202506/t20250628_1.html links, createPageHTML pager",
    "kaipu": "开普: [2025-06-28] bracketed dates before the title",
    "monthday_fresh": "month-day dates (06-28) with the year from the page's other dates",
    "monthday_frozen": "month-day dates on a site frozen a year ago: a true veto",
    "labels_article": "undated homepage; articles with 生成日期 (newer), 出生日期 and 发布日期",
    "no_list": "no readable list anywhere: 无法判定, never a veto",
    "undated_main": "undated news lists beside an old dated notice box (the articles are newer)",
    "splash": "a splash page whose only link is 进入网站",
    "date_in_link": "the date in its own element inside the link (<a><p>title</p><span>date</span></a>)",
    "ascending_col": "a column listed oldest first over three pages (pagination)",
    "slideshow_col": "an undated column with an old picture slideshow ahead of the main list",
    "soft404_col": "a column answering 200 \"页面不存在\": a dead link, not a blank column",
    "soft404_site": "a site answering 200 with one generic page for every missing URL",
    "status_reply": "message table with 留言时间 and a status column (已办结/未回复), no reply date",
    "cookie302": "every page first answers 302 setting a cookie",
    "waf412": "a WAF answers 412 with a JavaScript cookie challenge (render fallback)",
    "big_fresh": "homepage over the byte cap, its news list at the top",
}
_FW_DIGITS = str.maketrans("0123456789-", "０１２３４５６７８９－")
_CN_D = "〇一二三四五六七八九"


def _cn_num(n: int) -> str:
    if n < 10:
        return _CN_D[n]
    return ("" if n < 20 else _CN_D[n // 10]) + "十" + (_CN_D[n % 10] if n % 10 else "")


def cn_date(d: date) -> str:
    return "".join(_CN_D[int(c)] for c in str(d.year)) + f"年{_cn_num(d.month)}月{_cn_num(d.day)}日"


_CITIES = ["东湖", "青山", "临江", "安平", "云溪", "长宁", "平阳", "永和", "清河", "龙泉", "白石", "新安"]
_WORDS = ["召开", "部署", "推进", "全市", "经济", "高质量发展", "专题会议", "优化营商环境", "安全生产", "乡村振兴",
          "政务服务", "工作会议", "调研", "检查", "重点项目", "民生实事", "生态环境", "招商引资", "公示", "通知"]
_WEEK = "一二三四五六日"
_FULL_FMTS = ["iso", "slash", "dot", "cn", "cn_time"]
_SHORT_FMTS = ["bracket", "paren"]

_CLASS_POOL_YEAR = ["人事", "规划计划", "领导", "机构", "地区介绍", "财政", "重大项目", "统计", "信息公开目录"]
_PERIOD_DAYS = {"动态要闻": 14, "通知公告": 182, "政策文件": 182}


def fmt_date(d: date, fmt: str) -> str:
    return {
        "iso": f"{d:%Y-%m-%d}",
        "slash": f"{d.year}/{d.month}/{d.day}",
        "dot": f"{d:%Y.%m.%d}",
        "cn": f"{d.year}年{d.month}月{d.day}日",
        "cn_time": f"{d:%Y年%m月%d日} 13时44分",
        "bracket": f"[{d:%m-%d}]",
        "paren": f"({d:%m-%d})",
    }[fmt]


@dataclass
class ColumnSpec:
    cid: str
    name: str
    cls: str
    dates: list  # newest first; None entries are undated items
    blank: bool = False
    undated: bool = False
    dead: bool = False          # the column URL itself answers 404
    consult: list = field(default_factory=list)  # (asked, replied|None)
    table_layout: bool = False


@dataclass
class SiteSpec:
    index: int
    host: str
    site_code: str
    kind: str
    city: str
    encoding: str               # utf-8 | gbk | gbk-meta-only | lying-meta
    home_fmt: str
    col_fmt: str
    homepage_dated: bool
    columns: list[ColumnSpec]
    shown: list[str]            # column ids listed on the homepage
    future_item: bool
    dead_paths: list[str]       # on the homepage
    col_dead_path: str | None   # on the first column page
    offline_link: bool
    nohead_attachment: bool
    systems: list[str]
    id_mode: str                # meta+footer | meta | footer | none
    icp: str | None


@dataclass
class ColumnTruth:
    latest_date: date | None
    blank: bool
    stale: bool | None
    reachable: bool
    undetermined: str | None = None   # 无法判定 reason (a list without readable dates: no verdict)


@dataclass
class SiteTruth:
    site_code: str
    kind: str
    error: str | None           # expected homepage error class
    reachable: bool
    encoding: str | None
    latest_date: date | None
    homepage_stale: bool | None
    columns: dict[str, ColumnTruth]
    dead_links: set[str] | None  # None: not asserted (homepage not parsed)
    vetoes: set[str]
    site_id_code: str | None
    icp: str | None
    systems: dict[str, bool]
    interaction_veto: bool
    no_recent_messages: bool | None
    redirect_hops: int | None = 0   # None: more than the cap
    home_undetermined: str | None = None  # 无法判定 reason for the homepage's freshness


def _title(rng: random.Random, n: int = 4) -> str:
    return rng.choice(_CITIES) + "".join(rng.choice(_WORDS) for _ in range(n))


def _site_code(i: int, rng: random.Random) -> str:
    return f"{rng.choice(['11', '13', '32', '42', '44', '51'])}{rng.randint(1, 99):02d}{i % 1000000:06d}"


@lru_cache(maxsize=4096)
def site_spec(seed: int, index: int, kind: str = "good", as_of: date = AS_OF) -> SiteSpec:
    """Pure function of (seed, index, kind, as_of): server and targets builder agree without sharing state."""
    rng = random.Random(f"{seed}/{index}/{kind}")  # str seeds are stable across processes
    shape = kind in SHAPE_KINDS
    host = (f"s{index:05d}.gov.test" if kind == "good" else
            f"{'shape' if shape else 'bad'}-{kind.replace('_', '-')}.gov.test")
    profile = "healthy" if shape else rng.choices(["healthy", "stale_dyn", "blank", "stale_many", "mixed"], [5, 1, 1, 1, 2])[0]
    home_stale = (kind.endswith("_stale") or kind == "monthday_frozen") if shape else rng.random() < 0.15
    encoding = "utf-8" if shape else rng.choice(["utf-8", "utf-8", "gbk", "gbk-meta-only", "lying-meta"])

    def fresh(days: int) -> list:  # newest within the deadline (with margin), older ones after
        newest = rng.randint(0, max(0, days - 3))
        return [as_of - timedelta(days=newest + k * rng.randint(1, 9)) for k in range(rng.randint(6, 12))]

    def stale(days: int) -> list:
        newest = days + rng.randint(5, 200)
        return [as_of - timedelta(days=newest + k * rng.randint(1, 9)) for k in range(rng.randint(4, 10))]

    cols: list[ColumnSpec] = []

    def add(cls: str, dates: list | None = None, **kw):
        cid = f"c{len(cols) + 1:02d}"
        name = {"动态要闻": rng.choice(["工作动态", "政务要闻", "部门动态"])}.get(cls, cls)
        cols.append(ColumnSpec(cid, name, cls, dates if dates is not None else fresh(_PERIOD_DAYS.get(cls, 365)), **kw))

    home_days = 14
    # Homepage lists show the first two dynamic columns; a stale homepage means they are stale too.
    add("动态要闻", stale(home_days + 6) if home_stale else fresh(10))
    add("动态要闻", stale(home_days + 6) if home_stale else fresh(14))
    add("通知公告")
    add("政策文件")
    for c in rng.sample(_CLASS_POOL_YEAR, 3):
        add(c)
    if profile == "stale_dyn":
        for _ in range(5 if not home_stale else 3):
            add(rng.choice(["动态要闻", "通知公告", "政策文件"]), [])
            cols[-1].dates = stale(_PERIOD_DAYS[cols[-1].cls])
    elif profile == "blank":
        for c in rng.sample(_CLASS_POOL_YEAR, 5):
            add(c, [], blank=True)
    elif profile == "stale_many":
        for c in _CLASS_POOL_YEAR + [_CLASS_POOL_YEAR[0]]:
            add(c, stale(365))
    elif profile == "mixed":
        add(rng.choice(_CLASS_POOL_YEAR), stale(365))
        add("通知公告", stale(182))
        add(rng.choice(_CLASS_POOL_YEAR), [], blank=True)
        add(rng.choice(_CLASS_POOL_YEAR), [None] * 5, undated=True)
        if rng.random() < 0.5:
            add(rng.choice(_CLASS_POOL_YEAR), [], dead=True)
    # 政务咨询 with messages and replies.
    consult_mode = rng.choices(["ok", "overdue", "no_recent"], [6, 2, 1])[0]
    msgs = []
    for k in range(rng.randint(4, 8)):
        asked = as_of - timedelta(days=(400 + 20 * k) if consult_mode == "no_recent" else 5 + 17 * k)
        replied = asked + timedelta(days=rng.randint(1, 20))
        if replied > as_of:
            replied = None
        msgs.append((asked, replied))
    if consult_mode == "overdue":
        msgs.append((as_of - timedelta(days=130), None))
    msgs.sort(key=lambda m: m[0], reverse=True)
    add("政务咨询", [m[0] for m in msgs], consult=msgs, table_layout=rng.random() < 0.4)

    dated_home = rng.random() < 0.85
    newest_home = max(d for c in cols[:2] for d in c.dates)
    oldest_home = min(d for c in cols[:2] for d in c.dates[:5])
    short_ok = dated_home and (as_of - oldest_home).days < 300
    home_fmt = rng.choice(_FULL_FMTS + (_SHORT_FMTS * 2 if short_ok else []))
    del newest_home
    dead_paths = [f"/missing/{rng.randint(1, 999)}.html" for _ in range(rng.choice([0, 0, 1, 2]))]
    if rng.random() < 0.3:
        dead_paths.append("/img/missing.png")
    if rng.random() < 0.3:
        dead_paths.append("/files/gone.xls")
    id_mode = rng.choices(["meta+footer", "meta", "footer", "none"], [6, 1, 2, 1])[0]
    if shape:
        dated_home = kind not in ("labels_article", "no_list")
        home_fmt = "iso"
        id_mode = "meta+footer"
        if kind == "monthday_frozen":
            for k, c in enumerate(cols[:3]):
                c.dates = [as_of - timedelta(days=366 + 3 * j + k) for j in range(8)]
        if kind == "slideshow_col":
            cols[0].undated = True   # its list shows no dates; the articles do
        if kind == "undated_main":
            cols[2].dates = [as_of - timedelta(days=40 + 5 * j) for j in range(8)]
    return SiteSpec(
        index=index, host=host, site_code=_site_code(index, rng), kind=kind, city=rng.choice(_CITIES),
        encoding=encoding, home_fmt=home_fmt, col_fmt=rng.choice(_FULL_FMTS), homepage_dated=dated_home,
        columns=cols, shown=[cols[0].cid, cols[1].cid, cols[2].cid], future_item=rng.random() < 0.2 and not shape,
        dead_paths=dead_paths, col_dead_path="/missing/col-dead.html" if rng.random() < 0.3 else None,
        offline_link=rng.random() < 0.2, nohead_attachment=rng.random() < 0.5,
        systems=["/sys/ok"] + (["/sys/down"] if rng.random() < 0.3 else []),
        id_mode=id_mode, icp=f"{rng.choice('京冀苏鄂粤川')}ICP备{rng.randint(10000000, 99999999)}号" if rng.random() < 0.9 else None,
    )


# ---------------------------------------------------------------- rendering

def _enc(spec: SiteSpec) -> tuple[str, str, str]:
    """(python codec, meta charset, HTTP Content-Type)."""
    return {
        "utf-8": ("utf-8", "utf-8", "text/html; charset=utf-8"),
        "gbk": ("gbk", "gbk", "text/html; charset=GBK"),
        "gbk-meta-only": ("gbk", "gb2312", "text/html"),
        "lying-meta": ("utf-8", "gb2312", "text/html"),  # UTF-8 bytes, meta claims gb2312
    }[spec.encoding]


def _head(spec: SiteSpec, title: str, extra: str = "") -> str:
    _, cs, _ = _enc(spec)
    sid = ""
    if spec.id_mode in ("meta+footer", "meta"):
        sid = (f"<meta name='siteidcode' content='{spec.site_code}'>" if spec.index % 2
               else f'<meta name="SiteIDCode" content="{spec.site_code}">')
    elif spec.id_mode == "none":
        sid = '<meta name="SiteIDCode" content="">'
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={cs}">'
            f"{sid}{extra}<title>{title}</title></head><body>")


def _top(spec: SiteSpec, as_of: date) -> str:
    nav = "".join(f'<li><a href="/col/{c.cid}/index.html">{c.name}</a></li>' for c in spec.columns)
    return (f'<div class="top">今天是{as_of.year}年{as_of.month}月{as_of.day}日 星期{_WEEK[as_of.weekday()]}</div>'
            f'<ul class="nav"><li><a href="/">首页</a></li>{nav}</ul>')


def _foot(spec: SiteSpec) -> str:
    sid = f"网站标识码：{spec.site_code}" if spec.id_mode in ("meta+footer", "footer") else ""
    icp = spec.icp or ""
    return f'<div class="footer"><p>主办：{spec.city}市人民政府办公室</p><p>{sid} {icp}</p></div></body></html>'


def _art_title(spec: SiteSpec, cid: str, n: int) -> str:
    rng = random.Random(f"{spec.index}/{spec.kind}/{cid}/{n}")
    return _title(rng)


def render_home(spec: SiteSpec, as_of: date, *, frame: bool = False) -> str:
    out = [_head(spec, f"{spec.city}市人民政府门户网站", '<meta name="PubDate" content="2019-01-01">'), _top(spec, as_of)]
    bycid = {c.cid: c for c in spec.columns}
    if spec.kind == "iframe_news" and not frame:
        out.append('<div class="news"><iframe src="/news_frame.html" width="800" height="600" frameborder="0">'
                   '</iframe></div>')
    for cid in (spec.shown if spec.kind != "iframe_news" or frame else []):
        c = bycid[cid]
        out.append(f'<div class="box"><h3><a href="/col/{cid}/index.html">{c.name}</a>'
                   f'<a class="more" href="/col/{cid}/index.html">更多</a></h3><ul>')
        rows = c.dates[:5]
        if spec.kind == "no_list":
            out.append("".join(f'<li><a href="/col/{cid}/index.html"><img src="/img/logo.png" alt=""></a></li>'
                               for _ in rows[:1]) + "</ul></div>")
            continue
        if spec.kind in SHAPE_KINDS:
            out.append(_shape_box(spec, c, rows, as_of) + "</ul></div>")
            continue
        if cid == spec.shown[0] and spec.future_item and spec.homepage_dated:
            out.append(f'<li><a href="/art/{cid}/99.html">关于举办{spec.city}活动周的预告通知</a>'
                       f'<span>{fmt_date(as_of + timedelta(days=20), spec.home_fmt)}</span></li>')
        for n, d in enumerate(rows):
            if d is None:
                continue
            date_html = f'<span class="date">{fmt_date(d, spec.home_fmt)}</span>' if spec.homepage_dated else ""
            out.append(f'<li><a href="/art/{cid}/{n}.html" title="t">{_art_title(spec, cid, n)}</a>{date_html}</li>')
        out.append("</ul></div>")
    if spec.kind == "js_rendered":
        out.append('<script src="http://cdn.example.net/jquery.min.js"></script>'  # never fetched: hermetic render
                   '<script src="/js/render.js"></script>')  # fills the lists after load
    out.append('<div class="links">')
    for p in spec.dead_paths:
        if p.endswith(".png"):
            out.append(f'<img src="{p}" alt="专题">')
        else:
            out.append(f'<a href="{p}">相关专题：{spec.city}专题网站入口</a>')
    out.append('<a href="/files/report.pdf">政府信息公开工作年度报告.pdf</a>')
    if spec.nohead_attachment:
        out.append('<a href="/files/nohead/form.doc">申请表下载.doc</a>')
    if spec.offline_link:
        out.append(f'<a href="http://offline-{spec.index}.gov.test/">已停用的旧版网站入口</a>')
    out.append('<img src="/img/logo.png" alt="logo"></div>')
    out.append(_foot(spec))
    return "".join(out)


def art_url(spec: SiteSpec, cid: str, n: int, d: date | None) -> str:
    """Article URL in the shape's CMS style (the server routes every form to the same article)."""
    if spec.kind.startswith("url_only") and d is not None:
        return f"/art/{d.year}/{d.month}/{d.day}/art_{cid}_{n}.html"
    if spec.kind == "trs" and d is not None:
        return f"/{d:%Y%m}/t{d:%Y%m%d}_{cid}_{n}.html"
    return f"/art/{cid}/{n}.html"


def _shape_box(spec: SiteSpec, c: ColumnSpec, rows: list, as_of: date) -> str:
    """The homepage's news box for one column, in the shape's markup (the <ul> is left open)."""
    k, cid = spec.kind, c.cid
    ent = [(n, d, _art_title(spec, cid, n), art_url(spec, cid, n, d)) for n, d in enumerate(rows) if d is not None]
    if k.startswith("hanweb_xml"):
        recs = "".join(f'<record><![CDATA[<li><a href="{u}" target="_blank">{t}</a><span class="bt-data-time">'
                       f'{d:%Y-%m-%d}</span></li>]]></record>' for n, d, t, u in ent)
        return (f'<div id="{cid}_list"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/'
                f'jpage/dataproxy.jsp?page=1&webid=1&columnid={cid}">]]></nextgroup><recordset>{recs}</recordset>'
                f'</datastore></script></div><ul>')
    if k == "json_list":
        data = json.dumps([{"title": t, "url": u, "pubDate": f"{d:%Y-%m-%d} 10:00:00"} for n, d, t, u in ent],
                          ensure_ascii=False)
        return (f'<script>var newsData_{cid} = {data};\n(function(){{var ul=document.getElementById("l_{cid}");'
                f'newsData_{cid}.forEach(function(x){{var li=document.createElement("li");li.textContent=x.title;'
                f'ul.appendChild(li);}});}})();</script><ul id="l_{cid}">')
    if k == "docwrite":
        lines = "".join(f"document.write('<li><a href=\"{u}\">{t}</a><span>{d:%Y-%m-%d}</span></li>');\n"
                        for n, d, t, u in ent)
        return f"<ul><script>\n{lines}</script>"
    if k == "js_rendered":
        return f'<ul class="js-list" data-src="/api/{cid}.json"><li class="loading">加载中</li>'
    if k == "sibling_div" or k == "sibling_div_stale":
        return "".join(f'<div class="news-row"><div class="news-tit"><a href="{u}">{t}</a></div>'
                       f'<div class="news-date">{d:%Y-%m-%d}</div></div>' for n, d, t, u in ent) + "<ul>"
    if k == "title_attr":
        return "<ul>" + "".join(f'<li title="发布日期：{d:%Y-%m-%d}"><a href="{u}">{t}</a></li>' for n, d, t, u in ent)
    if k == "kaipu":
        return "<ul>" + "".join(f'<li><span class="time">[{d:%Y-%m-%d}]</span><a href="{u}">{t}</a></li>'
                                for n, d, t, u in ent)
    if k.startswith("monthday"):
        if cid == spec.shown[2]:  # the notices box shows full dates: the page's year
            return "<ul>" + "".join(f'<li><a href="{u}">{t}</a><span>{d:%Y-%m-%d}</span></li>' for n, d, t, u in ent)
        return "<ul>" + "".join(f'<li><a href="{u}">{t}</a><span>{d:%m-%d}</span></li>' for n, d, t, u in ent)

    if k == "date_in_link":
        return "<ul>" + "".join(f'<li><a href="{u}"><p class="tit">{t}</p><span class="time">{d:%Y-%m-%d}</span></a></li>'
                                for n, d, t, u in ent)

    def show(d):
        if not spec.homepage_dated or k.startswith("url_only") or (k == "undated_main" and cid != spec.shown[2]):
            return ""
        if k == "fullwidth":
            return f'<span class="date">{d:%Y-%m-%d}</span>'.translate(_FW_DIGITS)
        if k.startswith("cn_numeral"):
            return f'<span class="date">{cn_date(d)}</span>'
        return f'<span class="date">{d:%Y-%m-%d}</span>'
    return "<ul>" + "".join(f'<li><a href="{u}">{t}</a>{show(d)}</li>' for n, d, t, u in ent)


def render_column(spec: SiteSpec, c: ColumnSpec, as_of: date) -> str:
    out = [_head(spec, f"{c.name}_{spec.city}市人民政府"), _top(spec, as_of),
           f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; {c.name}</div>']
    if c.consult:
        out.append(_render_consult(spec, c))
    elif spec.kind == "slideshow_col" and c.cid == spec.columns[0].cid:
        old = as_of - timedelta(days=800)
        out.append('<div class="slide"><ul>' + "".join(
            f'<li><a href="/art/{c.cid}/{90 + k}.html"><img src="/img/logo.png">图片新闻：{spec.city}往年活动回顾{k}</a></li>'
            for k in range(3)) + "</ul></div>")
        del old
        out.append('<ul class="list">' + "".join(
            f'<li><a href="/art/{c.cid}/{n}.html">{_art_title(spec, c.cid, n)}</a></li>' for n in range(len(c.dates)))
                   + "</ul>")
    elif spec.kind == "ascending_col" and c.cid == spec.columns[0].cid:
        out.append(_ascending_page(spec, c, 0))
    elif c.blank:
        out.append('<div class="list"><p class="empty">暂无信息</p></div>')
    else:
        out.append('<ul class="list">')
        for n, d in enumerate(c.dates):
            ds = "" if d is None else f"<span>{fmt_date(d, spec.col_fmt)}</span>"
            out.append(f'<li><a href="/art/{c.cid}/{n}.html">{_art_title(spec, c.cid, n)}</a>{ds}</li>')
        out.append(f"</ul><div class='page'>共{len(c.dates)}条</div>")
    if c.cid == spec.columns[0].cid and spec.col_dead_path:
        out.append(f'<div><a href="{spec.col_dead_path}">往期专题回顾入口</a></div>')
    out.append(_foot(spec))
    return "".join(out)


def _ascending_page(spec: SiteSpec, c: ColumnSpec, page: int) -> str:
    """TRS-style list, oldest first, 4 entries a page over 3 pages, with its pager script and links."""
    order = sorted(range(len(c.dates)), key=lambda n: c.dates[n])
    pages = [order[i:i + 4] for i in range(0, len(order), 4)][:3]
    rows = "".join(f'<li><a href="{art_url(spec, c.cid, n, c.dates[n])}">{_art_title(spec, c.cid, n)}</a>'
                   f'<span>{c.dates[n]:%Y-%m-%d}</span></li>' for n in pages[min(page, len(pages) - 1)])
    nxt = f'<a href="index_{page + 1}.html">下一页</a>' if page + 1 < len(pages) else ""
    return (f'<ul class="list">{rows}</ul><div class="page"><script>createPageHTML({len(pages)}, {page}, "index", '
            f'"html");</script>{nxt}<a href="index_{len(pages) - 1}.html">尾页</a></div>')


def _render_consult(spec: SiteSpec, c: ColumnSpec) -> str:
    if spec.kind == "status_reply":
        rows = ["<table><tr><th>标题</th><th>留言时间</th><th>办理状态</th></tr>"]
        for n, (a, r) in enumerate(c.consult):
            rows.append(f'<tr><td><a href="/art/{c.cid}/{n}.html">关于{_art_title(spec, c.cid, n)}的咨询</a></td>'
                        f"<td>{a:%Y-%m-%d}</td><td>{'已办结' if r else '未回复'}</td></tr>")
        return "".join(rows) + "</table>"
    if c.table_layout:
        rows = ["<table><tr><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>"]
        for n, (a, r) in enumerate(c.consult):
            rows.append(f'<tr><td><a href="/art/{c.cid}/{n}.html">关于{_art_title(spec, c.cid, n)}的咨询</a></td>'
                        f"<td>{a:%Y-%m-%d}</td><td>{'' if r is None else f'{r:%Y-%m-%d}'}</td>"
                        f"<td>{'已回复' if r else '未回复'}</td></tr>")
        return "".join(rows) + "</table>"
    rows = ['<ul class="msgs">']
    for n, (a, r) in enumerate(c.consult):
        reply = f"<span>回复时间：</span><span>{r:%Y-%m-%d}</span>" if r else "<span>状态：未回复</span>"
        rows.append(f'<li><a href="/art/{c.cid}/{n}.html">关于{_art_title(spec, c.cid, n)}的咨询</a>'
                    f"<span>留言时间：{a:%Y-%m-%d}</span>{reply}</li>")
    return "".join(rows) + "</ul>"


def render_article(spec: SiteSpec, c: ColumnSpec, n: int, as_of: date) -> str | None:
    if spec.kind == "slideshow_col" and 90 <= n < 93:
        d = as_of - timedelta(days=800 + n)
    elif spec.kind == "labels_article" and n < len(c.dates) and c.dates[n] is not None:
        d = c.dates[n]
        # The page's build stamp (生成日期) is newer and comes first; a person's 出生日期 is in the body.
        return (_head(spec, _art_title(spec, c.cid, n)) + _top(spec, as_of)
                + f"<div class='gen'>生成日期：{as_of:%Y-%m-%d}</div><h1>{_art_title(spec, c.cid, n)}</h1>"
                f"<div class='info'>发布日期：{d:%Y-%m-%d}　来源：{spec.city}市人民政府办公室</div>"
                f"<div class='content'><p>姓名：张三，出生日期：{as_of - timedelta(days=3):%Y-%m-%d}。</p>"
                f"<p>{_title(random.Random(n), 12)}。</p></div>" + _foot(spec))
    elif n == 99:
        d = as_of + timedelta(days=20)
    elif n < len(c.dates) and c.dates[n] is not None:
        d = c.dates[n]
    else:
        return None
    # Meta disagrees with the visible date on purpose: the visible date must win.
    meta = f'<meta name="PubDate" content="{d + timedelta(days=3):%Y-%m-%d} 10:00">'
    return (_head(spec, _art_title(spec, c.cid, n), meta) + _top(spec, as_of)
            + f"<h1>{_art_title(spec, c.cid, n)}</h1><div class='info'><span>发布时间：</span>"
            f"<span>{d:%Y-%m-%d} 09:30</span> <span>来源：{spec.city}市人民政府办公室</span></div>"
            f"<div class='content'><p>{_title(random.Random(n), 12)}。</p></div>" + _foot(spec))


def malform(html: str) -> str:
    """Broken markup a lenient parser must survive: missing closers, stray tags, junk."""
    html = html.replace("</li>", "").replace("</ul>", "</div></table>")
    html = html.replace('<div class="box">', '<div class="box"><td><<p <b>&nbsp&copy')
    return html.replace("</body></html>", "<div><span <a href=\"/x")


# ---------------------------------------------------------------- truth

def site_truth(spec: SiteSpec, base: str, as_of: date = AS_OF, max_article_fetch: int = 5) -> SiteTruth:
    """Expected verdicts, computed from the generator's own data (not by running the engine)."""
    rules = load_rules()
    bad_err = BAD_KINDS.get(spec.kind) if spec.kind != "good" else None
    homepage_ok = bad_err is None
    columns_served = spec.kind not in ("hang", "reset", "dns")
    vetoes: set[str] = set()
    cols: dict[str, ColumnTruth] = {}
    if columns_served:
        for c in spec.columns:
            cc = rules.column_class(c.cls)
            latest = max((d for d in c.dates if d is not None), default=None)
            if c.dead:
                cols[c.cid] = ColumnTruth(None, False, None, False)
                continue
            if c.undated and cc.stale_after is not None:
                # Undated entries whose articles carry no date either: no evidence, so no verdict.
                cols[c.cid] = ColumnTruth(None, False, None, True, "no_dated_list")
                continue
            stale = None if cc.stale_after is None else (
                c.blank or latest is None or latest < subtract_period(as_of, cc.stale_after))
            cols[c.cid] = ColumnTruth(latest, c.blank, stale, True)
        by = {c.cid: c for c in spec.columns}
        dyn = sum(1 for k, t in cols.items() if t.stale and rules.column_class(by[k].cls).veto_group == "dynamic_notice")
        should = sum(1 for t in cols.values() if t.stale)
        blank = sum(1 for t in cols.values() if t.blank)
        v = rules.column_vetoes
        if dyn >= v["dynamic_notice_stale_min"] or should >= v["should_update_stale_min"] or blank >= v["blank_min"]:
            vetoes.add("栏目不更新")
    latest = None
    stale_home = None
    if homepage_ok:
        shown = {c.cid: c for c in spec.columns if c.cid in spec.shown}
        entries = [d for cid in spec.shown for d in shown[cid].dates[:5] if d is not None]
        if not spec.homepage_dated:
            # No dates on the homepage: the scanner reads a bounded number of linked articles, in page order.
            entries = entries[:max_article_fetch]
        latest = max(entries)
        stale_home = latest < subtract_period(as_of, rules.homepage_stale_after)
        if stale_home:
            vetoes.add("网站不更新")
    consult = next(c for c in spec.columns if c.consult)
    since = subtract_period(as_of, rules.interaction["window"])
    overdue_before = subtract_period(as_of, rules.interaction["unanswered_after"])
    recent = [(a, r) for a, r in consult.consult if a >= since]
    overdue = columns_served and any(r is None and a < overdue_before for a, r in recent)
    if overdue:
        vetoes.add("互动回应差")
    dead = {base + p for p in spec.dead_paths}
    if spec.col_dead_path:
        dead.add(base + spec.col_dead_path)
    if spec.offline_link:
        dead.add(f"http://offline-{spec.index}.gov.test/")
    for c in spec.columns:
        if c.dead:
            dead.add(f"{base}/col/{c.cid}/index.html")
    enc = {"utf-8": "utf-8", "gbk": "gbk", "gbk-meta-only": "gbk", "lying-meta": "utf-8"}[spec.encoding]
    home_und = None
    k = spec.kind
    if k == "no_list":
        latest, stale_home, home_und = None, None, "no_dated_list"
        vetoes.discard("网站不更新")
    if k == "slideshow_col":
        c = spec.columns[0]
        cc = rules.column_class(c.cls)
        cl = max(c.dates)
        cols[c.cid] = ColumnTruth(cl, False, cl < subtract_period(as_of, cc.stale_after), True)
    if k == "soft404_col":
        c = spec.columns[3]
        cols[c.cid] = ColumnTruth(None, False, None, False)
        dead = dead | {f"{base}/col/{c.cid}/index.html"}
    if k == "big_fresh":
        bad_err = "too_large"
    if k == "undated_main":
        # What can be known: the notice box's own dates and the main (first) undated list's articles.
        by = {c.cid: c for c in spec.columns}
        latest = max(d for cid in (spec.shown[0], spec.shown[2]) for d in by[cid].dates[:5] if d is not None)
        stale_home = latest < subtract_period(as_of, rules.homepage_stale_after)
        if not stale_home:
            vetoes.discard("网站不更新")
    if k == "waf412":
        dead = None  # every link answers the challenge: not asserted
    if spec.kind == "huge":
        # Parsed from its first max_bytes (scan and probe agree it is reachable); its newest entries may lie
        # past the cap, so a stale-looking first part gives 无法判定, not a veto.
        latest, stale_home = date(2025, 6, 1) if as_of >= date(2025, 6, 1) else None, None
    return SiteTruth(
        site_code=spec.site_code, kind=spec.kind, error=bad_err,
        reachable=homepage_ok or spec.kind in ("binary", "binary_as_html", "huge", "big_fresh"),
        encoding=enc if homepage_ok else None, latest_date=latest, homepage_stale=stale_home,
        columns=cols, dead_links=dead if homepage_ok and dead is not None else None, vetoes=vetoes,
        site_id_code=spec.site_code if homepage_ok and spec.id_mode != "none" else None,
        icp=spec.icp if homepage_ok else None,
        systems={base + s: s == "/sys/ok" for s in spec.systems} if homepage_ok else {},
        interaction_veto=overdue, no_recent_messages=(not recent) if columns_served else None,
        redirect_hops={"redirect_chain": 2, "endless_redirect": None}.get(spec.kind, 0),
        home_undetermined=home_und,
    )


# ---------------------------------------------------------------- server

class _TLSHang(asyncio.Protocol):
    """HTTP as usual; a connection opening with a TLS ClientHello is kept open and never answered."""
    hanging: set = set()

    def __init__(self, factory, hellos: list):
        self.factory, self.hellos, self.inner, self.transport = factory, hellos, None, None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.inner is None:
            if data[:1] == b"\x16":
                self.hellos.append(time.monotonic())
                _TLSHang.hanging.add(self.transport)
                self.inner = False
                return
            self.inner = self.factory()
            self.inner.connection_made(self.transport)
            self.transport.set_protocol(self.inner)
            self.inner.data_received(data)

    def connection_lost(self, exc):
        _TLSHang.hanging.discard(self.transport)
        if self.inner:
            self.inner.connection_lost(exc)

    @classmethod
    def close_all(cls) -> None:
        for t in list(cls.hanging):
            t.close()
        cls.hanging.clear()


class SyntheticWeb(Served):
    def __init__(self, n_sites: int = 20, seed: int = 1, *, as_of: date = AS_OF, bad: bool = False,
                 bad_kinds: list[str] | None = None, port: int = 0, slow_s: float = 0.4,
                 linkchecker_header: bool = False, shapes: bool | list[str] = False,
                 hang_tls: bool = False, cache: bool = False):
        self.n_sites, self.seed, self.as_of = n_sites, seed, as_of
        # hang_tls: a TLS ClientHello on the port is accepted and never answered (every HTTPS check hangs).
        # cache: the ordinary sites' answers are built once and replayed (a fast server for benchmarks).
        self.hang_tls, self.cache = hang_tls, cache
        self._cached: dict[tuple[str, str, str], tuple[int, dict, bytes]] = {}
        self._server: asyncio.AbstractServer | None = None
        self.bad_kinds = list(bad_kinds if bad_kinds is not None else (BAD_KINDS if bad else []))
        self.port = port
        self.slow_s = slow_s
        self.linkchecker_header = linkchecker_header
        self._runner: web.AppRunner | None = None
        self._by_host: dict[str, tuple[int, str]] = {f"s{i:05d}.gov.test": (i, "good") for i in range(n_sites)}
        for k, kind in enumerate(self.bad_kinds):
            self._by_host[f"bad-{kind.replace('_', '-')}.gov.test"] = (100000 + k, kind)
        self.shape_kinds = list(SHAPE_KINDS if shapes is True else (shapes or []))
        for k, kind in enumerate(self.shape_kinds):
            self._by_host[f"shape-{kind.replace('_', '-')}.gov.test"] = (200000 + k, kind)
        # Observations for tests: per-host concurrency and whether any cookie came back.
        self.inflight: dict[str, int] = {}
        self.max_inflight: dict[str, int] = {}
        self.cookies_seen = 0
        self.foreign_cookies = 0
        self.requests = 0
        self.connections: dict[str, set[int]] = {}   # host -> the TCP connections its requests came on
        self.first_seen: dict[str, float] = {}       # host -> monotonic time of its first request
        self.tls_hellos: list[float] = []            # monotonic times of TLS handshakes left hanging (hang_tls)
        self._flap_seen: set[tuple[str, str]] = set()

    # -- data helpers
    def spec(self, host: str) -> SiteSpec:
        i, kind = self._by_host[host]
        return site_spec(self.seed, i, kind, self.as_of)

    def base(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def hosts(self) -> list[str]:
        return list(self._by_host)

    def host_map(self) -> dict[str, str]:
        return {h: LOCAL for h in self._by_host if not h.startswith("bad-dns")}

    def homepage_url(self, host: str) -> str:
        kind = self._by_host[host][1]
        if kind == "invalid_url":
            return f"htp:/{host}/首页 index"
        if kind == "redirect_chain":
            return self.base(host) + "/old/index.jsp"
        return self.base(host) + "/"

    def targets(self) -> list[dict]:
        out = []
        for h in self._by_host:
            s = self.spec(h)
            b = self.base(h)
            out.append({
                "site_code": s.site_code, "homepage": self.homepage_url(h),
                "columns": [{"name": c.name, "url": f"{b}/col/{c.cid}/index.html", "class": c.cls} for c in s.columns],
                "systems": [b + p for p in s.systems],
            })
        return out

    def truth(self, site_code: str) -> SiteTruth:
        for h in self._by_host:
            s = self.spec(h)
            if s.site_code == site_code:
                return site_truth(s, self.base(h), self.as_of)
        raise KeyError(site_code)

    def truths(self) -> dict[str, SiteTruth]:
        return {self.spec(h).site_code: site_truth(self.spec(h), self.base(h), self.as_of) for h in self._by_host}

    # -- serving
    async def start(self) -> int:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        if self.linkchecker_header:
            # LinkChecker lifts its per-host rate cap for hosts answering with a "LinkChecker" header.
            async def lc(request, response):
                response.headers["LinkChecker"] = "unthrottle"
            app.on_response_prepare.append(lc)
        # handler_cancellation: a client that gives up (timeout) ends the hanging handler too.
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False,
                                      handler_cancellation=True, shutdown_timeout=0.2)
        await self._runner.setup()
        if self.hang_tls:
            factory = self._runner.server
            self._server = await asyncio.get_running_loop().create_server(
                lambda: _TLSHang(factory, self.tls_hellos), LOCAL, self.port, backlog=1024)
            self.port = self._server.sockets[0].getsockname()[1]
            return self.port
        site = web.TCPSite(self._runner, LOCAL, self.port, backlog=1024)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # ephemeral port
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            _TLSHang.close_all()
        await super().stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").rsplit(":", 1)[0].lower()
        self.requests += 1
        self.first_seen.setdefault(host, time.monotonic())
        self.connections.setdefault(host, set()).add(id(request.transport))
        if self.cache:
            key = (host, request.method, request.path_qs)
            hit = self._cached.get(key)
            if hit is not None:
                return web.Response(status=hit[0], headers=hit[1], body=hit[2])
            resp = await self._handle_uncached(request, host)
            if type(resp) is web.Response and self._by_host.get(host, (0, ""))[1] == "good":
                headers = {k: v for k, v in resp.headers.items() if k.lower() != "content-length"}
                for c in resp.cookies.values():
                    headers["Set-Cookie"] = c.OutputString()
                self._cached[key] = (resp.status, headers, resp.body if isinstance(resp.body, bytes) else b"")
            return resp
        return await self._handle_uncached(request, host)

    async def _handle_uncached(self, request: web.Request, host: str) -> web.StreamResponse:
        if "Cookie" in request.headers:
            self.cookies_seen += 1
        if host not in self._by_host:
            return web.Response(status=404, text="unknown site")
        own = f"JSESSIONID=x{self.spec(host).index}"
        if any(part.strip().startswith("JSESSIONID=") and part.strip() != own
               for part in request.headers.get("Cookie", "").split(";")):
            self.foreign_cookies += 1  # another site's cookie: the per-site jar leaked
        self.inflight[host] = self.inflight.get(host, 0) + 1
        self.max_inflight[host] = max(self.max_inflight.get(host, 0), self.inflight[host])
        try:
            spec = self.spec(host)
            if spec.kind in SHAPE_KINDS:
                resp = await self._shape(request, spec)
                if resp is not None:
                    return resp
            resp = await self._serve(request, host, spec)
            if spec.kind == "soft404_site" and resp.status == 404:
                # One generic page, status 200, for every missing URL (detected by comparison).
                return self._html(spec, _head(spec, f"{spec.city}市人民政府") + "<div class='tip'><p>欢迎访问"
                                  f"{spec.city}市人民政府网站</p><p><a href='/'>返回首页</a></p></div></body></html>")
            return resp
        finally:
            self.inflight[host] -= 1

    def _html(self, spec: SiteSpec, html: str, status: int = 200) -> web.Response:
        codec, _, ctype = _enc(spec)
        r = web.Response(body=html.encode(codec, "replace"), status=status)
        r.headers["Content-Type"] = ctype
        r.set_cookie("JSESSIONID", f"x{spec.index}")  # goes back to this site only (per-site jar)
        return r

    async def _serve(self, request: web.Request, host: str, spec: SiteSpec) -> web.StreamResponse:
        path = request.path
        kind = spec.kind
        if kind == "flapping" and (request.method, path) not in self._flap_seen:
            self._flap_seen.add((request.method, path))
            return web.Response(status=503, text="busy")
        if path in ("/", "/index.html"):
            if kind == "slow":
                await asyncio.sleep(self.slow_s)
            elif kind == "endless_redirect":
                raise web.HTTPFound("/loop/1")
            elif kind == "huge":
                return await self._huge(request)
            elif kind == "binary":
                return web.Response(body=random.Random(1).randbytes(300_000), content_type="application/octet-stream")
            elif kind == "binary_as_html":
                body = b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(200_000)
                return web.Response(body=body, headers={"Content-Type": "text/html"})
            elif kind == "hang":
                resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
                await resp.prepare(request)
                await resp.write(b"<html><body><ul><li>")
                await asyncio.sleep(3600)
                return resp
            elif kind == "reset":
                return await self._reset(request)
            elif kind == "dead":
                return web.Response(status=404, text="not found")
            html = render_home(spec, self.as_of)
            return self._html(spec, malform(html) if kind == "malformed" else html)
        if path == "/goto":  # redirect anywhere (SSRF re-check tests)
            raise web.HTTPFound(request.query.get("u", "/"))
        if path.startswith("/loop/"):
            n = int(path.rsplit("/", 1)[1] or 0)
            raise web.HTTPFound(f"/loop/{n + 1}")
        if path == "/old/index.jsp":
            raise web.HTTPMovedPermanently("/portal/")
        if path == "/portal/":
            raise web.HTTPFound("/index.html")
        if kind in ("reset", "hang") and path != "/sys/ok":
            return await self._reset(request)
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "col" and parts[2] == "index.html":
            c = next((c for c in spec.columns if c.cid == parts[1]), None)
            if c is None or c.dead:
                return web.Response(status=404, text="not found")
            return self._html(spec, render_column(spec, c, self.as_of))
        if len(parts) == 3 and parts[0] == "art" and parts[2].endswith(".html"):
            c = next((c for c in spec.columns if c.cid == parts[1]), None)
            html = render_article(spec, c, int(parts[2][:-5]), self.as_of) if c and parts[2][:-5].isdigit() else None
            return self._html(spec, html) if html else web.Response(status=404, text="not found")
        if path == "/files/report.pdf":
            return web.Response(body=b"%PDF-1.4\n" + b"0" * 4000, content_type="application/pdf")
        if path == "/files/nohead/form.doc":
            if request.method == "HEAD":
                return web.Response(status=405, text="method not allowed")
            return web.Response(body=b"\xd0\xcf\x11\xe0" + b"0" * 2000, content_type="application/msword")
        if path == "/img/logo.png":
            return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png")
        if path == "/sys/ok":
            return web.Response(text="<html><body>在线办事系统</body></html>", content_type="text/html")
        if path == "/sys/down":
            return web.Response(status=503, text="maintenance")
        return web.Response(status=404, text="not found")

    async def _shape(self, request: web.Request, spec: SiteSpec) -> web.StreamResponse | None:
        """Routes of the page-shape sites; None falls through to the common routes."""
        k, path = spec.kind, request.path
        cookie = request.headers.get("Cookie", "")
        if k == "cookie302" and "sid=ok" not in cookie:
            r = web.Response(status=302, headers={"Location": request.path_qs})
            r.set_cookie("sid", "ok", path="/")
            return r
        if k == "waf412" and "waf=ok" not in cookie:
            return web.Response(status=412, content_type="text/html", charset="utf-8", text=(
                "<html><head><meta charset='utf-8'><script>document.cookie='waf=ok; path=/';"
                "location.reload();</script></head><body></body></html>"))
        home = path in ("/", "/index.html")
        if home and k == "meta_refresh":
            return self._html(spec, "<html><head><meta http-equiv='refresh' content='0; url=/portal/index.html'>"
                                    "</head><body>正在跳转……</body></html>")
        if home and k == "js_redirect":
            return self._html(spec, "<html><head><script>window.location.href=\"/web/index.html\";</script>"
                                    "</head><body></body></html>")
        if home and k == "frameset":
            return self._html(spec, f"<html><head><title>{spec.city}市人民政府</title></head><frameset rows='120,*'>"
                                    "<frame src='/top.html' name='top'><frame src='/main.html' name='main'>"
                                    "</frameset></html>")
        if path in ("/portal/index.html", "/web/index.html", "/main.html"):
            return self._html(spec, render_home(spec, self.as_of))
        if path == "/top.html":
            return self._html(spec, f"<html><body><div class='logo'>{spec.city}市人民政府</div></body></html>")
        if path == "/news_frame.html":
            return self._html(spec, render_home(spec, self.as_of, frame=True))
        if home and k == "splash":
            return self._html(spec, f"<html><head><title>{spec.city}市人民政府</title></head><body><div class='splash'>"
                                    "<img src='/img/logo.png'><a href='/portal/index.html'>进入网站</a></div></body></html>")
        if home and k == "big_fresh":
            html = render_home(spec, self.as_of)
            pad = "<!-- " + "统计代码占位" * 200_000 + " -->"  # ~3.6 MB after the news
            return self._html(spec, html.replace("</body>", pad + "</body>"))
        if path == "/js/render.js":
            return web.Response(content_type="application/javascript", text=(
                "document.querySelectorAll('ul.js-list').forEach(function(ul){"
                "fetch(ul.getAttribute('data-src')).then(function(r){return r.json();}).then(function(items){"
                "ul.innerHTML='';items.forEach(function(x){var li=document.createElement('li');"
                "var a=document.createElement('a');a.href=x.url;a.textContent=x.title;li.appendChild(a);"
                "var s=document.createElement('span');s.textContent=x.date;li.appendChild(s);ul.appendChild(li);});"
                "});});"))
        m = re.fullmatch(r"/api/(c\d\d)\.json", path)
        if m:
            c = next((c for c in spec.columns if c.cid == m.group(1)), None)
            if c is None:
                return web.Response(status=404)
            data = [{"title": _art_title(spec, c.cid, n), "url": art_url(spec, c.cid, n, d), "date": f"{d:%Y-%m-%d}"}
                    for n, d in enumerate(c.dates[:5]) if d is not None]
            return web.json_response(data)
        m = re.search(r"_(c\d\d)_(\d+)\.html$", path)
        if m:
            c = next((c for c in spec.columns if c.cid == m.group(1)), None)
            html = render_article(spec, c, int(m.group(2)), self.as_of) if c else None
            return self._html(spec, html) if html else web.Response(status=404, text="not found")
        m = re.fullmatch(r"/col/(c\d\d)/index_(\d+)\.html", path)
        if m and k == "ascending_col" and m.group(1) == spec.columns[0].cid:
            c = spec.columns[0]
            body = _ascending_page(spec, c, int(m.group(2)))
            return self._html(spec, _head(spec, c.name) + _top(spec, self.as_of) + body + _foot(spec))
        if k == "soft404_col" and path == f"/col/{spec.columns[3].cid}/index.html":
            return self._html(spec, _head(spec, "提示信息") + "<div class='err'><p>对不起，您访问的页面不存在或已被删除！</p>"
                                    "<p><a href='/'>返回首页</a></p></div></body></html>")
        return None

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await resp.prepare(request)
        chunk = ("<li><a href='/art/c01/0.html'>大量数据大量数据</a><span>2025-06-01</span></li>" * 600).encode()
        try:
            for _ in range(2000):  # ~170 MB unless the client stops reading
                await resp.write(chunk)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    async def _reset(self, request: web.Request) -> web.StreamResponse:
        sock = request.transport.get_extra_info("socket") if request.transport else None
        if sock is not None:
            # Linger 0 turns close into a TCP RST.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        if request.transport is not None:
            request.transport.abort()
        await asyncio.sleep(0)
        return web.Response(status=500)


@contextlib.contextmanager
def serve_in_thread(web_: SyntheticWeb):
    """Run the server on its own event loop in a daemon thread (for sync callers: CLI, Django tests)."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def run():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(web_.start())
        ready.set()
        loop.run_forever()

    th = threading.Thread(target=run, daemon=True)
    th.start()
    ready.wait(10)
    try:
        yield web_
    finally:
        asyncio.run_coroutine_threadsafe(web_.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        th.join(10)
        loop.close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="serve the synthetic government web")
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--bad", action="store_true")
    ap.add_argument("--linkchecker-header", action="store_true")
    ap.add_argument("--shapes", action="store_true", help="add one site per page shape")
    ap.add_argument("--hang-tls", action="store_true", help="TLS handshakes on the port never complete")
    ap.add_argument("--cache", action="store_true", help="replay the ordinary sites' answers (fast server)")
    a = ap.parse_args(argv)

    async def run():
        w = SyntheticWeb(a.sites, a.seed, bad=a.bad, port=a.port, linkchecker_header=a.linkchecker_header,
                         shapes=a.shapes, hang_tls=a.hang_tls, cache=a.cache)
        port = await w.start()
        print(port, flush=True)
        await asyncio.Event().wait()

    try:
        aio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
