"""A new site's 开办 checklist: the items are data (data/opening_checklist.json, so officials
change them without code), the values live on `OpeningChecklist`. Read by the lifecycle's
condition on `go_live` and by the review's final approval (which names what is missing)."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from sitecensus.core.errors import InvalidInput

CHECKLIST_FILE = Path(__file__).resolve().parent / "data" / "opening_checklist.json"


@lru_cache(maxsize=1)
def items() -> tuple[dict, ...]:
    return tuple(json.loads(CHECKLIST_FILE.read_text(encoding="utf-8"))["items"])


def values_of(website) -> dict:
    checklist = getattr(website, "opening", None) if website.pk else None
    try:
        return dict(checklist.values) if checklist is not None else {}
    except Exception:  # noqa: BLE001 - no checklist row yet (RelatedObjectDoesNotExist)
        return {}


def missing_items(website, values: dict | None = None) -> list[str]:
    """The labels of the items not filled in yet, in the checklist's order."""
    values = values_of(website) if values is None else values
    return [item["label"] for item in items() if not str(values.get(item["code"]) or "").strip()]


def clean(values: dict) -> dict:
    """The items typed (unknown keys dropped); a date that is not a date is refused naming the item."""
    out = {}
    for item in items():
        raw = str(values.get(item["code"]) or "").strip()
        if raw and item.get("type") == "date":
            try:
                raw = date.fromisoformat(raw).isoformat()
            except ValueError:
                raise InvalidInput(f"“{item['label']}”须为日期（如 2026-03-01），收到“{raw}”",
                                   field=item["code"]) from None
        out[item["code"]] = raw[:200]
    return out
