"""A page's compliance facts (the footer set: 网站标识码, 党政机关网站标识, 找错, ICP and 公安备案; accessibility
basics), collected while extract.parse_page reads the page, so the compliance checks (compliance.py) cost no
request of their own. Below both extract and compliance: each imports this, this imports neither."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

# The footer's 网站标识码 (one reading, also extract's).
_SITE_ID = re.compile(r"网站标识码\s*[:：]?\s*([A-Za-z]{2}\d{8}|\d{10})(?![\dA-Za-z])")
_CODE = r"([A-Za-z]{2}\d{8}|\d{10})"
_LINK_CODE = re.compile(r"site_?code=" + _CODE + r"(?![\dA-Za-z])", re.I)
_CALL_CODE = re.compile(r"\(\s*['\"]" + _CODE + r"['\"]\s*\)")
_PSB = re.compile(r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])\s*公网安备\s*[:：]?\s*(\d{14})(?!\d)\s*号?")
_PSB_LINK = re.compile(r"recordcode=(\d{14})(?!\d)", re.I)
_ICP_NORM = re.compile(r"([^\W\d_]{1})\s*ICP\s*备\s*[:：]?\s*(\d{6,12})\s*号?(?:\s*-\s*(\d{1,3}))?", re.I)
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def rules() -> dict:
    return json.loads(resources.files(__package__).joinpath("compliance.json").read_text("utf-8"))


# ------------------------------------------------------------------ facts read while a page is parsed

@dataclass
class PageFacts:
    """What one page shows of the footer set and the accessibility basics (kept small: bodies are dropped)."""
    footer_code: str | None = None          # 网站标识码 in the page text
    footer_snippet: str = ""
    jiucuo: list[tuple[str, str]] = field(default_factory=list)        # (shape, snippet) of the 找错 entry
    jiucuo_codes: list[tuple[str, str]] = field(default_factory=list)  # (site code, snippet)
    emblem: list[tuple[str, str]] = field(default_factory=list)        # (link|script|image|error, url)
    psb: str | None = None                  # 公安备案 number as shown
    psb_snippet: str = ""
    lang: str | None = None
    images: int = 0
    images_no_alt: list[str] = field(default_factory=list)
    fields: int = 0
    unlabeled: list[str] = field(default_factory=list)
    a11y_entry: str | None = None


def _snip(s: str, n: int = 120) -> str:
    return _SPACE.sub(" ", s or "").strip()[:n]


def _outer(node, n: int = 160) -> str:
    try:
        return _snip(node.html or "", n)
    except Exception:  # noqa: BLE001 - evidence text only
        return ""


def collect(tree, base: str | None) -> PageFacts:
    """DOM facts, read before parse_page drops the page's scripts."""
    r = rules()
    f = PageFacts()
    html = tree.css_first("html")
    if html is not None:
        f.lang = (html.attributes.get("lang") or html.attributes.get("xml:lang") or "").strip() or None
    em, jc = r["emblem"], r["jiucuo"]
    for s in tree.css("script"):
        attrs = s.attributes
        src = (attrs.get("src") or "").strip()
        code_attr = (attrs.get("sitecode") or attrs.get("site_code") or "").strip()
        low = src.lower()
        if (attrs.get("id") or "") == "_jiucuo_" or any(w in low for w in jc["script_words"]):
            f.jiucuo.append(("script", _outer(s)))
            if re.fullmatch(_CODE, code_attr):
                f.jiucuo_codes.append((code_attr, _outer(s)))
        if any(h in low for h in em["script_hosts"]):
            f.emblem.append(("script", src))
        elif not src:
            code = s.text() or ""
            if "exposure/jiucuo" in code:  # a script that builds the 找错 link (…/exposure/jiucuo.html?site_code=)
                f.jiucuo.append(("script", _snip(code[max(0, code.find("exposure/jiucuo") - 60):][:160])))
            if "conac" in code:
                for line in code.splitlines():  # document.write(unescape("%3Cscript src='…conac…")), not commented out
                    if any(h in line for h in em["script_hosts"]) and not line.lstrip().startswith("//"):
                        f.emblem.append(("script", _snip(line[max(0, line.find("conac") - 40):][:160])))
                        break
    for a in tree.css("a[href]"):  # addresses only: a link's text is read below, for the few that need it
        href = a.attributes.get("href") or ""
        if "conac" in href or "jiucuo" in href.lower():
            href = href.strip()
            if _host(href) in em["link_hosts"]:
                f.emblem.append(("link", href))
            if any(w in href.lower() for w in jc["link_words"]):
                f.jiucuo.append(("link", href))
                m = _LINK_CODE.search(href)
                if m:
                    f.jiucuo_codes.append((m.group(1), href[:160]))
    words = jc["text_words"] + [w for w in jc["link_words"] if not w.isascii()]
    for a in tree.css(", ".join(f'a:lexbor-contains("{w}")' for w in words)):
        text = _snip(a.text(), 60)
        if any(w in text for w in words):
            f.jiucuo.append(("link", text))
            m = _LINK_CODE.search(a.attributes.get("href") or "")
            if m:
                f.jiucuo_codes.append((m.group(1), (a.attributes.get("href") or "")[:160]))
            break
    for img in tree.css("a img[alt]"):   # a picture link whose alt text says 找错
        alt = img.attributes.get("alt") or ""
        if any(w in alt for w in words):
            f.jiucuo.append(("link", alt))
            break
    for fr in tree.css("iframe[src]"):
        src = fr.attributes.get("src") or ""
        if "jiucuo" in src.lower():
            f.jiucuo.append(("iframe", src))
    for img in tree.css("img"):
        attrs = img.attributes
        src = (attrs.get("src") or attrs.get("data-src") or "").strip()
        low = src.lower()
        f.images += 1
        if "alt" not in attrs:
            f.images_no_alt.append(src[:200])
        if any(w in low for w in em["error_words"]):
            f.emblem.append(("error", src))
        elif any(w in low for w in em["image_words"]):
            f.emblem.append(("image", src))
        if "jiucuo" in low:
            f.jiucuo.append(("image", src))
            m = _CALL_CODE.search(attrs.get("onclick") or "")
            if m:
                f.jiucuo_codes.append((m.group(1), _outer(img)))
    _form_labels(tree, f)
    return f


