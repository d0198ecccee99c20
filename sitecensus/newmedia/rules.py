"""The rules officials change, read from data files: the platforms, the registry and
monitoring rules (one account per unit per platform, the certified subject, days without a
post), and the 政务新媒体 form (its fields, for the online form, the workbook sheet and its import)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from sitecensus.registry.formspec.spec import FormSpec, build_form

DATA = Path(__file__).resolve().parent / "data"


def _read(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def platforms() -> tuple[dict, ...]:
    return tuple(_read("platforms.json")["platforms"])


def platform_names() -> tuple[str, ...]:
    return tuple(p["name"] for p in platforms())


def platform_choices() -> list[tuple[str, str]]:
    return [(p["name"], p["name"]) for p in platforms()]


def has_public_page(platform: str) -> bool:
    """Whether the platform shows an account's posts on a public web page a machine may read."""
    return next((p.get("public_page", False) for p in platforms() if p["name"] == platform), False)


@lru_cache(maxsize=1)
def rules() -> dict:
    return _read("rules.json")


def stale_days() -> int:
    return int(rules().get("stale_days", 14))


@lru_cache(maxsize=1)
def form() -> FormSpec:
    """The 政务新媒体 form, read by the formspec machinery the census forms use."""
    return build_form(_read("form.json"), lists={"platform": platform_names()}, source="newmedia/data/form.json")
