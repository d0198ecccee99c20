"""Chinese government-page date forms: full dates, short (month-day) dates, labels, clocks."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# 2024-05-11, 2024/5/11, 2024.05.11 (same separator twice), optional time after.
_NUM = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)")
# 2024年5月11日, 2025年06月03日 13时44分
_CN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?!\d)")
# (05-11) [05-11] 【05-11】: bracketed month-day, safe anywhere in an item.
_SHORT_BRACKET = re.compile(r"[(（\[【]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[)）\]】]")
# Bare 05-11 / 5月11日: only trusted inside a list item.
_SHORT_BARE = re.compile(r"(?<![\d\-/.:年])(\d{1,2})\s*(?:([-/.])|月)\s*(\d{1,2})(?:日|(?![\d\-/.:]))")

_DIGIT = re.compile(r"\d")
_CLOCK_BEFORE = re.compile(r"(今天是?|今日|当前时间|现在是|当前日期|当日)\s*[:：]?\s*$")
_CLOCK_AFTER = re.compile(r"^\s*(星期|礼拜|周[一二三四五六日天])")

# Publication labels; the label may sit in a different element from its date.
PUB_LABEL = re.compile(
    r"(发布时间|发布日期|发文日期|发稿时间|更新时间|更新日期|公开日期|成文日期|印发日期|日期|时间)\s*[:：]?\s*$"
)
# Interaction labels must not be taken as publication dates.
_INTERACTION_PREFIX = ("留言", "回复", "答复", "咨询", "提问", "办结", "受理", "反馈", "来信", "处理", "办理")


@dataclass(frozen=True)
class FoundDate:
    value: date
    start: int
    end: int
    kind: str  # "full" or "short"


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def infer_year(month: int, day: int, as_of: date) -> date | None:
    """Latest year that does not put month-day after as_of; None if not a real date."""
    y = as_of.year if (month, day) <= (as_of.month, as_of.day) else as_of.year - 1
    return _mk(y, month, day)  # 02-29 in a non-leap year -> None (ambiguous)


def is_clock(text: str, start: int, end: int) -> bool:
    """A header clock ("今天是2024年5月11日 星期六") is not an update."""
    return bool(_CLOCK_BEFORE.search(text[max(0, start - 12):start]) or _CLOCK_AFTER.match(text[end:end + 6]))


_YEAR = re.compile(r"(?:19|20)\d\d")


def find_full_dates(text: str, as_of: date | None = None, *, skip_clock: bool = True) -> list[FoundDate]:
    out: list[FoundDate] = []
    if not _YEAR.search(text):
        return out  # cheap pre-check: most text nodes hold no year at all
    for rx in (_NUM, _CN):
        for m in rx.finditer(text):
            g = m.groups()
            y, mo, d = (int(g[0]), int(g[2]), int(g[3])) if rx is _NUM else (int(g[0]), int(g[1]), int(g[2]))
            v = _mk(y, mo, d)
            if v is None or (as_of and v > as_of):
                continue
            if skip_clock and is_clock(text, m.start(), m.end()):
                continue
            out.append(FoundDate(v, m.start(), m.end(), "full"))
    out.sort(key=lambda f: f.start)
    return out


def find_short_dates(text: str, as_of: date, *, bare: bool) -> list[FoundDate]:
    out: list[FoundDate] = []
    if not _DIGIT.search(text):
        return out
    for m in _SHORT_BRACKET.finditer(text):
        v = infer_year(int(m.group(1)), int(m.group(2)), as_of)
        if v:
            out.append(FoundDate(v, m.start(), m.end(), "short"))
    if bare and not out:
        for m in _SHORT_BARE.finditer(text):
            mo, d = int(m.group(1)), int(m.group(3))
            if not (1 <= mo <= 12):
                continue
            v = infer_year(mo, d, as_of)
            if v:
                out.append(FoundDate(v, m.start(), m.end(), "short"))
    return out


def item_date(text: str, as_of: date, *, allow_short: bool = True) -> FoundDate | None:
    """Date of one list entry (text without the title): first full date, else a short one."""
    full = find_full_dates(text, as_of)
    if full:
        return full[0]
    if allow_short:
        short = find_short_dates(text, as_of, bare=True)
        if short:
            return short[0]
    return None


def labelled_dates(text: str, as_of: date | None = None) -> list[FoundDate]:
    """Full dates preceded (within a few chars, across element boundaries) by a publication label."""
    out = []
    for f in find_full_dates(text, as_of):
        before = text[max(0, f.start - 16):f.start]
        m = PUB_LABEL.search(before)
        if not m:
            continue
        prefix = before[max(0, m.start() - 2):m.start()]
        if any(prefix.endswith(p) for p in _INTERACTION_PREFIX):
            continue
        out.append(f)
    return out


def source_adjacent_dates(text: str, as_of: date | None = None) -> list[FoundDate]:
    """Article stamps like "2024-09-12 10:10 来源：…" or "来源：广西日报 2024-10-17"."""
    out = []
    for f in find_full_dates(text, as_of):
        after = text[f.end:f.end + 20]
        before = text[max(0, f.start - 30):f.start]
        if "来源" in after or re.search(r"来源\s*[:：][^。；;]{0,25}$", before):
            out.append(f)
    return out


def parse_date_value(s: str | None, as_of: date | None = None) -> date | None:
    """Parse a meta-tag value ("2024-07-12 17:33", "2020年08月02日", "2007-08-20-23:59:59")."""
    if not s:
        return None
    found = find_full_dates(s, as_of, skip_clock=False)
    return found[0].value if found else None
