"""Chinese government-page date forms: full dates, short (month-day) dates, labels, clocks, URLs.

Text is normalised first (full-width digits and separators to ASCII, Chinese-numeral dates such as
二〇二六年十一月十八日 to digits), so every pattern below sees one form."""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

# Full-width digits, letters and date punctuation to ASCII (one char to one char: offsets keep).
_FW = {0xFF10 + i: 0x30 + i for i in range(10)}
_FW.update({0xFF0D: ord("-"), 0xFF0F: ord("/"), 0xFF0E: ord("."), 0xFF1A: ord(":"), 0x2014: ord("-"),
            0x2013: ord("-"), 0x2212: ord("-"), 0x3000: ord(" "), 0xFF3B: ord("["), 0xFF3D: ord("]")})
_FW_CHARS = re.compile("[\uff10-\uff19\uff0d\uff0f\uff0e\uff1a\u2013\u2014\u2212\u3000\uff3b\uff3d]")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR = "〇○零Ｏ一二三四五六七八九"
_CN_NUM = "一二三四五六七八九十"
_CN_DATE = re.compile(rf"([{_CN_YEAR}]{{4}})\s*年\s*([{_CN_NUM}]{{1,3}})\s*月\s*(?:([{_CN_NUM}]{{1,3}})\s*[日号])?")


def _cn_small(s: str) -> int | None:
    """一..三十一 -> int."""
    if "十" in s:
        a, _, b = s.partition("十")
        tens = _CN_DIGIT.get(a, None) if a else 1
        ones = _CN_DIGIT.get(b, None) if b else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    return _CN_DIGIT.get(s) if len(s) == 1 else None


def _cn_sub(m: re.Match) -> str:
    y = "".join(str(_CN_DIGIT[c]) for c in m.group(1))
    mo = _cn_small(m.group(2))
    if mo is None:
        return m.group(0)
    if m.group(3):
        d = _cn_small(m.group(3))
        return f"{y}年{mo}月{d}日" if d else m.group(0)
    return f"{y}年{mo}月"


_FW_STR = {chr(k): chr(v) for k, v in _FW.items()}


def _fw_sub(m: re.Match) -> str:
    return _FW_STR[m.group()]


def normalize(text: str) -> str:
    """Full-width digits/separators and Chinese-numeral dates to ASCII-digit forms (idempotent)."""
    if _FW_CHARS.search(text):
        # Only the matched characters are replaced (str.translate walks every character through a dict).
        text = _FW_CHARS.sub(_fw_sub, text)
    if "年" in text and _CN_DATE.search(text):
        text = _CN_DATE.sub(_cn_sub, text)
    return text


# 2024-05-11, 2024/5/11, 2024.05.11 (same separator twice), optional time after.
_NUM = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)")
# 2024年5月11日, 2025年06月03日 13时44分
_CN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?!\d)")
# (05-11) [05-11] 【05-11】: bracketed month-day, safe anywhere in an item.
_SHORT_BRACKET = re.compile(r"[(（\[【]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[)）\]】]")
# Bare 05-11 / 5月11日: only trusted inside a list item.
_SHORT_BARE = re.compile(r"(?<![\d\-/.:年])(\d{1,2})\s*(?:([-/.])|月)\s*(\d{1,2})(?:日|(?![\d\-/.:]))")

_DIGIT = re.compile(r"\d")
_CLOCK_BEFORE = re.compile(r"(今天是?|今日|当前时间|现在是|当前日期|当日|今天是：)\s*[:：]?\s*$")
_CLOCK_AFTER = re.compile(r"^\s*(星期|礼拜|周[一二三四五六日天])")

# Publication labels, ranked (lower is better). The label may sit in a different element from its date.
_LABEL_WORDS = [
    (0, "发布时间 发布日期 发文日期 发稿时间 发稿日期 公开日期 公布日期 公布时间 成文日期 印发日期 发布于 发表于 时间发布 "
        "日期发布 发表时间 发表日期 上传时间 上传日期 录入时间 信息时间 信息日期 文章日期 刊发时间 刊发日期 上线时间 发布"),
    (1, "更新时间 更新日期 修改时间 修改日期 生效日期 添加时间 添加日期 创建时间 创建日期 编辑时间"),
    (2, "日期 时间"),
    (3, "生成日期 生成时间"),
]


def _spaced(word: str) -> str:
    return r"\s?".join(re.escape(c) for c in word)  # "日 期" with a space inside still counts


