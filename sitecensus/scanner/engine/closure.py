"""A closing site's notice and its end (《政府网站发展指引》 国办发〔2017〕47号; the local rules
restating it: a 关停整合公告 on the site's homepage for at least 30 days, then the site goes).

Three questions, each answered with its evidence (URL, excerpt) or 无法判定 (`unknown`):

- `find_notice` / `judge_notice_page`: is the notice on the homepage — a link to the notice page the
  unit recorded, or the site's own closure announced in words — and is the notice page a closure notice?
- `observe_notice`: the two fetched (homepage and notice page) → one day's observation;
- `period_held`: did the observations show the notice over the whole notice period?
- `check_gone`: after the period, is the old site gone, or does it redirect to its target?

Designed for the class of notices, not a sample: a notice is told by its link (the recorded URL,
however written: relative, protocol-relative, http/https) or by the site speaking of itself
(本网站 / 本站 / its own name) next to a closure word; a column stopping, another site's closure,
"网站改版" or news about closing something else are not the site's notice. Pure: no Django."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from .encoding import decode_html
from .extract import _js_html, _resolve, registrable

# A closure word, and a site speaking of itself next to it (within a short clause).
_VERB = r"(关停|关闭|停止运行|停止更新|停止服务|停止维护|停止访问|整合迁移|整合|迁移|迁至|并入|下线|撤并|注销)"
_SELF = r"(本网站|本站|本网|我站|该网站|此网站)"
_SELF_NEAR = re.compile(_SELF + r"[^。；！？\n<>]{0,24}?" + _VERB)
# A notice's title about a website closing: “关于…网站关停的公告”, “网站整合迁移公告”. Not 通知 (a
# work notice: 关于推进政府网站集约化整合工作的通知), not news (…会议召开), not a column.
_TITLE = re.compile(r"网站[^。；，,！？\n<>]{0,12}?" + _VERB + r"[^。；，,！？\n<>]{0,6}?(的)?(公告|通告|启事|告知书|告示)")
_NOT_OURS = re.compile(r"(栏目|专栏|频道|企业|违法|违规|非法|整治|工作的通知|座谈|会议|上云工作)")
_NOTICE_WORD = re.compile(r"(公告|通告|启事|告知|提示|特此)")
_EXCERPT = 120


@dataclass
class NoticeFinding:
    found: bool
    how: str = ""          # link (the recorded URL is linked), text (the site announces it in words)
    href: str = ""
    excerpt: str = ""


@dataclass
class Observation:
    """One day's look at a closure notice: present / absent / unknown (无法判定), with evidence."""

    on: str
    status: str
    homepage: str
    final_url: str = ""
    how: str = ""
    excerpt: str = ""
    notice_url: str = ""
    notice_status: int | None = None
    notice_excerpt: str = ""
    reason: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class GoneVerdict:
    """The old site after the notice period: gone, redirected (to its target), tombstone (a page that
    only says the site is closed), serving (still its content) or unknown (无法判定)."""

    verdict: str
    verified: bool
    url: str
    final_url: str = ""
    status: int | None = None
    error: str = ""
    excerpt: str = ""
    reason: str = ""
    redirects: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _text(html: str) -> str:
    return " ".join(html.split())


def _key(url: str) -> str:
    """A URL as compared: no scheme, no default port, no trailing slash or index page, host lower-cased."""
    try:
        p = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (p.hostname or "").lower()
    port = f":{p.port}" if p.port and p.port not in (80, 443) else ""
    path = re.sub(r"/(index|default)\.(s?html?|jsp|php|aspx?)$", "/", p.path or "/").rstrip("/")
    return f"{host}{port}{path}" + (f"?{p.query}" if p.query else "")


def _parsed(body: bytes | str, content_type: str | None = None) -> tuple[LexborHTMLParser, str]:
    html = body if isinstance(body, str) else decode_html(body, content_type)[0]
    return LexborHTMLParser(html), html


def _named(site_name: str) -> re.Pattern | None:
    name = re.sub(r"(门户)?网站$", "", (site_name or "").strip())
    if len(name) < 2:
        return None
    return re.compile(re.escape(name) + r"(门户)?(网站|网)?[^。；！？\n<>]{0,12}?" + _VERB)


