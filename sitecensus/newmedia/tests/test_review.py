"""Filing and the level-by-level review of new-media accounts: the websites' chain, the
registry number of its own series, returns with reasons, and 变更 / 关停 / 注销 as requests."""

import pytest

from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.core.lifecycle import TransitionRefused
from sitecensus.newmedia import selectors, services
from sitecensus.newmedia.models import MediaAccount, MediaEvent
from sitecensus.newmedia.testing import approved_through as _through, sample_values, without_demo_accounts

pytestmark = pytest.mark.django_db
S = MediaAccount.Status


@pytest.fixture(autouse=True)
def _clean(db):
    without_demo_accounts()


def _file(users, who="laishui_lsz", **kw):
    actor = users[who]
    return services.file_account(actor=actor, unit=actor.unit, values=sample_values(unit_name=actor.unit.name, **kw))


def test_filing_goes_up_the_websites_chain_and_gets_a_number_of_its_own_series(demo_users):
    u = demo_users
    account = _file(u)
    assert account.status == S.SUBMITTED and account.pending_at.name == "涞水县人民政府办公室"
    with pytest.raises(InvalidState, match="下级“涞水县人民政府办公室”尚未审核通过"):
        services.approve(actor=u["baoding"], account=account)
    account = _through(u, account, "laishui", "baoding")
    assert account.pending_at.name == "河北省人民政府办公厅" and not account.media_code
    account = _through(u, account, "hebei")
    assert account.status == S.APPROVED
    organizer = account.organizer
    assert organizer.name == "涞水县人民政府办公室"
    assert account.media_code == f"{organizer.org_code}M00001"
    second = _through(u, _file(u, platform="微博", name="涞水镇发布"), "laishui", "baoding", "hebei")
    assert second.media_code == f"{organizer.org_code}M00002"
    assert list(MediaEvent.objects.filter(account=account).values_list("action", flat=True)) == [
        "submit", "approve", "approve", "final"]
    assert AuditEvent.objects.filter(action="media_final_approved", object_id=str(account.pk)).exists()


def test_return_needs_a_reason_and_the_unit_files_again(demo_users):
    u = demo_users
    account = _file(u)
    with pytest.raises(InvalidInput, match="退回时请填写原因"):
        services.return_record(actor=u["laishui"], account=account, reason=" ")
    account = services.return_record(actor=u["laishui"], account=account, reason="认证主体请写全称")
    assert account.status == S.RETURNED and account.return_reason == "认证主体请写全称"
    values = services.as_values(account) | {"certified_subject": "涞水县涞水镇人民政府"}
    account = services.save_draft(actor=u["laishui_lsz"], unit=account.unit, values=values, account=account)
    account = services.submit(actor=u["laishui_lsz"], account=account)
    assert account.status == S.SUBMITTED and account.return_reason == ""


def test_values_are_checked_by_the_form_definition_naming_the_field(demo_users):
    u = demo_users
    actor = u["laishui_lsz"]
    bad = sample_values(unit_name=actor.unit.name, platform="贴吧", url="weibo.com/x")
    with pytest.raises(InvalidInput) as caught:
        services.file_account(actor=actor, unit=actor.unit, values=bad)
    assert "“平台”" in caught.value.message and "“公开页面网址”" in caught.value.message
    draft = services.save_draft(actor=actor, unit=actor.unit, values={"platform": "抖音"})
    with pytest.raises(InvalidInput, match="“账号名称”：必填项"):
        services.submit(actor=actor, account=draft)


def test_only_the_units_own_accounts_file(demo_users):
    u = demo_users
    other = u["laishui_jyj"]
    with pytest.raises(NotAllowed):
        services.save_draft(actor=other, unit=u["laishui_lsz"].unit, values={"platform": "抖音"})


def test_close_and_cancel_are_requests_with_reasons_through_the_same_review(demo_users):
    u = demo_users
    account = _through(u, _file(u), "laishui", "baoding", "hebei")
    code = account.media_code
    with pytest.raises(InvalidInput, match="申请关停时请填写原因"):
        services.request_life(actor=u["laishui_lsz"], account=account, kind="close", reason="")
    account = services.request_life(actor=u["laishui_lsz"], account=account, kind="close",
                                    reason="机构改革，停止更新", on="2026-06-30")
    assert account.status == S.SUBMITTED and account.life == MediaAccount.Life.OPEN
    account = services.return_record(actor=u["laishui"], account=account, reason="请先发布停更公告")
    assert account.status == S.APPROVED and account.life == MediaAccount.Life.OPEN and account.pending == {}
    account = services.request_life(actor=u["laishui_lsz"], account=account, kind="close", reason="机构改革，停止更新",
                                    on="2026-06-30")
    account = _through(u, account, "laishui", "baoding", "hebei")
    assert account.life == MediaAccount.Life.CLOSED and str(account.life_on) == "2026-06-30"
    assert account.media_code == code and account.life_reason == "机构改革，停止更新"
    assert list(selectors.closed_not_cancelled(u["laishui"])) == [account]
    account = services.request_life(actor=u["laishui_lsz"], account=account, kind="cancel", reason="已注销平台账号")
    account = _through(u, account, "laishui", "baoding", "hebei")
    assert account.life == MediaAccount.Life.CANCELLED
    assert list(selectors.closed_not_cancelled(u["laishui"])) == []
    with pytest.raises(TransitionRefused, match="已注销"):
        services.request_life(actor=u["laishui_lsz"], account=account, kind="close", reason="x")


def test_a_change_is_applied_only_when_approved(demo_users):
    u = demo_users
    account = _through(u, _file(u), "laishui", "baoding", "hebei")
    values = services.as_values(account) | {"name": "涞水镇发布（新）"}
    account = services.request_life(actor=u["laishui_lsz"], account=account, kind="change", reason="更名",
                                    values=values)
    assert account.name != "涞水镇发布（新）"
    account = _through(u, account, "laishui", "baoding", "hebei")
    assert account.name == "涞水镇发布（新）" and account.life == MediaAccount.Life.CHANGED


def test_undo_while_the_level_above_has_not_decided(demo_users):
    u = demo_users
    account = _through(u, _file(u), "laishui")
    account = services.undo_approval(actor=u["laishui"], account=account)
    assert account.pending_at.name == "涞水县人民政府办公室"
    with pytest.raises(InvalidState):
        services.undo_approval(actor=u["baoding"], account=account)
