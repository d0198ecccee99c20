"""The score, rule by rule, on both scoring tables (no database)."""

from decimal import Decimal

import pytest

from sitecensus.scoring.engine import (FAILED, PASSED, UNCHECKED, VETOED, Entry, EntryError, clean_entry,
                                       score)
from sitecensus.scoring.rubric import load_rubric, rubric_codes

R15 = load_rubric("2015")
R19 = load_rubric("2019")


def entries(rubric, **raw):
    return {code: clean_entry(rubric.indicator(code), value) for code, value in raw.items()}


def test_tables_load_and_add_up():
    assert rubric_codes() == ["2015", "2019"]
    assert [i.name for i in R15.indicators if i.is_veto] == ["站点无法访问", "网站不更新", "栏目不更新", "严重错误", "互动回应差"]
    assert sum(i.cap for i in R15.indicators if not i.is_veto) == 100
    assert sum(i.cap for i in R19.indicators if i.kind == "count") == 100
    assert sum(i.cap for i in R19.indicators if i.kind == "bonus") == 30
    assert sum(i.cap for i in R19.indicators if i.service and i.kind == "count") == 25
    # Unconfirmed values say so in the file.
    assert all("待核实" in i.note for i in R15.indicators if not i.confirmed)


def test_nothing_entered_is_unchecked_and_a_clean_card_passes():
    assert score(R15, None).result == UNCHECKED
    clean = score(R15, {})
    assert (clean.result, clean.score) == (PASSED, Decimal("100.00"))


def test_a_veto_stops_scoring():
    result = score(R15, entries(R15, V2={"veto": True, "evidence": ["http://x.gov.cn/"]}, A2={"count": 50}))
    assert (result.result, result.score, result.vetoes, result.deductions) == (VETOED, None, ["V2"], {})


def test_veto_counts_trigger_at_their_thresholds():
    for code, threshold in (("stale_key", 5), ("stale_should", 10), ("blank", 5)):
        below = entries(R15, V3={"counts": {code: threshold - 1}})
        assert score(R15, below).result == PASSED
        at = entries(R15, V3={"counts": {code: threshold}, "evidence": ["http://x.gov.cn/"]})
        assert score(R15, at).vetoes == ["V3"]


def test_veto_needs_evidence():
    with pytest.raises(EntryError, match="判定“严重错误”单项否决须附证据网址"):
        clean_entry(R15.indicator("V4"), {"veto": True})
    with pytest.raises(EntryError, match="须附证据"):
        clean_entry(R15.indicator("V3"), {"counts": {"blank": 6}})


def test_caps_hold():
    result = score(R15, entries(R15, A2={"count": 40}, A3={"count": 1000}))
    assert result.deductions["A2"] == Decimal("5.00") and result.deductions["A3"] == Decimal("5.00")
    assert result.score == Decimal("90.00")


def test_per_occurrence_points():
    result = score(R15, entries(R15, A3={"count": 7}, D3={"count": 1}))
    assert result.deductions["A3"] == Decimal("0.70") and result.deductions["D3"] == Decimal("2.00")
    assert result.score == Decimal("97.30")


def test_bands():
    assert score(R15, entries(R15, A1={"value": "0.9"})).deductions["A1"] == 0
    assert score(R15, entries(R15, A1={"value": "1"})).deductions["A1"] == Decimal("5.00")
    assert score(R15, entries(R15, A1={"value": "4.99"})).deductions["A1"] == Decimal("5.00")
    assert score(R15, entries(R15, B1={"count": 9})).deductions["B1"] == Decimal("5.00")
    assert score(R15, entries(R15, B1={"count": 10})).deductions["B1"] == 0


def test_a_stale_column_is_not_deducted_twice():
    stale = ["http://x.gov.cn/rsxx/", "http://x.gov.cn/ghjh/"]
    raw = {"V3": {"counts": {"stale_should": 2}, "count_items": {"stale_should": stale}},
           "B2": {"count": 3, "items": stale + ["http://x.gov.cn/jgzn/"]}}
    result = score(R15, entries(R15, **raw))
    assert result.deductions["B2"] == Decimal("2.00")  # only the one column not counted under V3


def test_fail_below_sixty():
    raw = dict(A1={"value": 2}, A2={"count": 5}, A3={"count": 50}, B1={"count": 0}, B2={"count": 10},
               C1={"count": 3})
    result = score(R15, entries(R15, **raw))
    assert result.score == Decimal("45.00") and result.result == FAILED
    raw["C1"] = {"count": 0}
    assert score(R15, entries(R15, **raw)).result == PASSED  # 60 exactly passes


def test_2019_bonus_only_for_portals_above_eighty():
    raw = dict(X1={"count": 5}, X2={"count": 5}, X3={"count": 10})
    assert score(R19, entries(R19, **raw), portal=True).score == Decimal("130.00")
    assert score(R19, entries(R19, **raw), portal=False).score == Decimal("100.00")
    low = dict(raw, S1={"count": 10}, S2={"count": 10}, P1={"count": 1})  # 100 - 21 = 79
    result = score(R19, entries(R19, **low), portal=True)
    assert (result.score, result.bonus) == (Decimal("79.00"), 0)
    capped = dict(raw, X1={"count": 50})
    assert score(R19, entries(R19, **capped), portal=True).bonus == Decimal("30.00")


def test_2019_no_public_services_scored_on_75_and_scaled():
    raw = dict(S1={"count": 10}, P1={"count": 3})  # service deductions are not counted
    result = score(R19, entries(R19, **raw), no_public_services=True)
    assert "S1" not in result.deductions
    assert result.score == Decimal("96.00")  # (75 - 3) × 4/3


def test_2019_vetoes():
    assert [i.name for i in R19.indicators if i.is_veto] == ["安全、泄密事故等严重问题", "站点无法访问", "首页不更新",
                                                             "栏目不更新", "互动回应差", "服务不实用"]
    result = score(R19, entries(R19, V6={"veto": True, "evidence": ["http://x.gov.cn/bszn/"]}))
    assert result.result == VETOED


@pytest.mark.parametrize("raw,message", [
    ({"count": -1}, "不能为负数"),
    ({"count": "2.5"}, "不能是小数"),
    ({"count": "abc"}, "不是数字"),
    ({"count": 10**9}, "超出可能的范围"),
    ({"count": True}, "非负整数"),
])
def test_impossible_counts(raw, message):
    with pytest.raises(EntryError, match=message):
        clean_entry(R15.indicator("A2"), raw)


def test_impossible_shares_and_bad_evidence():
    with pytest.raises(EntryError, match="0 到 100"):
        clean_entry(R15.indicator("A1"), {"value": "120"})
    with pytest.raises(EntryError, match="http://"):
        clean_entry(R15.indicator("V1"), {"veto": True, "evidence": ["javascript:alert(1)"]})


def test_entry_defaults():
    assert Entry().count is None