def _closure_words(text: str, site_name: str = "") -> str | None:
    """The clause where the site announces its own closure (None when it does not)."""
    for pattern in (_SELF_NEAR, _named(site_name), _TITLE):
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            start, end = max(0, m.start() - 20), min(len(text), m.end() + 40)
            clause = text[start:end]
            if pattern is _TITLE and _NOT_OURS.search(text[max(0, m.start() - 12):m.end()]):
                continue
            if pattern is not _TITLE and _NOT_OURS.search(text[m.start():m.end()]) and not _SELF_NEAR.search(
                    text[m.start():m.end()]):
                continue
            return clause.strip()
    return None


def find_notice(body: bytes | str, page_url: str, *, notice_url: str = "", site_name: str = "",
                content_type: str | None = None) -> NoticeFinding:
    """Is the closure notice on this homepage? The recorded notice URL linked (an anchor, also one a
    script writes), or the site announcing its closure in words (link text, title, alt, page text)."""
    tree, html = _parsed(body, content_type)
    want = _key(notice_url) if notice_url else ""
    anchors = list(tree.css("a"))
    for script in tree.css("script"):
        written = _js_html(script.text() or "")
        if written:
            anchors += list(LexborHTMLParser(written).css("a"))
    fallback = None
    for a in anchors:
        href = _resolve(page_url, a.attributes.get("href"))
        label = " ".join(filter(None, [_text(a.text() or ""), a.attributes.get("title") or ""]
                                + [img.attributes.get("alt") or "" for img in a.css("img")]
                                + [img.attributes.get("title") or "" for img in a.css("img")]))
        if href and want and _key(href) == want:
            return NoticeFinding(True, "link", href, (label or href)[:_EXCERPT])
        if fallback is None and label and _closure_words(label, site_name):
            fallback = NoticeFinding(True, "text", href or "", label[:_EXCERPT])
    if fallback is not None:
        return fallback
    for node in tree.css("script, style, noscript"):
        node.decompose()
    body_node = tree.body
    text = _text(body_node.text(separator=" ") if body_node is not None else "")
    clause = _closure_words(text, site_name)
    if clause:
        return NoticeFinding(True, "text", "", clause[:_EXCERPT])
    return NoticeFinding(False)


def judge_notice_page(body: bytes | str, *, site_name: str = "", content_type: str | None = None) -> tuple[bool, str]:
    """Is this page a closure notice (the site closing, merging or moving)? With its excerpt."""
    tree, _html = _parsed(body, content_type)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    body_node = tree.body
    text = _text((tree.head.text(separator=" ") if tree.head is not None else "") + " "
                 + (body_node.text(separator=" ") if body_node is not None else ""))
    clause = _closure_words(text, site_name)
    if clause is None:
        m = re.search(r"网站[^。；！？]{0,30}?" + _VERB, text)
        clause = text[max(0, m.start() - 10):m.end() + 40] if m and _NOTICE_WORD.search(text) else None
    return (clause is not None, (clause or text[:_EXCERPT])[:_EXCERPT])


async def observe_notice(fetcher, homepage: str, notice_url: str, *, on: date, site_name: str = "") -> Observation:
    """Fetch the homepage and the notice page: one day's observation with its evidence."""
    home = await fetcher.fetch(homepage)
    obs = Observation(on=on.isoformat(), status="unknown", homepage=homepage, final_url=home.final_url,
                      notice_url=notice_url)
    if not home.ok or not home.body:
        obs.reason = f"首页无法访问（{home.message or home.status or home.error}），无法判定公告是否仍在首页"
        return obs
    finding = find_notice(home.body, home.final_url, notice_url=notice_url, site_name=site_name,
                          content_type=home.content_type)
    obs.how, obs.excerpt = finding.how, finding.excerpt
    if not finding.found:
        obs.status, obs.reason = "absent", "首页上找不到关停（整合、迁移）公告或其链接"
        return obs
    if notice_url:
        page = await fetcher.fetch(notice_url)
        obs.notice_status = page.status
        if page.status in (404, 410) or (page.ok and not page.body):
            obs.status, obs.reason = "absent", f"公告页面已不存在（{page.status}）"
            return obs
        if not page.ok:
            obs.reason = f"公告页面无法访问（{page.message or page.error}），无法判定"
            return obs
        ok, excerpt = judge_notice_page(page.body, site_name=site_name, content_type=page.content_type)
        obs.notice_excerpt = excerpt
        if not ok:
            obs.status, obs.reason = "absent", "公告页面不是关停（整合、迁移）公告"
            return obs
    obs.status = "present"
    return obs


