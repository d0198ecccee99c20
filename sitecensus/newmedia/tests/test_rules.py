"""The rules of data/rules.json: a second account of a unit on one platform and a certified
subject other than the 主办单位 are flagged to the reviewer; closed-but-not-cancelled and
not-updated-for-N-days accounts are listed (N from the data file)."""

import datetime as dt

import pytest

from sitecensus.newmedia import rules, selectors, services
from sitecensus.newmedia.models import MediaAccount
from sitecensus.newmedia.testing import sample_values, without_demo_accounts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(db):
    without_demo_accounts()


def _file(actor, **kw):
    return services.file_account(actor=actor, unit=actor.unit, values=sample_values(unit_name=actor.unit.name, **kw))


def test_a_second_account_on_one_platform_is_flagged_in_the_queue_and_on_the_record(demo_users):
    clerk, county = demo_users["laishui_lsz"], demo_users["laishui"]
    first = _file(clerk, name="涞水镇发布")
    assert selectors.flags(first) == []
    second = _file(clerk, name="涞水镇政务")
    queue = {a.name: a.duplicate for a in selectors.review_queue(county)}
    assert queue == {"涞水镇发布": True, "涞水镇政务": True}
    assert [f.code for f in selectors.flags(second)] == ["duplicate"]
    assert "已有账号“涞水镇发布”" in selectors.flags(second)[0].message
    other_platform = _file(clerk, platform="抖音", name="涞水镇发布")
    assert selectors.flags(other_platform) == []


def test_subject_other_than_the_host_unit_and_uncertified_are_flagged(demo_users):
    clerk = demo_users["laishui_lsz"]
    account = _file(clerk, certified_subject="涞水县融媒体中心")
    assert [f.code for f in selectors.flags(account)] == ["subject"]
    assert "认证主体“涞水县融媒体中心”与主办单位“涞水镇人民政府”不一致" in selectors.flags(account)[0].message
    values = sample_values(unit_name=clerk.unit.name, platform="快手") | {"is_certified": False}
    uncertified = services.file_account(actor=clerk, unit=clerk.unit, values=values)
    assert [f.code for f in selectors.flags(uncertified)] == ["uncertified"]


def test_the_rules_are_data(demo_users, monkeypatch):
    clerk = demo_users["laishui_lsz"]
    _file(clerk, name="甲")
    second = _file(clerk, name="乙", certified_subject="别的单位")
    monkeypatch.setattr(rules, "rules", lambda: {"one_account_per_platform": False, "subject_must_match_host": False,
                                                 "stale_days": 30})
    assert selectors.flags(second) == [] and rules.stale_days() == 30


def test_not_updated_for_n_days_uses_the_data_files_n(demo_users):
    u = demo_users
    account = _file(u["laishui_lsz"])
    for name in ("laishui", "baoding", "hebei"):
        account = services.approve(actor=u[name], account=account)
    today = dt.date(2026, 12, 1)
    assert rules.stale_days() == 14
    services.record_check(account=account, result={"verdict": "read"}, latest=today - dt.timedelta(days=14))
    assert list(selectors.not_updated(u["laishui"], today=today)) == []
    services.record_check(account=account, result={"verdict": "read"}, latest=today - dt.timedelta(days=15))
    assert list(selectors.not_updated(u["laishui"], today=today)) == [account]
    services.record_check(account=account, result={"verdict": "undecidable"}, latest=None)
    assert MediaAccount.objects.get(pk=account.pk).last_post_on == today - dt.timedelta(days=15)
    assert list(selectors.not_updated(u["laishui_jyj"], today=today)) == []  # another unit's clerk sees none
