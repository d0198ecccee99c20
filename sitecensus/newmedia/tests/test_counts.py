"""The statistics' kept counts (MediaCount) stay equal to a recount of the accounts through filings,
approvals, closures and cancellations, for the nation, a province and a city (by platform and by region),
and `counts.rebuild()` (after a bulk insert) gives the same table."""

import pytest

from sitecensus.newmedia import counts, selectors, services
from sitecensus.newmedia.models import MediaCount
from sitecensus.newmedia.testing import approved_through as _through, sample_values

pytestmark = pytest.mark.django_db

VIEWERS = {"guoban": 2, "hebei": 3, "baoding": 4}  # user → the region depth its statistics page shows


def _table():
    return sorted(MediaCount.objects.filter(n__gt=0).values_list("bucket", "in_system", "platform", "life", "n"))


def assert_counts_equal_a_recount(u):
    for name, depth in VIEWERS.items():
        user = u[name]
        assert selectors._by_platform(user, "") == selectors.count_by_platform(user), name
        assert selectors._by_region(user, depth) == selectors.count_by_region(user, depth), name
    kept = _table()
    counts.rebuild()
    assert _table() == kept


def test_counts_follow_approvals_closures_and_cancellations(demo_users):
    u = demo_users
    assert MediaCount.objects.exists()  # the demo's accounts, counted as they were filed
    assert_counts_equal_a_recount(u)
    town, dept = u["laishui_lsz"], u["hebei_fgw"]
    before = {r["platform"]: r["live"] for r in selectors.count_by_platform(u["guoban"])}
    account = services.file_account(actor=town, unit=town.unit, values={
        **sample_values(unit_name=town.unit.name), "platform": "抖音", "name": "涞水镇抖音计数"})
    other = services.file_account(actor=dept, unit=dept.unit, values={
        **sample_values(unit_name=dept.unit.name), "platform": "微博", "name": "河北发改微博计数"})
    assert_counts_equal_a_recount(u)
    account = _through(u, account, "laishui", "baoding", "hebei")
    other = _through(u, other, "hebei")
    assert_counts_equal_a_recount(u)
    after = {r["platform"]: r["live"] for r in selectors._by_platform(u["guoban"], "")}
    assert after["抖音"] == before["抖音"] + 1 and after["微博"] == before["微博"] + 1
    account = services.request_life(actor=town, account=account, kind="close", reason="停止更新", on="2026-06-30")
    assert_counts_equal_a_recount(u)  # in review: no longer counted as approved, as the recount says
    account = _through(u, account, "laishui", "baoding", "hebei")
    assert_counts_equal_a_recount(u)
    closed = {r["platform"]: r["closed"] for r in selectors._by_platform(u["baoding"], "")}
    assert closed["抖音"] >= 1
    account = services.request_life(actor=town, account=account, kind="cancel", reason="已注销")
    account = _through(u, account, "laishui", "baoding", "hebei")
    other = services.request_life(actor=dept, account=other, kind="close", reason="合并")
    other = _through(u, other, "hebei")
    assert_counts_equal_a_recount(u)
