"""The score: a pure function of (scoring table, entries). No Django.

A veto stops scoring; a deduction never exceeds its cap; a column counted as
blank or stale under a veto item is not deducted again; bonus points count only
for portals scoring above the line; units without public services are scored
without the service items and scaled (2019: on 75 points, × 4/3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .rubric import DEDUCTION_KINDS, Indicator, Rubric

PASSED, FAILED, VETOED, UNCHECKED = "合格", "不合格", "单项否决", "未检查"
MAX_COUNT = 100_000  # more occurrences than any website can have


class EntryError(ValueError):
    """An impossible entry; the message names the indicator."""


@dataclass
class Entry:
    veto: bool | None = None
    count: int | None = None
    value: Decimal | None = None  # a share in percent (band items)
    counts: dict[str, int] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)  # what was counted, e.g. column URLs
    count_items: dict[str, list[str]] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class ScoreResult:
    result: str
    score: Decimal | None
    vetoes: list[str] = field(default_factory=list)  # indicator codes
    deductions: dict[str, Decimal] = field(default_factory=dict)
    bonus: Decimal = Decimal(0)


def _count(indicator: Indicator, raw, label: str | None = None) -> int | None:
    """A non-negative whole number, or None when left empty (not assessed)."""
    name = f"“{indicator.name}”" + (f"的“{label}”" if label else "")
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise EntryError(f"{name}应填写次数（非负整数）")
    try:
        number = Fraction(str(raw).strip())
    except (ValueError, ZeroDivisionError):
        raise EntryError(f"{name}应填写次数（非负整数），“{raw}”不是数字") from None
    if number.denominator != 1:
        raise EntryError(f"{name}的次数不能是小数：“{raw}”")
    if number < 0:
        raise EntryError(f"{name}的次数不能为负数：“{raw}”")
    if number > MAX_COUNT:
        raise EntryError(f"{name}的次数“{raw}”超出可能的范围")
    return int(number)


def clean_entry(indicator: Indicator, raw: dict) -> Entry:
    """Validate one indicator's raw entry (from a form, the API or the scanner)."""
    raw = raw or {}
    evidence = [u.strip() for u in raw.get("evidence", []) if str(u).strip()]
    for url in evidence:
        if not url.startswith(("http://", "https://")):
            raise EntryError(f"“{indicator.name}”的证据网址应以 http:// 或 https:// 开头：“{url}”")
    entry = Entry(evidence=evidence, note=str(raw.get("note", ""))[:1000],
                  items=[str(i) for i in raw.get("items", [])],
                  count_items={k: [str(i) for i in v] for k, v in (raw.get("count_items") or {}).items()})
    if indicator.kind == "veto":
        entry.veto = bool(raw.get("veto"))
    elif indicator.kind == "veto_counts":
        entry.counts = {c.code: _count(indicator, (raw.get("counts") or {}).get(c.code), c.label) or 0
                        for c in indicator.counts}
        entry.veto = any(entry.counts[c.code] >= c.threshold for c in indicator.counts)
    elif indicator.kind == "band":
        value = raw.get("value")
        if value not in (None, ""):
            try:
                entry.value = Decimal(str(value).strip())
            except ArithmeticError:
                raise EntryError(f"“{indicator.name}”应填写百分比数值，“{value}”不是数字") from None
            if not entry.value.is_finite() or not (0 <= entry.value <= 100):
                raise EntryError(f"“{indicator.name}”的比例应在 0 到 100 之间：“{value}”")
    else:
        entry.count = _count(indicator, raw.get("count"))
    if entry.veto and indicator.evidence_required and not entry.evidence:
        raise EntryError(f"判定“{indicator.name}”单项否决须附证据网址")
    return entry


def _points(indicator: Indicator, entry: Entry, counted_elsewhere: set[str]) -> Decimal:
    if indicator.kind == "band":
        if entry.value is None:
            return Decimal(0)
        for low, high, points in indicator.bands:
            if Decimal(str(low)) <= entry.value < Decimal(str(high)):
                return min(Decimal(str(points)), Decimal(str(indicator.cap)))
        return Decimal(0)
    if indicator.kind == "band_count":
        if entry.count is None or indicator.below is None:
            return Decimal(0)
        return Decimal(str(indicator.points)) if entry.count < indicator.below else Decimal(0)
    number = entry.count or 0
    if entry.items and indicator.dedupe_with:
        # Only what was not already counted as blank or stale under the veto item.
        number = len(set(entry.items) - counted_elsewhere)
    return min(Decimal(str(indicator.points_per)) * number, Decimal(str(indicator.cap)))


def _round(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score(rubric: Rubric, entries: dict[str, Entry] | None, *, portal: bool = False,
          no_public_services: bool = False) -> ScoreResult:
    if entries is None:
        return ScoreResult(UNCHECKED, None)
    vetoes = [i.code for i in rubric.indicators if i.is_veto and entries.get(i.code) and entries[i.code].veto]
    if vetoes:
        return ScoreResult(VETOED, None, vetoes=vetoes)
    counted: dict[str, set[str]] = {}
    for indicator in rubric.indicators:
        if indicator.kind == "veto_counts" and indicator.code in entries:
            for code, items in entries[indicator.code].count_items.items():
                counted[f"{indicator.code}.{code}"] = set(items)
    skip_service = no_public_services and rubric.no_service_base is not None
    deductions = {}
    for indicator in rubric.indicators:
        if indicator.kind not in DEDUCTION_KINDS or (skip_service and indicator.service):
            continue
        elsewhere = set().union(*(counted.get(ref, set()) for ref in indicator.dedupe_with)) \
            if indicator.dedupe_with else set()
        deductions[indicator.code] = _points(indicator, entries.get(indicator.code) or Entry(), elsewhere)
    base = Decimal(rubric.no_service_base if skip_service else rubric.total)
    value = base - sum(deductions.values(), Decimal(0))
    if skip_service:
        value = value * rubric.no_service_factor.numerator / rubric.no_service_factor.denominator
    bonus = Decimal(0)
    if rubric.bonus_max and (portal or not rubric.bonus_portals_only) and value > rubric.bonus_counted_above:
        earned = sum((min(Decimal(str(i.points_per)) * ((entries.get(i.code) or Entry()).count or 0),
                          Decimal(str(i.cap))) for i in rubric.indicators if i.kind == "bonus"), Decimal(0))
        bonus = min(earned, Decimal(str(rubric.bonus_max)))
    final = _round(value + bonus)
    result = PASSED if value >= rubric.pass_mark else FAILED
    return ScoreResult(result, final, deductions={k: _round(v) for k, v in deductions.items()}, bonus=_round(bonus))