_LABELS = [(r, "|".join(_spaced(w) for w in sorted(ws.split(), key=len, reverse=True))) for r, ws in _LABEL_WORDS]
PUB_LABEL = re.compile(r"(" + "|".join(p for _, p in sorted(_LABELS, key=lambda x: x[0] == 2)) + r")\s*[】\]]?\s*[:：]?\s*$")
_LABEL_RANK = [(re.compile(rf"(?:{p})"), r) for r, p in _LABELS]
# A bare 日期/时间 preceded by one of these is some other date (出生日期, 截止日期, 会议时间 ...).
_BARE_OK_PREV = set(" \t【[(（:：|/>·-") | {""}
# Interaction labels must not be taken as publication dates.
_INTERACTION_PREFIX = ("留言", "回复", "答复", "咨询", "提问", "办结", "受理", "反馈", "来信", "处理", "办理")


class FoundDate(NamedTuple):
    """A date found in text (a tuple: built for every dated entry of every page, so kept cheap)."""
    value: date
    start: int
    end: int
    kind: str  # "full" or "short"


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def infer_year(month: int, day: int, as_of: date, ref: date | None = None) -> date | None:
    """Year for a month-day date: from the page's reference date (its newest full date or URL date)
    when there is one, else the latest year; never a date after as_of. None if not a real date."""
    if ref is not None and ref <= as_of:
        for y in (ref.year + 1, ref.year, ref.year - 1):
            v = _mk(y, month, day)
            if v is None or v > as_of:
                continue
            if y == ref.year + 1 and (v - ref).days > 45:
                continue  # the next year only just after the reference (a list crossing new year)
            return v
        return None
    y = as_of.year if (month, day) <= (as_of.month, as_of.day) else as_of.year - 1
    return _mk(y, month, day)  # 02-29 in a non-leap year -> None (ambiguous)


_CLOCK_BEFORE_CHARS = frozenset("今当现")
_CLOCK_AFTER_CHARS = frozenset("星礼周")


def is_clock(text: str, start: int, end: int) -> bool:
    """A header clock ("今天是2024年5月11日 星期六") is not an update."""
    before, after = text[max(0, start - 12):start], text[end:end + 6]
    # Cheap first: both patterns need one of a few characters.
    return bool((not _CLOCK_BEFORE_CHARS.isdisjoint(before) and _CLOCK_BEFORE.search(before))
                or (not _CLOCK_AFTER_CHARS.isdisjoint(after) and _CLOCK_AFTER.match(after)))


_YEAR = re.compile(r"(?:19|20)\d\d")


def find_full_dates(text: str, as_of: date | None = None, *, skip_clock: bool = True) -> list[FoundDate]:
    """Full dates in (already normalised) text."""
    if not _YEAR.search(text):
        return []  # cheap pre-check: most text nodes hold no year at all
    if len(text) > 200:
        return list(_full_dates(text, as_of, skip_clock))
    # Entries' short texts recur (a site's template repeats the same dated blocks on every page).
    return list(_full_dates_short(text, as_of, skip_clock))


def _full_dates(text: str, as_of: date | None, skip_clock: bool) -> tuple[FoundDate, ...]:
    out: list[FoundDate] = []
    for rx in ((_NUM, _CN) if "年" in text else (_NUM,)):
        for m in rx.finditer(text):
            g = m.groups()
            y, mo, d = (int(g[0]), int(g[2]), int(g[3])) if rx is _NUM else (int(g[0]), int(g[1]), int(g[2]))
            v = _mk(y, mo, d)
            if v is None or (as_of and v > as_of):
                continue
            if skip_clock and is_clock(text, m.start(), m.end()):
                continue
            out.append(FoundDate(v, m.start(), m.end(), "full"))
    if len(out) > 1:
        out.sort(key=_start)
    return tuple(out)


_full_dates_short = lru_cache(maxsize=8192)(_full_dates)


def _start(f: FoundDate) -> int:
    return f.start


def find_short_dates(text: str, as_of: date, *, bare: bool, ref: date | None = None) -> list[FoundDate]:
    out: list[FoundDate] = []
    if not _DIGIT.search(text):
        return out
    for m in _SHORT_BRACKET.finditer(text):
        v = infer_year(int(m.group(1)), int(m.group(2)), as_of, ref)
        if v:
            out.append(FoundDate(v, m.start(), m.end(), "short"))
    if bare and not out:
        for m in _SHORT_BARE.finditer(text):
            mo, d = int(m.group(1)), int(m.group(3))
            if not (1 <= mo <= 12):
                continue
            v = infer_year(mo, d, as_of, ref)
            if v:
                out.append(FoundDate(v, m.start(), m.end(), "short"))
    return out


