"""The two reports' items, as data (annual/data/*.json): officials change the items there, the
web form, the checks, the print view and the Excel export follow."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from sitecensus.core.errors import InvalidInput

DATA = Path(__file__).resolve().parent / "data"
SITE_SPEC = "site_report_2018.json"
SUPERVISION_SPEC = "supervision_report_2018.json"
YES, NO = "是", "否"


@cache
def spec(name: str = SITE_SPEC) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def sections() -> list[dict]:
    return spec()["sections"]


def items() -> list[dict]:
    return [item for section in sections() for item in section["items"]]


def typed_items() -> list[dict]:
    return spec(SUPERVISION_SPEC)["typed"]


def missing(values: dict) -> list[str]:
    """The labels of required items left empty."""
    return [i["label"] for i in items() if i.get("required") and values.get(i["code"]) in (None, "")]


def clean(data, item_list: list[dict]) -> dict:
    """Form input (a mapping of item code → text) as stored values; a wrong value is refused,
    naming the item. Empty stays empty (None)."""
    out, errors = {}, []
    for item in item_list:
        raw = (data.get(item["code"]) or "").strip()
        if raw == "":
            out[item["code"]] = None
        elif item["type"] == "int":
            if not raw.isdigit():
                errors.append(f"“{item['label']}”须填写非负整数（填写的是“{raw[:20]}”）")
            else:
                out[item["code"]] = int(raw)
        elif item["type"] == "bool":
            if raw not in (YES, NO):
                errors.append(f"“{item['label']}”须选择“是”或“否”")
            else:
                out[item["code"]] = raw
        elif item["type"] == "choice":
            if raw not in item["choices"]:
                errors.append(f"“{item['label']}”须为：{'、'.join(item['choices'])}")
            else:
                out[item["code"]] = raw
        else:
            out[item["code"]] = raw[:500]
    if errors:
        raise InvalidInput("；".join(errors), field="values")
    return out


def display(item: dict, value) -> str:
    if value in (None, ""):
        return "—"
    return f"{value} {item['unit']}" if item.get("unit") and item["type"] == "int" else str(value)


def rows(values: dict, prefilled: dict | None = None) -> list[dict]:
    """Sections with their items, values and whether the system proposed the value (and whether
    the unit changed it) — for the form, the report page and the print view."""
    prefilled = prefilled or {}
    return [{"title": s["title"], "items": [
        {**i, "value": values.get(i["code"]), "text": display(i, values.get(i["code"])),
         "prefilled": i["code"] in prefilled, "proposed": prefilled.get(i["code"]),
         "changed": i["code"] in prefilled and prefilled.get(i["code"]) != values.get(i["code"])}
        for i in s["items"]]} for s in sections()]