def _form_labels(tree, f: PageFacts) -> None:
    a = rules()["accessibility"]
    fields = tree.css(", ".join(a["form_fields"]))
    if not fields:
        return
    label_for = {(lb.attributes.get("for") or "").strip() for lb in tree.css("label[for]")}
    skip = set(a["unlabeled_input_types"])
    for n in fields:
        attrs = n.attributes
        if n.tag == "input" and (attrs.get("type") or "text").strip().lower() in skip:
            continue
        f.fields += 1
        named = any((attrs.get(k) or "").strip() for k in ("aria-label", "aria-labelledby", "title", "placeholder"))
        if not named and (attrs.get("id") or "").strip() in label_for - {""}:
            named = True
        p, depth = n.parent, 0
        while not named and p is not None and depth < 6:
            named = p.tag == "label"
            p, depth = p.parent, depth + 1
        if not named:
            f.unlabeled.append(_outer(n, 120))


_ENTRY_TAGS = "a, button, span, div, li, em, i, b, strong, label, p, td"


def read_text(f: PageFacts, vis: str, tree=None) -> None:
    """Facts of the visible text (after scripts and styles are dropped); tree: the page without them."""
    words = rules()["accessibility"]["entry_words"]
    if tree is not None and any(w in vis for w in words):
        # The 无障碍/适老化 switch: a short element of its own (a link, a button, a span with a handler), not prose.
        sel = ", ".join(f'{t}:lexbor-contains("{w}")' for t in _ENTRY_TAGS.split(", ") for w in words if w in vis)
        for n in tree.css(sel):
            t = _snip(n.text(deep=False) or "", 40) or _snip(n.attributes.get("title") or "", 40)
            if t and len(t) <= 12 and any(w in t for w in words):
                f.a11y_entry = t
                break
    m = _SITE_ID.search(vis)
    if m:
        f.footer_code, f.footer_snippet = m.group(1), _snip(vis[max(0, m.start() - 10):m.end() + 10])
    m = _PSB.search(vis)
    if m:
        f.psb, f.psb_snippet = f"{m.group(1)}公网安备{m.group(2)}号", _snip(vis[max(0, m.start() - 4):m.end() + 4])
    if not any(s == "link" for s, _ in f.jiucuo) and any(w in vis for w in rules()["jiucuo"]["text_words"]):
        i = next(vis.find(w) for w in rules()["jiucuo"]["text_words"] if w in vis)
        f.jiucuo.append(("text", _snip(vis[max(0, i - 10):i + 20])))


def psb_from_links(f: PageFacts, links) -> None:
    """A 公安备案 number only in its beian.gov.cn link (recordcode=…): still shown."""
    if f.psb is None:
        for l in links:
            m = _PSB_LINK.search(l.url)
            if m:
                f.psb, f.psb_snippet = m.group(1), l.url[:160]
                return


# ------------------------------------------------------------------ judging the footer set


def _host(u: str | None) -> str:
    try:
        return (urlsplit(u or "").hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
