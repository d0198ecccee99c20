"""Scoring tables as data: a versioned JSON file per table (data/rubric_*.json),
read into frozen dataclasses. Officials change the file, not the code."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
VETO_KINDS = {"veto", "veto_counts"}
DEDUCTION_KINDS = {"count", "band", "band_count"}
KINDS = VETO_KINDS | DEDUCTION_KINDS | {"bonus"}


@dataclass(frozen=True)
class CountSpec:
    code: str
    label: str
    threshold: int


@dataclass(frozen=True)
class Indicator:
    code: str
    kind: str
    group: str
    name: str
    rule: str = ""
    unit: str = ""
    points_per: float = 0
    cap: float = 0
    bands: tuple = ()
    below: int | None = None
    points: float = 0
    counts: tuple[CountSpec, ...] = ()
    dedupe_with: tuple[str, ...] = ()
    evidence_required: bool = False
    confirmed: bool = False
    service: bool = False
    note: str = ""

    @property
    def is_veto(self) -> bool:
        return self.kind in VETO_KINDS


@dataclass(frozen=True)
class Rubric:
    code: str
    name: str
    source: str
    total: int
    pass_mark: int
    indicators: tuple[Indicator, ...]
    bonus_max: float = 0
    bonus_portals_only: bool = True
    bonus_counted_above: float = 0
    no_service_base: int | None = None
    no_service_factor: Fraction = Fraction(1)
    notes: tuple[str, ...] = ()
    subject: str = "website"  # what the table scores: "website", or "media" (政务新媒体 accounts)
    _by_code: dict = field(default_factory=dict, compare=False, repr=False)

    def indicator(self, code: str) -> Indicator:
        return self._by_code[code]

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]


def _indicator(raw: dict) -> Indicator:
    if raw["kind"] not in KINDS:
        raise ValueError(f"indicator {raw['code']}: unknown kind {raw['kind']!r}")
    return Indicator(
        code=raw["code"], kind=raw["kind"], group=raw["group"], name=raw["name"], rule=raw.get("rule", ""),
        unit=raw.get("unit", ""), points_per=raw.get("points_per", 0), cap=raw.get("cap", 0),
        bands=tuple((b["from"], b["to"], b["points"]) for b in raw.get("bands", ())), below=raw.get("below"),
        points=raw.get("points", 0),
        counts=tuple(CountSpec(c["code"], c["label"], c["threshold"]) for c in raw.get("counts", ())),
        dedupe_with=tuple(raw.get("dedupe_with", ())), evidence_required=bool(raw.get("evidence_required")),
        confirmed=bool(raw.get("confirmed")), service=bool(raw.get("service")), note=raw.get("note", ""))


def parse_rubric(data: dict) -> Rubric:
    indicators = tuple(_indicator(raw) for raw in data["indicators"])
    by_code = {i.code: i for i in indicators}
    if len(by_code) != len(indicators):
        raise ValueError(f"rubric {data['code']}: duplicate indicator codes")
    bonus = data.get("bonus") or {}
    scale = data.get("no_service_scale") or {}
    return Rubric(
        code=data["code"], name=data["name"], source=data.get("source", ""), total=data["total"],
        pass_mark=data["pass_mark"], indicators=indicators, bonus_max=bonus.get("max", 0),
        bonus_portals_only=bonus.get("portals_only", True), bonus_counted_above=bonus.get("counted_above", 0),
        no_service_base=scale.get("base"),
        no_service_factor=Fraction(scale.get("numerator", 1), scale.get("denominator", 1)),
        notes=tuple(data.get("notes", ())), subject=data.get("subject", "website"), _by_code=by_code)


def read_rubric_data(code: str) -> dict:
    return json.loads((DATA_DIR / f"rubric_{code}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def load_rubric(code: str) -> Rubric:
    return parse_rubric(read_rubric_data(code))


def rubric_codes(subject: str = "website") -> list[str]:
    """The tables of one subject (a campaign picks among the websites' tables)."""
    return sorted(code for code in (p.stem.removeprefix("rubric_") for p in DATA_DIR.glob("rubric_*.json"))
                  if read_rubric_data(code).get("subject", "website") == subject)
