"""Decode page bytes: BOM > UTF-16 shape > strict UTF-8 > declared charsets > charset-normalizer."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)

# GB2312/GBK pages routinely contain GBK-only or GB18030 characters: decode with the superset.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "gb_2312-80", "euc-cn", "hz-gb-2312"}


def canonical(name: str | None) -> str | None:
    """Canonical reported name; None if Python has no such codec."""
    if not name:
        return None
    n = name.strip().lower()
    if n in _GB_FAMILY:
        return "gbk"
    try:
        n = codecs.lookup(n).name
    except LookupError:
        return None
    if n in ("gb2312", "gbk", "gb18030"):
        return "gbk"
    return {"utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be", "utf_16": "utf-16"}.get(n, n)


def _codec(name: str) -> str:
    return "gb18030" if name == "gbk" else name


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else None


def meta_charset(body: bytes) -> str | None:
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


def _utf16_shape(sample: bytes) -> str | None:
    """BOM-less UTF-16: mostly-ASCII markup puts NULs on every other byte."""
    if len(sample) < 64:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


def _try(body: bytes, name: str) -> str | None:
    try:
        return body.decode(_codec(name))
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). Never raises."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace"), "utf-8"
    if body.startswith(codecs.BOM_UTF16_LE):
        return body[2:].decode("utf-16-le", "replace"), "utf-16-le"
    if body.startswith(codecs.BOM_UTF16_BE):
        return body[2:].decode("utf-16-be", "replace"), "utf-16-be"
    shape = _utf16_shape(body[:2048])
    if shape:
        return body.decode(shape, "replace"), shape
    # Strict UTF-8 validity on non-ASCII text is very strong evidence; it beats a lying meta tag.
    try:
        text = body.decode("utf-8")
        return text, "utf-8"
    except UnicodeDecodeError as e:
        # A body cut by the byte cap may end mid-character.
        if e.start >= len(body) - 3 and e.reason.startswith("unexpected end"):
            return body.decode("utf-8", "replace"), "utf-8"
    declared = [canonical(header_charset(content_type)), canonical(meta_charset(body))]
    declared = [d for d in dict.fromkeys(declared) if d and d not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be")]
    ok = [d for d in declared if _try(body[: len(body) - 4] if len(body) > 4 else body, d) is not None]
    if len(ok) == 1 or (ok and len(declared) == 1):
        return body.decode(_codec(ok[0]), "replace"), ok[0]
    # Declarations missing, conflicting or wrong: let charset-normalizer arbitrate.
    try:
        best = from_bytes(body[:200_000], cp_isolation=ok or None).best()
        if best is None and ok:
            best = from_bytes(body[:200_000]).best()
    except Exception:  # noqa: BLE001 - detector must never break a scan
        best = None
    if best is not None:
        name = canonical(best.encoding) or "utf-8"
        return body.decode(_codec(name), "replace"), name
    return body.decode("utf-8", "replace"), "utf-8"


def looks_binary(body: bytes) -> bool:
    """Control bytes in the first KB (after UTF-16 handling) mean this is not a text page."""
    sample = body[:1024]
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_shape(sample):
        return False
    bad = len(sample) - len(sample.translate(None, _CONTROL))
    return bad > len(sample) * 0.1


_CONTROL = bytes(b for b in range(32) if b < 9 or 13 < b < 32)
