"""Parse one HTML page: list items with dates, article date, identity, links, interaction messages."""
from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from . import pagefacts
from . import dates as D
from .config import subtract_period
from .encoding import decode_html
from .pagefacts import _SITE_ID  # the footer's 网站标识码: one reading

ATTACHMENT_EXT = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z",
                  ".wps", ".et", ".ofd", ".txt", ".csv", ".ceb")
_ITEM_TAGS = {"li", "tr", "dd", "dt"}
_ROW_TAGS = {"div", "p", "span", "td"}
_EMPTY_MARKER = re.compile(r"暂无(信息|数据|内容|记录|相关|文章)|没有(记录|相关)|无相关信息|此栏目暂无")
_ICP = re.compile(
    r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼蜀滇黔陇])\s*ICP\s*备\s*[:：]?\s*(\d{6,12})\s*(号)?(?:\s*-\s*(\d{1,3}))?"
)
# The site's sponsor (主办单位) as its footer says it: "主办单位：X", "网站主办：X", "X主办" (discovery's attribution).
_ORG = r"[\u4e00-\u9fff（）()]{2,40}?"
_ORG_END = r"(?:人民政府|政府|办公室|办公厅|局|委员会|厅|委|中心|院|馆|所|站|处|部|署|办|会)"
_SPONSOR = re.compile(r"(?:网站)?主办(?:单位)?\s*[:：]\s*(" + _ORG + _ORG_END + r")(?![\u4e00-\u9fff])"
                      r"|(?:由)?([\u4e00-\u9fff（）()]{2,40}" + _ORG_END + r")\s*主办")
_META_DATE_NAMES = ("pubdate", "publishdate", "firstpublishedtime", "publishedtime", "article:published_time",
                    "dc.date", "dcterms.issued", "maketime", "lastmodifiedtime")
_Q_LABEL = re.compile(r"(留言|提问|咨询|来信|提交)(时间|日期)\s*[:：]?\s*$")
_R_LABEL = re.compile(r"(回复|答复|办结|反馈|处理)(时间|日期)\s*[:：]?\s*$")
_UNANSWERED = re.compile(r"(未回复|待回复|办理中|未答复|待处理|未办结|正在办理|受理中)")
_ANSWERED = re.compile(r"(已回复|已办结|已答复|已处理|已反馈|办结|已回)")
_SOFT404 = re.compile(
    r"(页面不存在|网页不存在|页面未找到|页面找不到|找不到(?:该|您要访问的|您所访问的|您访问的|相关)?(?:页面|网页)|"
    r"(?:页面|网页|文章|信息|内容|文档|栏目)(?:已被|已经|已)?(?:删除|撤销|移除|下线|不存在)|404\s*Not\s*Found|"
    r"无此页面|页面走丢|页面找不到了|"
    r"HTTP\s*404|错误\s*404|Error\s*404|404\s*错误|您访问的(?:页面|网页|栏目|地址)(?:不存在|已删除|有误)|访问的页面不存在|"
    r"抱歉.{0,10}(?:不存在|找不到)|无法找到(?:该|此)?(?:页面|网页)|"
    r"(?:附件|文件|稿件)(?:已被|已经|已)?(?:删除|撤销|移除|不存在)|(?:附件|文件)(?:不存在|未找到|找不到))",
    re.I,
)
_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\";\s]+)", re.I)
_JS_REDIRECT = re.compile(
    r"(?:window\.|top\.|self\.|document\.|parent\.)?location(?:\.href)?\s*=\s*(['\"])([^'\"]{1,300})\1"
    r"|location\.(?:replace|assign)\(\s*(['\"])([^'\"]{1,300})\3\s*\)"
)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_JS_STRING = re.compile(r"'((?:[^'\\\n]|\\.){0,4000})'|\"((?:[^\"\\\n]|\\.){0,4000})\"")
_DIGITISH = re.compile(r"[\d０-９〇]")
_PAGE_HREF = re.compile(r"(index_\d+|[?&](?:page|pageNo|pageNum|pageIndex|curPage|p)=\d+|_\d+\.s?html?$|/\d+\.s?html?$)", re.I)
_MSG_LABEL = re.compile(r"(留言|提问|咨询|来信|提交|受理)\s?(时间|日期)")
_NEXT_TEXT = re.compile(r"^(下一页|下页|后一页|后页|>|>>|»|›)$")
_LAST_TEXT = re.compile(r"^(尾页|末页|最后一页|最末页|>\||»\|)$")
_TRS_PAGER = re.compile(r"createPage(?:HTML)?\(\s*['\"]?(?:[A-Za-z_]+['\"]?\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")
_COUNT_PAGES = re.compile(r"var\s+countPage\s*=\s*(\d+)")
_ARRAY_START = re.compile(r"\[\s*\{")
_ENTRY_TEXT = re.compile(r"(进入|点击进入|网站首页|进入首页|进入主页|进入网站|主站|首页)")
_TITLE_KEYS = ("title", "name", "bt", "doctitle", "subject", "标题", "wzbt", "text")
_URL_KEYS = ("url", "link", "href", "docurl", "path", "linkurl", "puburl", "src")
_DATE_KEYS = ("date", "time", "rq", "pub", "sj", "day", "created", "publish", "日期", "时间")
BEIJING = timezone(timedelta(hours=8))   # epoch values are read as Beijing dates
# "No government site here": a server's default page, a parked/for-sale domain, a maintenance notice.
_DEFAULT_PAGE = re.compile(
    r"Welcome to nginx|nginx web server is successfully installed|Apache2? (?:Ubuntu |Debian |CentOS )?Default Page|"
    r"\bIt works!|Test Page for the (?:Apache|Nginx|HTTP Server)|IIS Windows Server|Internet Information Services|"
    r"iisstart|successfully installed Tomcat|Apache Tomcat/\d|Welcome to CentOS|Welcome to OpenResty|"
    r"宝塔面板|恭喜[,，]?\s*站点创建成功|站点创建成功|默认站点|Welcome to tengine|Tengine is successfully installed|"
    r"This site is under construction|网站建设中|网站正在建设中", re.I)