def period_held(observations: list[dict], start: date, end: date, *, max_gap: int = 7) -> tuple[bool | None, str]:
    """Did the notice stay on the homepage from `start` to `end` (the notice period)? True, False (it was
    seen missing, with the day), or None (无法判定: the looks were too sparse or unreadable)."""
    days = sorted((date.fromisoformat(o["on"]), o["status"]) for o in observations
                  if start <= date.fromisoformat(o["on"]) <= end)
    for day, status in days:
        if status == "absent":
            return False, f"{day.isoformat()} 扫描时首页上没有公告（公告期内撤下）"
    seen = [day for day, status in days if status == "present"]
    if not seen:
        return None, "公告期内没有一次读到公告"
    gaps = [(seen[0] - start).days] + [(b - a).days for a, b in zip(seen, seen[1:])] + [
        (end - seen[-1]).days]
    if max(gaps) > max_gap:
        return None, f"公告期内有 {max(gaps)} 天没有读到公告（超过 {max_gap} 天），无法判定公告一直在首页"
    return True, f"公告期内 {len(seen)} 次扫描均在首页读到公告（{seen[0].isoformat()} 至 {seen[-1].isoformat()}）"


_META_REFRESH = re.compile(r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["'][^"']*url\s*=\s*([^"'>\s]+)""",
                           re.I)
_JS_LOCATION = re.compile(r"""(?:window\.|top\.|self\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*["']([^"']+)["']""")


def _page_redirect(html: str, base: str) -> str | None:
    """A redirect written in the page (meta refresh, location = …) on a short page."""
    if len(html) > 20000:
        return None
    m = _META_REFRESH.search(html) or _JS_LOCATION.search(html)
    return _resolve(base, m.group(1)) if m else None


def _same_place(url: str, target: str) -> bool:
    a, b = urlsplit(url).hostname or "", urlsplit(target).hostname or ""
    return bool(a and b) and (a == b or registrable(a) == registrable(b) and _key(url).startswith(_key(target)))


async def check_gone(fetcher, old_url: str, *, target_url: str = "", site_name: str = "") -> GoneVerdict:
    """After the notice period: is the old site gone (no name, no connection, 404/410), a tombstone (a
    short page saying it is closed), or redirected to its target (HTTP, meta refresh or script)? A page
    with its content still served is `serving`; a timeout, TLS failure or 5xx is 无法判定."""
    res = await fetcher.fetch(old_url)
    v = GoneVerdict("unknown", False, old_url, res.final_url, res.status, res.error or "",
                    redirects=list(res.redirects))
    if res.error in ("dns", "connect") or res.status in (404, 410):
        v.verdict, v.verified = "gone", True
        v.reason = "原网站已无法访问" + (f"（{res.status}）" if res.status else f"（{res.message}）")
        return v
    if not res.ok:
        v.reason = f"原网站访问异常（{res.message or res.status}），无法判定是否已下线"
        return v
    final = res.final_url
    html = decode_html(res.body or b"", res.content_type)[0] if res.body else ""
    written = _page_redirect(html, final)
    if written:
        final = written
        v.redirects.append(res.final_url)
    v.final_url = final
    old_host = urlsplit(old_url).hostname or ""
    if (urlsplit(final).hostname or "") != old_host:
        if target_url and not _same_place(final, target_url):
            v.verdict, v.reason = "serving", f"原网站跳转至 {final}，不是目标网站 {target_url}"
            return v
        v.verdict, v.verified = "redirected", True
        v.reason = f"原网站已跳转至{'目标网站 ' if target_url else ''}{final}"
        return v
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    text = _text(tree.body.text(separator=" ") if tree.body is not None else "")
    v.excerpt = text[:_EXCERPT]
    links = len(tree.css("a"))
    if len(text) < 600 and links <= 5 and _closure_words(text, site_name):
        v.verdict, v.verified = "tombstone", True
        v.reason = "原网站首页只剩关停（整合、迁移）说明"
        return v
    v.verdict, v.reason = "serving", "原网站仍在提供内容"
    return v


def redirects_elsewhere(homepage: str, final_url: str) -> bool:
    """Did a homepage end on another registrable domain (www.a.gov.cn → www.b.gov.cn)?"""
    a, b = urlsplit(homepage).hostname or "", urlsplit(final_url).hostname or ""
    return bool(a and b) and registrable(a) != registrable(b)
