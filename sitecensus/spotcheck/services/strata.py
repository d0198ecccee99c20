"""How a batch's sample is drawn where plans and re-checks shape it (issue 24): the strata drawn whole
("every portal"), per-stratum ratios, and 国办's re-check sub-sample of a lower level's passed results.
Below sampling, cadence and reverify: each imports this, this imports none of them."""

from __future__ import annotations

import json
import random
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from sitecensus.core.errors import InvalidInput, InvalidState

from ..models import Batch, BatchSite

CADENCE_FILE = Path(__file__).resolve().parents[1] / "data" / "cadence.json"
SAMPLE = "复核样本"


@lru_cache(maxsize=1)
def rules() -> dict:
    return json.loads(CADENCE_FILE.read_text(encoding="utf-8"))


def every_label() -> str:
    return rules()["every_label"]


def _ratio(value, *, field: str, where: str = "") -> Decimal:
    try:
        ratio = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{where}抽样比例“{value}”不是数字", field=field) from None
    if not (0 < ratio <= 100):
        raise InvalidInput(f"{where}抽样比例应大于 0、不超过 100（%）", field=field)
    return ratio


def stratum_key(batch: Batch, row: dict, key: str) -> str:
    """A drawn row's stratum: the sites of a class drawn whole form strata of their own."""
    if batch.every_classes and row.get("site_class") in batch.every_classes:
        return f"{every_label()}|{key}"
    return key


def planned_size(batch: Batch, key: str, population: int) -> int | None:
    """How many to draw from a stratum by the plan: all of an "every" stratum, else its own ratio
    (the first part of its key given one), else None (the batch's ratio or per-stratum count)."""
    parts = key.split("|")
    if parts[0] == every_label():
        return population
    ratios = batch.stratum_ratios or {}
    for candidate in [key, *parts]:
        if candidate in ratios:
            ratio = Decimal(str(ratios[candidate]))
            return min(population, max(1, int((Decimal(population) * ratio / 100).to_integral_value())))
    return None


def reverification_ids(batch: Batch) -> tuple[dict[str, list[int]], dict[str, dict]]:
    """The sub-sample of the lower level's passed results: the same seed draws the same sites."""
    passed = sorted(batch.reverifies.sites.filter(status=BatchSite.Status.SIGNED, scorecard__result="合格")
                    .values_list("website_id", flat=True))
    if not passed:
        raise InvalidState(f"“{batch.reverifies.name}”没有合格的抽查结果可供复核")
    n = min(len(passed), max(1, int((Decimal(len(passed)) * batch.ratio / 100).to_integral_value())))
    return {SAMPLE: random.Random(f"{batch.seed}|{SAMPLE}").sample(passed, n)}, {
        SAMPLE: {"population": len(passed), "sampled": n}}