_PARKED = re.compile(r"domain (?:is|may be) for sale|buy this domain|域名(?:正在|可以|已|待)?出售|出售(?:此|该|本)域名|"
                     r"(?:此|该|本)域名(?:可)?转让|parked (?:domain|free)|domain parking|域名停放|该域名已过期", re.I)
_MAINTENANCE = re.compile(r"维护中|正在(?:进行)?(?:系统)?维护|系统维护|停机维护|升级改版|正在升级|系统升级|升级维护|"
                          r"暂停(?:访问|服务)|under maintenance|临时关闭|网站改版中")
# Words of the spam that tampered pages hide (gambling, lottery, porn, fake papers): a hidden block of
# outbound links is reported only when it says them (a hidden 友情链接 menu to other sites is not spam).
_GAMBLING = re.compile(r"博彩|赌场|赌博|娱乐城|百家乐|彩票|六合彩|投注|葡京|威尼斯人|下注|棋牌|pk10|时时彩|老虎机|"
                       r"快三|捕鱼|轮盘|菠菜|色情|成人视频|代孕|办证|代开发票|casino|bet365|\bbet\b|\bslot", re.I)
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top|text-indent|margin-left|margin-top)\s*:\s*-\d{3,}px|"
    r"(?:^|;)\s*(?:height|width|font-size)\s*:\s*0(?:px)?\s*(?:;|!|$)", re.I)
_STYLE_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_DOWNLOAD_HINT = re.compile(r"附件|下载|文件|download|attach|/file|/fj/|fileid|filename", re.I)
_THREE_LABEL = (".gov.cn", ".gov.test", ".org.cn", ".com.cn", ".edu.cn", ".net.cn", ".ac.cn", ".mil.cn")


def no_site_hint(body: bytes) -> bool:
    """Cheap look at raw bytes (probes): might this be a default, parked or maintenance page?"""
    if len(body) > 60000:
        return False
    text = body.decode("utf-8", "ignore")
    return bool(_DEFAULT_PAGE.search(text) or _PARKED.search(text) or _MAINTENANCE.search(text))


@lru_cache(maxsize=4096)
def registrable(host: str | None) -> str:
    """The registrable domain of a host (x.gov.cn keeps three labels; IP literals stay whole)."""
    h = (host or "").lower().rstrip(".")
    if h[-1:].isdigit() or ":" in h:
        try:
            ipaddress.ip_address(h.strip("[]"))
            return h
        except ValueError:
            pass
    parts = h.split(".")
    n = 3 if h.endswith(_THREE_LABEL) else 2
    return ".".join(parts[-n:])


def _host(u: str | None) -> str:
    if not u:
        return ""
    try:
        return urlsplit(u).hostname or ""
    except ValueError:
        return ""


@dataclass(slots=True)
class Item:
    title: str
    url: str | None
    date: date | None
    short_date: bool = False
    source: str = "list"    # where the date came from: list, sibling, title_attr, url, script_xml, script_json,
    #                         document_write, rendered (set by the scan)
    snippet: str = ""       # the item's text as shown (evidence)
    group: int = 0          # the list holding the row (items of one list share it)
    row: bool = True        # inside a list row (li/tr/dd/dt), not a loose block
    foreign: bool = False   # links to another registrable domain: never counts toward freshness
    year_unsure: bool = False  # month-day date whose year no list date fixes (its article says)
    order: int = 0          # page order


@dataclass(slots=True)
class Link:
    url: str
    kind: str  # "link", "image", "attachment"
    text: str = ""

    @property
    def download(self) -> bool:
        """Text or path of a download (附件/下载): a 200 page may say the file is gone."""
        return self.kind == "link" and bool(_DOWNLOAD_HINT.search(self.url) or _DOWNLOAD_HINT.search(self.text))


@dataclass
class Message:
    title: str
    url: str | None
    asked: date | None
    replied: date | None
    marked_unanswered: bool = False
    answered: bool | None = None      # from a status column/label (已回复/已办结 vs 未回复); None: not shown
    reply_column: bool = False        # the layout has a reply-date column/label (blank = unanswered)