def item_date(text: str, as_of: date, *, allow_short: bool = True, ref: date | None = None) -> FoundDate | None:
    """Date of one list entry (text without the title): first full date, else a short one."""
    text = normalize(text)
    full = find_full_dates(text, as_of)
    if full:
        return full[0]
    if allow_short:
        short = find_short_dates(text, as_of, bare=True, ref=ref)
        if short:
            return short[0]
    return None


def label_rank(before: str) -> int | None:
    """Rank of the publication label ending `before` (None: no label, or a label for another date)."""
    m = PUB_LABEL.search(before)
    if not m:
        return None
    label = m.group(1)
    prefix = before[max(0, m.start() - 2):m.start()]
    if any(prefix.endswith(p) for p in _INTERACTION_PREFIX):
        return None
    for rx, rank in _LABEL_RANK:
        if rx.fullmatch(label):
            if rank == 2:
                prev = before[m.start() - 1:m.start()] if m.start() else ""
                if prev not in _BARE_OK_PREV:
                    return None  # 出生日期, 截止日期, 会议时间, 办理时间 ...
            return rank
    return None


def labelled_dates(text: str, as_of: date | None = None, found: list[FoundDate] | None = None) -> list[FoundDate]:
    """Full dates preceded (within a few chars, across element boundaries) by a publication label,
    best label first (发布时间/发布日期/成文日期 … before 更新时间, bare 日期/时间, then 生成日期).
    `found`: the text's full dates when the caller has them (text already normalised)."""
    if found is None:
        text = normalize(text)
        found = find_full_dates(text, as_of)
    ranked = []
    for f in found:
        r = label_rank(text[max(0, f.start - 16):f.start])
        if r is not None:
            ranked.append((r, f.start, f))
    ranked.sort(key=lambda x: (x[0], x[1]))
    return [f for _, _, f in ranked]


def source_adjacent_dates(text: str, as_of: date | None = None,
                          found: list[FoundDate] | None = None) -> list[FoundDate]:
    """Article stamps like "2024-09-12 10:10 来源：…" or "来源：广西日报 2024-10-17"."""
    if found is None:
        text = normalize(text)
        found = find_full_dates(text, as_of)
    out = []
    for f in found:
        after = text[f.end:f.end + 20]
        before = text[max(0, f.start - 30):f.start]
        if "来源" in after or re.search(r"来源\s*[:：][^。；;]{0,25}$", before):
            out.append(f)
    return out


def parse_date_value(s: str | None, as_of: date | None = None) -> date | None:
    """Parse a meta-tag value ("2024-07-12 17:33", "2020年08月02日", "2007-08-20-23:59:59")."""
    if not s:
        return None
    found = find_full_dates(normalize(s), as_of, skip_clock=False)
    return found[0].value if found else None


# Dates in article URLs: /art/2026/11/18/art_1.html, /2026-11/18/content_1.htm, t20261118_123.html,
# /20261118/abc.html. Month-only paths (/202611/) give a month, used as context only.
_URL_YMD = re.compile(r"(?:^|[/_\-=tT])((?:19|20)\d{2})([/\-_]?)(\d{2})\2(\d{2})(?=[/_\-.]|$)")
_URL_Y_M_D = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?=/)")
_URL_Y_MD = re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/")   # 博达-style /2025/1118/c123a456/page.htm
_URL_YM = re.compile(r"/((?:19|20)\d{2})-?(\d{2})/")


def url_date(url: str | None, as_of: date | None = None) -> date | None:
    """Full publication date carried by an article URL's path, if any."""
    if not url:
        return None
    path = url.split("://", 1)[-1]
    path = path[path.find("/"):] if "/" in path else ""
    if not path or not _YEAR.search(path):
        return None  # every pattern below needs a 19xx/20xx year
    for rx in (_URL_Y_M_D, _URL_Y_MD, _URL_YMD):
        for m in rx.finditer(path):
            g = m.groups()
            y, mo, d = (g[0], g[2], g[3]) if rx is _URL_YMD else (g[0], g[1], g[2])
            v = _mk(int(y), int(mo), int(d))
            if v is not None and (as_of is None or v <= as_of) and v.year >= 1995:
                return v
    return None


def url_month(url: str | None) -> tuple[int, int] | None:
    if not url:
        return None
    m = _URL_YM.search(url)
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)), int(m.group(2))
    return None


def newest(ds, as_of: date) -> date | None:
    ds = [d for d in ds if d is not None and d <= as_of]
    return max(ds) if ds else None


def days_between(a: date, b: date) -> int:
    return (a - b).days


__all__ = ["FoundDate", "normalize", "infer_year", "find_full_dates", "find_short_dates", "item_date",
           "labelled_dates", "source_adjacent_dates", "parse_date_value", "url_date", "url_month", "timedelta"]
