"""Scoring tables: loaded from their data files into the database (a version in
use is immutable), the active campaign's table, a card's parsed rubric."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from sitecensus.core.errors import InvalidState
from sitecensus.registry import campaigns

from ..models import IndicatorRow, RubricTable, Scorecard
from ..rubric import Rubric, parse_rubric, read_rubric_data


@transaction.atomic
def load_rubric_table(code: str | None = None) -> RubricTable:
    """Load (or refresh) a scoring table from its data file into the database."""
    raw = read_rubric_data(code or settings.SCORING_RUBRIC)
    spec_rubric = parse_rubric(raw)
    existing = RubricTable.objects.filter(code=spec_rubric.code).first()
    if existing is not None and existing.spec != raw and Scorecard.objects.filter(rubric=existing).exists():
        # A version in use is immutable: submitted cards keep displaying what they were scored on.
        raise InvalidState(f"评分表“{spec_rubric.code}”已有评分表按其填写，不能修改；"
                           f"请以新的版本号（code）另存为新评分表")
    if existing is not None and existing.spec == raw:
        return existing
    table, _ = RubricTable.objects.update_or_create(code=spec_rubric.code, defaults={
        "name": spec_rubric.name, "source": spec_rubric.source, "spec": raw})
    IndicatorRow.objects.filter(rubric=table).delete()
    IndicatorRow.objects.bulk_create([
        IndicatorRow(rubric=table, code=i["code"], kind=i["kind"], group=i["group"], name=i["name"], position=n,
                     confirmed=bool(i.get("confirmed")), spec=i) for n, i in enumerate(raw["indicators"])])
    return table


def current_code() -> str:
    """The scoring table of the active campaign (SCORING_RUBRIC when it names none)."""
    campaign = campaigns.active_campaign()
    return (campaign.rubric_code if campaign and campaign.rubric_code else None) or settings.SCORING_RUBRIC


def current_table() -> RubricTable:
    code = current_code()
    table = RubricTable.objects.filter(code=code).first()
    return table or load_rubric_table(code)


def rubric_of(card: Scorecard) -> Rubric:
    return parse_rubric(card.rubric.spec)


def rubric_of_table(table: RubricTable) -> Rubric:
    return parse_rubric(table.spec)