@dataclass
class PageInfo:
    encoding: str
    title: str = ""
    items: list[Item] = field(default_factory=list)
    page_date: date | None = None      # article publication date (visible label > meta)
    meta_date: date | None = None
    site_id_code: str | None = None
    site_id_source: str | None = None  # "meta" or "footer"
    site_id_shown: bool = False        # visible in page text (footer)
    icp: str | None = None
    sponsor: str | None = None         # 主办单位 named in the page text
    links: list[Link] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    content_links: int = 0             # long-titled links inside list rows
    empty_marker: bool = False
    text_chars: int = 0
    page_date_source: str | None = None  # "label" | "source" | "meta"
    page_date_snippet: str = ""
    client_redirect: str | None = None  # meta refresh / location.href target (pages with little content)
    frames: list[str] = field(default_factory=list)    # <frame src> of a frameset
    iframes: list[str] = field(default_factory=list)   # same-page <iframe src>
    soft404: bool = False               # a 200 page that says the page does not exist
    next_pages: list[str] = field(default_factory=list)  # pagination: last page first, then next page
    scripts: int = 0                    # inline/external scripts (a rendered page may differ)
    script_items: int = 0               # dated items read from inside scripts
    fingerprint: str = ""               # title + text length class, to compare with a not-found page
    hidden_outbound: list[tuple[str, str]] = field(default_factory=list)  # hidden links to other domains
    no_site: str | None = None          # "no_site_content" (default/parked page) | "maintenance"
    no_site_snippet: str = ""
    compliance: object | None = None    # pagefacts.PageFacts: the footer set and accessibility basics

    @property
    def script_shell(self) -> bool:
        """A page whose content a script builds (almost no text or links of its own)."""
        return self.scripts > 0 and self.text_chars < 400 and len(self.links) < 6

    @property
    def item_latest(self) -> date | None:
        ds = [i.date for i in self.items if i.date]
        return max(ds) if ds else None

    @property
    def latest_date(self) -> date | None:
        """Newest dated list item; for pages without dated items, the article's own date."""
        return self.item_latest or self.page_date


def _norm(s: str) -> str:
    return " ".join(s.split())


_SKIP_HREF = ("#", "javascript:", "mailto:", "tel:", "data:", "about:", "JavaScript:")


def _origin(base: str | None) -> str | None:
    if not base:
        return None
    try:
        p = urlsplit(base)
    except ValueError:
        return None
    return f"{p.scheme}://{p.netloc}" if p.scheme and p.netloc else None


