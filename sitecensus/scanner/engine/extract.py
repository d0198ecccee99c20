"""Parse one HTML page: list items with dates, article date, identity, links, interaction messages."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from . import dates as D
from .config import subtract_period
from .encoding import decode_html

ATTACHMENT_EXT = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z",
                  ".wps", ".et", ".ofd", ".txt", ".csv", ".ceb")
_ITEM_TAGS = {"li", "tr", "dd", "dt"}
_ROW_TAGS = {"div", "p", "span", "td"}
_EMPTY_MARKER = re.compile(r"暂无(信息|数据|内容|记录|相关|文章)|没有(记录|相关)|无相关信息|此栏目暂无")
_SITE_ID = re.compile(r"网站标识码\s*[:：]?\s*([A-Za-z]{2}\d{8}|\d{10})(?![\dA-Za-z])")
_ICP = re.compile(
    r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼蜀滇黔陇])\s*ICP\s*备\s*[:：]?\s*(\d{6,12})\s*(号)?(?:\s*-\s*(\d{1,3}))?"
)
_META_DATE_NAMES = ("pubdate", "publishdate", "firstpublishedtime", "publishedtime", "article:published_time",
                    "dc.date", "dcterms.issued", "maketime", "lastmodifiedtime")
_Q_LABEL = re.compile(r"(留言|提问|咨询|来信|提交)(时间|日期)\s*[:：]?\s*$")
_R_LABEL = re.compile(r"(回复|答复|办结|反馈|处理)(时间|日期)\s*[:：]?\s*$")
_UNANSWERED = re.compile(r"(未回复|待回复|办理中|未答复|待处理)")


@dataclass
class Item:
    title: str
    url: str | None
    date: date | None
    short_date: bool = False


@dataclass
class Link:
    url: str
    kind: str  # "link", "image", "attachment"


@dataclass
class Message:
    title: str
    url: str | None
    asked: date | None
    replied: date | None
    marked_unanswered: bool = False


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
    links: list[Link] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    content_links: int = 0             # long-titled links inside list rows
    empty_marker: bool = False
    text_chars: int = 0

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

    # Meta tags: identity and declared dates (attribute names are lower-cased by the parser).
    meta_dates: dict[str, date] = {}
    for m in tree.css("meta"):
        attrs = m.attributes
        name = (attrs.get("name") or attrs.get("property") or "").strip().lower()
        content = (attrs.get("content") or "").strip()
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

    for n in tree.css("script, style, noscript, template"):
        n.decompose()
    root = tree.body or tree.root
    vis = _norm(root.text(separator=" ")) if root is not None else ""
    info.text_chars = len(vis)

    m = _SITE_ID.search(vis)
    if m:
        info.site_id_shown = True
        if not info.site_id_code:
            info.site_id_code, info.site_id_source = m.group(1), "footer"
    m = _ICP.search(vis)
    if m:
        info.icp = f"{m.group(1)}ICP备{m.group(2)}号" + (f"-{m.group(4)}" if m.group(4) else "")
    info.empty_marker = bool(_EMPTY_MARKER.search(vis))

    # Article date: a labelled visible date, else a date stamped next to 来源, else meta.
    lab = D.labelled_dates(vis, as_of) or D.source_adjacent_dates(vis, as_of)
    info.page_date = lab[0].value if lab else info.meta_date

    _extract_links_and_items(tree, base, as_of, info)
    info.messages = _extract_messages(tree, base, as_of)
    return info


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


def _extract_links_and_items(tree, base, as_of: date, info: PageInfo) -> None:
    origin = _origin(base)
    seen_links: set[str] = set()
    seen_items: set[tuple] = set()
    items: list[Item] = []
    for a in tree.css("a[href]"):
        u = _resolve(base, a.attributes.get("href"), origin)
        if u and _is_http(u) and u not in seen_links:
            seen_links.add(u)
            path = u.split("?", 1)[0].lower()
            info.links.append(Link(u, "attachment" if path.endswith(ATTACHMENT_EXT) else "link"))
        title = _norm(a.text()) or _norm(a.attributes.get("title") or "")
        if len(title) < 4:
            continue  # navigation ("首页", "更多")
        node, is_row = _container(a)
        if node is None:
            continue
        ctext = _norm(node.text(separator=" "))
        if len(ctext) > 300:
            continue  # a whole block, not one entry
        if is_row and len(title) >= 6:
            info.content_links += 1
        rest = ctext.replace(title, " ", 1)
        fd = D.item_date(rest, as_of)
        if fd is None and not is_row:
            continue
        key = (u, title)
        if key in seen_items:
            continue
        seen_items.add(key)
        items.append(Item(title=title, url=u, date=fd.value if fd else None, short_date=bool(fd and fd.kind == "short")))
    for img in tree.css("img[src]"):
        u = _resolve(base, img.attributes.get("src"), origin)
        if u and _is_http(u) and u not in seen_links:
            seen_links.add(u)
            info.links.append(Link(u, "image"))
    # Short (month-day) dates are only safe when the page does not show the list is old.
    full = [i.date for i in items if i.date and not i.short_date]
    if any(i.short_date for i in items) and full and max(full) < subtract_period(as_of, {"years": 1}):
        for i in items:
            if i.short_date:
                i.date, i.short_date = None, False
    info.items = items


def _after_label(text: str, label_rx, as_of: date) -> date | None:
    for f in D.find_full_dates(text, as_of):
        if label_rx.search(text[max(0, f.start - 12):f.start]):
            return f.value
    return None


def _extract_messages(tree, base, as_of: date) -> list[Message]:
    out: list[Message] = []
    # Table layout: header row names the question/reply date columns.
    for table in tree.css("table"):
        rows = table.css("tr")
        if not rows:
            continue
        head = [_norm(c.text()) for c in rows[0].css("th, td")]
        qi = next((i for i, h in enumerate(head) if re.search(r"(留言|提问|咨询|来信)(时间|日期)", h)), None)
        ri = next((i for i, h in enumerate(head) if re.search(r"(回复|答复|办结)(时间|日期)", h)), None)
        if qi is None:
            continue
        for r in rows[1:]:
            cells = r.css("td")
            if len(cells) <= qi:
                continue
            a = r.css_first("a[href]")
            asked = D.parse_date_value(cells[qi].text(), as_of)
            replied = D.parse_date_value(cells[ri].text(), as_of) if ri is not None and len(cells) > ri else None
            rt = _norm(r.text())
            out.append(Message(_norm(a.text()) if a else rt[:60], _resolve(base, a.attributes.get("href")) if a else None,
                               asked, replied, bool(_UNANSWERED.search(rt))))
    if out:
        return out
    # Labelled layout: "留言时间：… 回复时间：…" inside one list row.
    for row in tree.css("li, dl, div.msg, div.message, div.item"):
        text = _norm(row.text(separator=" "))
        if len(text) > 600 or not re.search(r"(留言|提问|咨询|来信)(时间|日期)", text):
            continue
        if len(row.css("li, dl, div.msg, div.message, div.item")) > 1:
            continue  # use the innermost row (css() includes the node itself)
        a = row.css_first("a[href]")
        out.append(Message(
            _norm(a.text()) if a else text[:60],
            _resolve(base, a.attributes.get("href")) if a else None,
            _after_label(text, _Q_LABEL, as_of),
            _after_label(text, _R_LABEL, as_of),
            bool(_UNANSWERED.search(text)),
        ))
    return out