def _resolve(base: str | None, href: str | None, origin: str | None = None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(_SKIP_HREF):
        return None
    # Fast paths for the common absolute and root-relative forms; urljoin for the rest.
    if href.startswith(("http://", "https://")):
        u = href
    elif origin and href.startswith("/") and not href.startswith("//") and "/." not in href:
        u = origin + href
    else:
        try:
            u = urljoin(base, href) if base else href
        except ValueError:
            return None
    i = u.find("#")
    return u[:i] if i >= 0 else u


def _is_http(u: str) -> bool:
    return u.startswith(("http://", "https://")) and len(u) > 8


def parse_page(data: bytes | str, *, url: str | None = None, content_type: str | None = None,
               as_of: date | None = None, encoding: str | None = None) -> PageInfo:
    as_of = as_of or date.today()
    if isinstance(data, bytes):
        text, encoding = decode_html(data, content_type)
    else:
        text, encoding = data, encoding or "utf-8"
    tree = LexborHTMLParser(text)
    info = PageInfo(encoding=encoding)
    t = tree.css_first("title")
    info.title = _norm(t.text()) if t else ""

    base = url
    b = tree.css_first("base[href]")
    if b is not None and url:
        base = _resolve(url, b.attributes.get("href")) or url

    # Meta tags: identity, declared dates, refresh (attribute names are lower-cased by the parser).
    meta_dates: dict[str, date] = {}
    refresh = None
    for m in tree.css("meta"):
        attrs = m.attributes
        name = (attrs.get("name") or attrs.get("property") or "").strip().lower()
        content = (attrs.get("content") or "").strip()
        if (attrs.get("http-equiv") or "").strip().lower() == "refresh" and content:
            mm = _REFRESH.search(content)
            if mm:
                refresh = _resolve(base, mm.group(1))
        if name == "siteidcode" and content and not info.site_id_code:
            info.site_id_code, info.site_id_source = content, "meta"
        elif name in _META_DATE_NAMES and content:
            v = D.parse_date_value(content, as_of)
            if v:
                meta_dates.setdefault(name, v)
    for n in _META_DATE_NAMES:
        if n in meta_dates:
            info.meta_date = meta_dates[n]
            break
    for fr in tree.css("frame[src]"):
        u = _resolve(base, fr.attributes.get("src"))
        if u and _is_http(u):
            info.frames.append(u)
    for fr in tree.css("iframe[src]"):
        u = _resolve(base, fr.attributes.get("src"))
        if u and _is_http(u) and not u.split("?", 1)[0].lower().endswith((".pdf", ".swf", ".mp4")):
            info.iframes.append(u)

    # Lists held inside scripts (Hanweb's text/xml datastore, document.write, inline JSON), read before
    # the scripts are dropped from the tree.
    fragments: list[tuple[str, str]] = []
    json_items: list[Item] = []
    js_redirect = None
    for s in tree.css("script"):
        info.scripts += 1
        code = s.text() or ""
        if not code.strip():
            continue
        typ = (s.attributes.get("type") or "").lower()
        if "<record" in code or ("xml" in typ and "CDATA" in code):
            recs = _CDATA.findall(code)
            if recs:
                fragments.append(("script_xml", "".join(recs)))
                continue
        if "json" in typ or "[{" in code.replace(" ", "")[:200000]:
            json_items += _json_items(code, base, as_of)
        if "document.write" in code or ("<a " in code and "href" in code):
            frag = _js_html(code)
            if frag:
                fragments.append(("document_write" if "document.write" in code else "script_html", frag))
        if js_redirect is None and "location" in code:
            mm = _JS_REDIRECT.search(code)
            if mm:
                js_redirect = _resolve(base, mm.group(2) or mm.group(4))

    hidden_sel = _hidden_selectors(tree)
    body = tree.body
    if js_redirect is None and body is not None and "location" in (body.attributes.get("onload") or ""):
        mm = _JS_REDIRECT.search(body.attributes.get("onload") or "")
        if mm:
            js_redirect = _resolve(base, mm.group(2) or mm.group(4))
    facts = pagefacts.collect(tree, base)  # read before the scripts are dropped (the 找错 script, conac)
    for n in tree.css("script, style, noscript, template"):
        n.decompose()
    root = tree.body or tree.root
    vis = D.normalize(_norm(root.text(separator=" "))) if root is not None else ""
    info.text_chars = len(vis)
    pagefacts.read_text(facts, vis, tree)
    info.compliance = facts

    m = _SITE_ID.search(vis)
    if m:
        info.site_id_shown = True
        if not info.site_id_code:
            info.site_id_code, info.site_id_source = m.group(1), "footer"
    m = _ICP.search(vis)
    if m:
        info.icp = f"{m.group(1)}ICP备{m.group(2)}号" + (f"-{m.group(4)}" if m.group(4) else "")
    m = _SPONSOR.search(vis)
    if m:
        info.sponsor = (m.group(1) or m.group(2)).strip()
    info.empty_marker = bool(_EMPTY_MARKER.search(vis))
    info.soft404 = info.text_chars < 3000 and bool(_SOFT404.search(info.title + " " + vis[:800]))
    info.fingerprint = f"{info.title}|{len(vis) // 200}"

    # Article date: the best-labelled visible date, else a date stamped next to 来源, else meta.
    vis_dates = D.find_full_dates(vis, as_of)
    lab = D.labelled_dates(vis, as_of, vis_dates)
    src = "label"
    if not lab:
        lab, src = D.source_adjacent_dates(vis, as_of, vis_dates), "source"
    if lab:
        f = lab[0]
        info.page_date, info.page_date_source = f.value, src
        info.page_date_snippet = vis[max(0, f.start - 12):f.end + 6]
    elif info.meta_date:
        info.page_date, info.page_date_source = info.meta_date, "meta"

    # Reference date for month-day items of a list without any full date: the newest date of the page's
    # link URLs (a header clock or a date outside any list never gives the year); computed only when
    # needed. None: the entries' own articles must say the year.
    ref_cache: list = []

    def ref():
        if not ref_cache:
            cands = []
            hrefs = [a.attributes.get("href") for a in tree.css("a[href]")[:2000]]
            cands += [D.url_date(h, as_of) for h in hrefs]
            for h in hrefs:  # month-only paths (/202511/content_1.htm): the month's last day, never future
                ym = D.url_month(h)
                if ym:
                    nxt = date(ym[0] + ym[1] // 12, ym[1] % 12 + 1, 1)
                    cands.append(min(as_of, date.fromordinal(nxt.toordinal() - 1)))
            ref_cache.append(D.newest(cands, as_of))
        return ref_cache[0]

    short: list[tuple[str, str]] = []
    # Only pages whose markup can hide anything are searched for hidden containers.
    hidden = _hidden_anchor_ids(tree, hidden_sel) if (hidden_sel or _may_hide(text)) else None
    _extract_links_and_items(tree, base, as_of, info, ref, short=short, hidden=hidden)
    for source, frag in fragments:
        if "<tr" in frag and "<table" not in frag:
            frag = f"<table>{frag}</table>"  # datastore records of table rows
        ftree = LexborHTMLParser(f"<html><body>{frag}</body></html>")
        extra = PageInfo(encoding=encoding)
        _extract_links_and_items(ftree, base, as_of, extra, ref, source=source)
        info.items += extra.items
        info.content_links += extra.content_links
        info.script_items += sum(1 for i in extra.items if i.date)
    info.items += json_items
    info.script_items += sum(1 for i in json_items if i.date)
    if info.text_chars < 1500 and len(info.links) < 15 and not info.item_latest:
        # No government site here: a server's default page, a parked domain, a maintenance notice.
        head = info.title + " " + vis[:1500]
        m = _DEFAULT_PAGE.search(head) or _PARKED.search(head)
        kind = "no_site_content"
        if m is None and len(info.links) < 8:
            m, kind = _MAINTENANCE.search(head), "maintenance"
        if m is not None:
            info.no_site = kind
            info.no_site_snippet = head[max(0, m.start() - 30):m.end() + 40].strip()
    # Message lists always show a question date label (留言时间 …): pages without one are not read for them.
    info.messages = _extract_messages(tree, base, as_of) if _MSG_LABEL.search(vis) else []
    info.next_pages = _pagination(short, base, text)

    # A client-side redirect is followed only from a page that has little of its own; a splash page's
    # single "进入网站" link counts as one.
    target = refresh or js_redirect
    if target is None and not info.item_latest and len(info.links) <= 8:
        for a in tree.css("a[href]"):
            t = _norm(a.text()) or _norm(a.attributes.get("title") or "") or _norm(
                " ".join((i.attributes.get("alt") or "") for i in a.css("img")))
            if t and len(t) <= 8 and _ENTRY_TEXT.search(t):
                u = _resolve(base, a.attributes.get("href"))
                if u and _is_http(u) and u.rstrip("/") != (base or "").rstrip("/") and \
                        urlsplit(u).path.lower() not in ("", "/", "/index.html", "/index.htm", "/index.shtml"):
                    target = u  # (a link back to the site's root is navigation, not a splash page's entry)
                    break
    if target and _is_http(target) and not info.item_latest and len(info.links) < 15:
        info.client_redirect = target
    return info


def _json_items(code: str, base, as_of: date) -> list[Item]:
    """Objects of JSON arrays inside a script: title + url + a date value."""
    out: list[Item] = []
    pos = 0
    for _ in range(20):
        m = _ARRAY_START.search(code, pos)
        if m is None:
            break
        i = m.start()
        end = _match_bracket(code, i)
        if end is None:
            break
        pos = end + 1
        raw = code[i:end + 1]
        try:
            arr = json.loads(raw)
        except ValueError:
            try:
                arr = json.loads(re.sub(r"([{,]\s*)([A-Za-z_]\w*)\s*:", r'\1"\2":', raw.replace("'", '"')))
            except ValueError:
                continue
        for obj in _walk_objects(arr):
            it = _json_item(obj, base, as_of)
            if it:
                out.append(it)
    return out


def _walk_objects(v, depth: int = 0):
    if depth > 4:
        return
    if isinstance(v, dict):
        yield v
        for x in v.values():
            if isinstance(x, (list, dict)):
                yield from _walk_objects(x, depth + 1)
    elif isinstance(v, list):
        for x in v[:500]:
            yield from _walk_objects(x, depth + 1)


def _json_item(obj: dict, base, as_of: date) -> Item | None:
    title = url = None
    when = None
    for k, v in obj.items():
        if not isinstance(v, (str, int)):
            continue
        kl = str(k).lower()
        sv = str(v)
        if title is None and any(t == kl or kl.endswith(t) for t in _TITLE_KEYS) and len(sv) >= 4:
            title = _norm(re.sub(r"<[^>]+>", "", sv))
        elif url is None and any(kl == u or kl.endswith(u) for u in _URL_KEYS):
            url = _resolve(base, sv)
        elif when is None and any(d in kl for d in _DATE_KEYS):
            when = D.parse_date_value(sv, as_of)
            if when is None and sv.isdigit() and len(sv) in (10, 13):  # epoch (milli)seconds, Beijing dates
                try:
                    when = datetime.fromtimestamp(int(sv) / (1000 if len(sv) == 13 else 1), tz=BEIJING).date()
                except (OverflowError, OSError, ValueError):
                    when = None
                if when and when > as_of:
                    when = None
    if not title or (when is None and url is None):
        return None
    if when is None:
        return None
    return Item(title=title, url=url, date=when, source="script_json", snippet=f"{title} {when.isoformat()}"[:160])


def _match_bracket(s: str, i: int) -> int | None:
    depth = 0
    q = None
    k = i
    n = min(len(s), i + 2_000_000)
    while k < n:
        c = s[k]
        if q:
            if c == "\\":
                k += 2
                continue
            if c == q:
                q = None
        elif c in "\"'":
            q = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return k
        k += 1
    return None


def _js_html(code: str) -> str:
    """HTML written by a script (document.write / innerHTML strings), string literals joined."""
    parts = []
    for m in _JS_STRING.finditer(code):
        s = m.group(1) if m.group(1) is not None else m.group(2)
        if "<" in s or parts:
            parts.append(s)
    if not parts:
        return ""
    html = "".join(parts)
    if "<a" not in html:
        return ""
    return (html.replace("\\'", "'").replace('\\"', '"').replace("\\/", "/").replace("\\n", " ")
            .replace("\\t", " "))


def _pagination(short: list[tuple[str, str]], base, raw: str) -> list[str]:
    """Pagination targets of a list page: the last page first (ascending lists), then the next page.

    short: (text, href) of the page's links with short text, gathered by _extract_links_and_items."""
    last = nxt = None
    numbered: list[tuple[int, str]] = []
    for t, href in short:
        if t.isdigit() and len(t) <= 4:
            if _PAGE_HREF.search(href):
                numbered.append((int(t), href))
            continue
        if last is None and _LAST_TEXT.match(t):
            last = _resolve(base, href)
        elif nxt is None and _NEXT_TEXT.match(t):
            nxt = _resolve(base, href)
    if last is None and numbered:
        last = _resolve(base, max(numbered)[1])
    if (last is None or nxt is None) and base and ("createPage" in raw or "countPage" in raw):
        m = _TRS_PAGER.search(raw) or None
        count = cur = None
        if m:
            count, cur, name, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        else:
            mc = _COUNT_PAGES.search(raw)
            if mc:
                count, cur, name, ext = int(mc.group(1)), 0, "index", "html"
        if count and count > 1:
            folder = base.rsplit("/", 1)[0] + "/"
            last = last or f"{folder}{name}_{count - 1}.{ext}"
            nxt = nxt or f"{folder}{name}_{cur + 1}.{ext}"
    out = []
    for u in (last, nxt):
        if u and _is_http(u) and u not in out and u != base:
            out.append(u)
    return out


def _container(a):
    """Nearest list row holding the link: li/tr/dd/dt within 4 levels, else a small div/p row."""
    node = a.parent
    fallback = None
    for _ in range(4):
        if node is None:
            break
        tag = node.tag
        if tag in _ITEM_TAGS:
            return node, True
        if tag in ("ul", "ol", "table", "tbody", "body", "html"):
            break
        if fallback is None and tag in _ROW_TAGS:
            fallback = node
        node = node.parent
    return fallback, False


def _one_link(node, limit: int = 1) -> bool:
    n = 0
    for x in node.css("a[href]"):
        if len(_norm(x.text()) or (x.attributes.get("title") or "")) >= 4:
            n += 1
            if n > limit:
                return False
    return True


def _sibling_date(a, node, title: str, as_of: date, ref):
    """Date in a sibling element of the link's row (div layouts): climb while the block holds one entry."""
    cur = node if node is not None else a
    for _ in range(3):
        cur = cur.parent
        if cur is None or cur.tag in ("body", "html", "ul", "ol", "table", "tbody"):
            return None, ""
        text = _norm(cur.text(separator=" "))
        if len(text) > 300 or not _one_link(cur):
            return None, ""
        fd = D.item_date(text.replace(title, " ", 1), as_of)
        if fd is not None and fd.kind == "short" and ref is not None:
            fd = D.item_date(text.replace(title, " ", 1), as_of, ref=ref())
        if fd:
            return fd, text
    return None, ""


def _title_attr_date(a, node, as_of: date, ref):
    vals = []
    own = D.normalize(a.attributes.get("title") or "")
    if own and len(own) < 200:
        # The link's own title often repeats the headline ("关于2026年11月18日停电的通知"): its date counts
        # only when labelled, alone, or after the headline.
        for f in D.find_full_dates(own, as_of):
            rest = own[:f.start] + own[f.end:]
            if (D.label_rank(own[max(0, f.start - 16):f.start]) is not None or len(rest.strip()) <= 8
                    or f.start >= len(own) - (f.end - f.start) - 2):
                return f, own
    if node is not None:
        vals.append(node.attributes.get("title") or "")
        for x in node.css("[title]"):
            if x.mem_id != a.mem_id and x.tag != "a":
                vals.append(x.attributes.get("title") or "")
    for v in vals:
        if v and len(v) < 200:
            v = D.normalize(v)
            full = D.find_full_dates(v, as_of)
            if full:
                return full[0], v
    return None, ""


_OFFSCREEN_HINT = re.compile(r":\s*-\d{3}")


def _may_hide(raw: str) -> bool:
    """Cheap look at the markup: could any element be hidden or off-screen?"""
    return ("display" in raw or "visibility" in raw or "hidden" in raw or ":0" in raw or ": 0" in raw
            or bool(_OFFSCREEN_HINT.search(raw)))


def _hidden_selectors(tree) -> list[str]:
    """Class/id selectors a page's own <style> blocks hide (.x{display:none}, #y{left:-9999px})."""
    out = []
    for st in tree.css("style"):
        css = st.text() or ""
        if "none" not in css and "hidden" not in css and "-" not in css:
            continue
        for m in _STYLE_RULE.finditer(css[:200000]):
            if _HIDDEN_STYLE.search(m.group(2)):
                for sel in m.group(1).split(","):
                    sel = sel.strip()
                    if re.fullmatch(r"[.#][A-Za-z_][\w-]*", sel):
                        out.append(sel)
    return out[:50]


def _hidden_anchor_ids(tree, selectors: list[str]) -> tuple[set[int], set[int]]:
    """mem_ids of links a browser does not show (inside hidden or off-screen containers), and of those
    the ones in a tab box's hidden panels."""
    nodes = [n for n in tree.css("[style]") if _HIDDEN_STYLE.search(n.attributes.get("style") or "")]
    nodes += tree.css("[hidden]")
    for sel in selectors:
        try:
            nodes += tree.css(sel)
        except Exception:  # noqa: BLE001 - a selector the parser refuses hides nothing
            pass
    out: set[int] = set()
    tabs: set[int] = set()
    hidden_ids = {n.mem_id for n in nodes}
    for n in nodes:
        if n.tag in ("html", "body"):
            continue
        ids = {a.mem_id for a in n.css("a[href]")}
        out |= ids
        if ids and _tab_panel(n, hidden_ids):
            tabs |= ids
    return out, tabs


def _tab_panel(n, hidden_ids: set) -> bool:
    """A hidden panel of a tab box (display:none until its tab is clicked): a sibling of the same tag and
    class is shown and holds links. Its own site's entries count; off-screen blocks are never tabs."""
    if "-" in (n.attributes.get("style") or "") and _OFFSCREEN_HINT.search(n.attributes.get("style") or ""):
        return False
    parent, cls = n.parent, n.attributes.get("class") or ""
    if parent is None:
        return False
    sib = parent.child
    while sib is not None:
        if sib.mem_id != n.mem_id and sib.tag == n.tag and (sib.attributes.get("class") or "") == cls \
                and sib.mem_id not in hidden_ids and sib.css_first("a[href]") is not None:
            return True
        sib = sib.next
    return False


_HEADING_TAGS = "h2, h3, h4, h5, h6, p, dt, span, strong, b, em, time, div, td, th"


def _date_headings(tree, as_of: date, items: list, a_nodes: dict) -> None:
    """Lists grouped by day: a heading holding only a date dates the undated entries below it."""
    heads = []
    for n in tree.css(_HEADING_TAGS):
        t = _norm(n.text(deep=n.tag not in ("div", "td", "th", "p")))
        if not (6 <= len(t) <= 24) or not _DIGITISH.search(t) or n.css_first("a"):
            continue
        t = D.normalize(t)
        f = D.find_full_dates(t, as_of)
        if f and len(t) - (f[0].end - f[0].start) <= 4 and f[0].value != as_of:  # the scan day alone: a clock
            heads.append((n, f[0].value))
    if not heads:
        return
    order: dict[int, int] = {}
    root = tree.body or tree.root
    for i, n in enumerate(root.traverse()):
        order[n.mem_id] = i
    def holders(n):
        # The heading's parent; a link-free heading row (<tr><td>date</td></tr>) also its grandparent.
        p = n.parent
        out = {p.mem_id} if p is not None else set()
        if p is not None and p.parent is not None and p.css_first("a") is None and p.tag in ("tr", "div", "li", "p"):
            out.add(p.parent.mem_id)
        return out
    hs = sorted(((order.get(n.mem_id, -1), holders(n), v) for n, v in heads), key=lambda x: x[0])
    for it in items:
        a = a_nodes.get(it.order)
        if it.date is not None or a is None:
            continue
        pos = order.get(a.mem_id)
        if pos is None:
            continue
        anc, cur = set(), a.parent
        for _ in range(3):
            if cur is None:
                break
            anc.add(cur.mem_id)
            cur = cur.parent
        best = None
        for hpos, parent, v in hs:
            if hpos >= pos:
                break
            if parent & anc:
                best = v
        if best is not None:
            it.date, it.source = best, "date_heading"


def _extract_links_and_items(tree, base, as_of: date, info: PageInfo, ref=None, *, source: str = "list",
                             short: list | None = None, hidden: set | None = None) -> None:
    """Links, dated entries and content rows of a page, in one pass over its links.

    short: collects (text, href) of links with short text (pager links), for _pagination.
    hidden: mem_ids of links in hidden/off-screen containers (no entry; outbound ones are reported)."""
    origin = _origin(base)
    own_host = _host(base) if base else ""
    own = registrable(own_host) if base else None
    ohp = origin + "/" if origin else None

    def foreign_url(u: str) -> bool:
        if not own or (ohp and u.startswith(ohp)):
            return False
        h = _host(u)
        return h != own_host and registrable(h) != own
    seen_links: set[str] = set()
    seen_items: set[tuple] = set()
    items: list[Item] = []
    a_nodes: dict[int, object] = {}
    for a in tree.css("a[href]"):
        attrs = a.attributes
        href = attrs.get("href")
        u = _resolve(base, href, origin)
        if hidden and a.mem_id in hidden[0]:
            if u and _is_http(u) and foreign_url(u):
                info.hidden_outbound.append((u, _norm(a.text())[:80]))
                continue
            if a.mem_id not in hidden[1]:
                continue  # hidden, not a tab panel: never an entry
        if u and _is_http(u) and u not in seen_links:
            seen_links.add(u)
            path = u.split("?", 1)[0].lower()
            link = Link(u, "attachment" if path.endswith(ATTACHMENT_EXT) else "link")
            info.links.append(link)
        else:
            link = None
        raw_title = _norm(a.text())
        if link is not None:
            link.text = raw_title[:40]
        if short is not None:
            t = raw_title or _norm(attrs.get("title") or "")
            if t and len(t) <= 6:
                short.append((t, href or ""))
        in_link = None
        if raw_title and _DIGITISH.search(raw_title) and next(a.iter(), None) is not None:
            # <a><p>title</p><span>2026-11-18</span></a>: a date in its own element inside the link.
            for ch in a.css("*"):
                ct = _norm(ch.text())
                if 4 <= len(ct) <= 24 and ct != raw_title:
                    f0 = D.item_date(ct, as_of)
                    if f0 is not None and len(ct) - (f0.end - f0.start) <= 8:
                        in_link = (f0, ct)
                        raw_title = _norm(raw_title.replace(ct, " ", 1))
                        break
        title = raw_title or _norm(attrs.get("title") or "")
        node, is_row = _container(a)
        if not title:
            # A picture entry: the image's alt text, else the row's caption beside the picture.
            title = _norm(" ".join((i.attributes.get("alt") or "") for i in a.css("img")))
            if not title and node is not None and a.css_first("img") is not None and _one_link(node, 0):
                title = _norm(node.text(separator=" "))[:80]
        if len(title) < 4:
            continue  # navigation ("首页", "更多")
        ctext = _norm(node.text(separator=" ")) if node is not None else title
        if len(ctext) > 300:
            continue  # a whole block, not one entry
        if is_row and len(title) >= 6:
            info.content_links += 1
        rest = ctext.replace(title, " ", 1)
        fd = in_link[0] if in_link else D.item_date(rest, as_of)
        src, snippet = source, ctext
        if fd is None:
            fd, sn = _sibling_date(a, node, title, as_of, None)
            if fd:
                src, snippet = ("sibling" if source == "list" else source), sn
        if fd is None:
            fd, sn = _title_attr_date(a, node, as_of, None)
            if fd:
                src, snippet = ("title_attr" if source == "list" else source), f"{title} title={sn}"
        if fd is None and len(title) >= 8:
            ud = D.url_date(u, as_of)
            if ud:
                fd = D.FoundDate(ud, 0, 0, "full")
                src, snippet = ("url" if source == "list" else source), f"{title} {u}"
        elif fd is not None and fd.kind == "short":
            ud = D.url_date(u, as_of)  # the item's own URL gives the year of a month-day date
            if ud and (ud.month, ud.day) == (fd.value.month, fd.value.day):
                fd = D.FoundDate(ud, fd.start, fd.end, "full")
        if fd is None and not is_row:
            if node is None:
                continue
        key = (u, title)
        if key in seen_items:
            continue
        seen_items.add(key)
        holder = node.parent if node is not None else a.parent
        foreign = bool(u and foreign_url(u))
        a_nodes[len(items)] = a
        items.append(Item(title=title, url=u, date=fd.value if fd and not foreign else None,
                          short_date=bool(fd and fd.kind == "short"), source=src, snippet=snippet[:160],
                          group=holder.mem_id if holder is not None else 0, row=is_row, foreign=foreign,
                          order=len(items)))
    for img in tree.css("img[src]"):
        u = _resolve(base, img.attributes.get("src"), origin)
        if u and _is_http(u) and u not in seen_links:
            seen_links.add(u)
            info.links.append(Link(u, "image"))
    # Dates read only from URLs count when several content entries carry them and no link on the page
    # shows a newer month (/202309/ paths): footer pages with old dated URLs decide nothing.
    # A date equal to the scan day on a loose block (not a list row, the only dated entry of its block) is
    # the server's clock printed beside a link, not an update.
    today = [i for i in items if i.date == as_of and not i.row]
    if today:
        dated_groups: dict[int, int] = {}
        for i in items:
            if i.date:
                dated_groups[i.group] = dated_groups.get(i.group, 0) + 1
        for i in today:
            if dated_groups.get(i.group, 0) <= 1:
                i.date = None
    # Month-day entries take their year from the list's own full dates, else from its links' URL dates,
    # else from their own article (year_unsure: the scan asks one).
    pending = [i for i in items if i.date and i.short_date] if ref is not None else []
    if pending:
        full = [i.date for i in items if i.date and not i.short_date and i.row]
        r0 = max(full) if full else ref()
        for i in pending:
            i.date = D.infer_year(i.date.month, i.date.day, as_of, r0)
            i.year_unsure = r0 is None and i.date is not None
    undated = sum(1 for i in items if i.date is None and len(i.title) >= 8)
    if source == "list" and undated >= 3 and undated >= sum(1 for i in items if i.date):
        _date_headings(tree, as_of, items, a_nodes)
    by_url = [i for i in items if i.source == "url" and i.date]
    if by_url:
        newest_ym = max(((i.date.year, i.date.month) for i in by_url))
        months = [D.url_month(l.url) for l in info.links]
        newer = any(m and m > newest_ym for m in months)
        if len(by_url) < 2 or newer:
            for i in by_url:
                i.date = None
    info.items = items


def _after_label(text: str, label_rx, as_of: date) -> date | None:
    for f in D.find_full_dates(text, as_of):
        if label_rx.search(text[max(0, f.start - 12):f.start]):
            return f.value
    return None


def _attr_text(node) -> str:
    """Status shown by icons: the alt/title texts inside a node (img alt="已回复", span title="未办结")."""
    vals = [node.attributes.get("title") or ""]
    for x in node.css("[alt], [title]"):
        if x.tag != "a":
            vals.append(x.attributes.get("alt") or x.attributes.get("title") or "")
    return " " + " ".join(v for v in vals if v)


def _status(text: str) -> bool | None:
    if _UNANSWERED.search(text):
        return False
    if _ANSWERED.search(text):
        return True
    return None


def _extract_messages(tree, base, as_of: date) -> list[Message]:
    out: list[Message] = []
    # Table layout: header row names the question/reply date columns, and/or a status column.
    for table in tree.css("table"):
        rows = table.css("tr")
        if not rows:
            continue
        head = [_norm(c.text()) for c in rows[0].css("th, td")]
        qi = next((i for i, h in enumerate(head) if re.search(r"(留言|提问|咨询|来信|提交|受理)(时间|日期)", h)), None)
        ri = next((i for i, h in enumerate(head) if re.search(r"(回复|答复|办结|反馈)(时间|日期)", h)), None)
        si = next((i for i, h in enumerate(head) if re.search(r"(状态|办理情况|回复情况|是否回复|处理情况)", h)), None)
        if qi is None:
            continue
        for r in rows[1:]:
            cells = r.css("td")
            if len(cells) <= qi:
                continue
            a = r.css_first("a[href]")
            asked = D.parse_date_value(D.normalize(cells[qi].text()), as_of)
            replied = (D.parse_date_value(D.normalize(cells[ri].text()), as_of)
                       if ri is not None and len(cells) > ri else None)
            rt = _norm(r.text())
            st = _status(_norm(cells[si].text()) + _attr_text(cells[si])) if si is not None and len(cells) > si else None
            out.append(Message(_norm(a.text()) if a else rt[:60], _resolve(base, a.attributes.get("href")) if a else None,
                               asked, replied, st is False or (si is None and bool(_UNANSWERED.search(rt))),
                               answered=st, reply_column=ri is not None))
    if out:
        return out
    # Labelled layout: "留言时间：… 回复时间：…" / "状态：已办结" inside one list row.
    for row in tree.css("li, dl, div.msg, div.message, div.item, tr"):
        text = D.normalize(_norm(row.text(separator=" ")))
        if len(text) > 600 or not re.search(r"(留言|提问|咨询|来信|提交)(时间|日期)", text):
            continue
        if len(row.css("li, dl, div.msg, div.message, div.item")) > 1:
            continue  # use the innermost row (css() includes the node itself)
        a = row.css_first("a[href]")
        replied = _after_label(text, _R_LABEL, as_of)
        st = _status(text + _attr_text(row))
        out.append(Message(
            _norm(a.text()) if a else text[:60],
            _resolve(base, a.attributes.get("href")) if a else None,
            _after_label(text, _Q_LABEL, as_of),
            replied,
            st is False,
            answered=True if replied else st,
            reply_column=bool(re.search(r"(回复|答复|办结|反馈)(时间|日期)", text)),
        ))
    return out
