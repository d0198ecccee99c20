"""The spot-check lifecycles as declared (sitecensus/core/lifecycle.py): each refused
transition is a typed error with a stable code and a Chinese message; each fired one
writes its one audit event; a status is never assigned directly."""

import pytest

from sitecensus.audit.models import AuditEvent
from sitecensus.core.lifecycle import TransitionRefused
from sitecensus.core.errors import InvalidInput
from sitecensus.scoring import services as scoring
from sitecensus.spotcheck import services
from sitecensus.spotcheck.models import Batch, BatchSite, Notice

from .test_spotcheck import batch

pytestmark = pytest.mark.django_db


def refused(code, message, call):
    with pytest.raises(TransitionRefused) as caught:
        call()
    assert caught.value.code == code and message in caught.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)


def test_batch_transitions_refused_and_the_reasoned_skip(client, demo_users):
    guoban = demo_users["guoban"]
    b = batch(demo_users, ratio="100", strata_by=["site_class"])
    refused("spotcheck.batch.start.has_sample", "请先抽样", lambda: services.start(actor=guoban, batch=b))
    b = services.draw(actor=guoban, batch=b)
    refused("spotcheck.batch.record_scan", "只有检查中的批次可以扫描",
            lambda: services.check_scannable(actor=guoban, batch=b))
    refused("spotcheck.batch.skip_scan", "跳过系统扫描", lambda: services.skip_scan(actor=guoban, batch=b, reason="x"))
    refused("spotcheck.batch.compose", "尚未完成系统扫描", lambda: services.compose_notice(actor=guoban, batch=b))
    b = services.start(actor=guoban, batch=b)
    refused("spotcheck.batch.start", "已启动的批次不能再次启动", lambda: services.start(actor=guoban, batch=b))
    # Not reported before its scan, or an explicit reasoned skip:
    refused("spotcheck.batch.compose", "尚未完成系统扫描", lambda: services.compose_notice(actor=guoban, batch=b))
    with pytest.raises(InvalidInput, match="原因"):
        services.skip_scan(actor=guoban, batch=b, reason="  ")
    b = services.skip_scan(actor=guoban, batch=b, reason="监测点网络中断，改为人工复核")
    assert b.status == Batch.Status.SCANNED and b.scan_skipped_reason.startswith("监测点网络中断")
    event = AuditEvent.objects.get(action="spotcheck_scan_skipped", object_id=str(b.pk))
    assert event.details["reason"].startswith("监测点网络中断")
    refused("spotcheck.batch.skip_scan", "跳过系统扫描", lambda: services.skip_scan(actor=guoban, batch=b, reason="x"))
    refused("spotcheck.batch.compose.all_signed", "未完成复核签发",
            lambda: services.compose_notice(actor=guoban, batch=b))
    client.force_login(guoban)
    page = client.get(f"/spotcheck/{b.pk}/").content.decode()
    assert "未经系统扫描，原因：监测点网络中断" in page and "抽查不经系统扫描（说明原因）" in page  # the batch history
    with pytest.raises(AttributeError):
        b.status = Batch.Status.REPORTED  # protected: only a transition changes it


def test_the_skip_from_the_batch_page(client, demo_users):
    guoban = demo_users["guoban"]
    b = services.start(actor=guoban, batch=services.draw(actor=guoban, batch=batch(demo_users, ratio="100")))
    client.force_login(guoban)
    assert client.get(f"/spotcheck/{b.pk}/").content.decode().count('value="skip_scan"') == 1
    client.post(f"/spotcheck/{b.pk}/action/", {"action": "skip_scan", "reason": "目标网站拒绝扫描"})
    b.refresh_from_db()
    assert b.status == Batch.Status.SCANNED and b.scan_skipped_reason == "目标网站拒绝扫描"


def test_site_and_notice_transitions_refused(demo_users):
    guoban, second = demo_users["guoban"], demo_users["guoban_fh"]
    b = services.draw(actor=guoban, batch=batch(demo_users, ratio="100", strata_by=["site_class"]))
    b = services.skip_scan(actor=guoban, batch=services.start(actor=guoban, batch=b), reason="人工复核")
    services.assign(actor=guoban, batch=b, reviewer=guoban)
    bsite = b.sites.first()
    refused("spotcheck.batchsite.sign_off.card_submitted", "复核人尚未提交评分表",
            lambda: services.sign_off(actor=second, bsite=bsite))
    refused("spotcheck.batchsite.return_to_reviewer.card_submitted", "无需退回",
            lambda: services.return_to_reviewer(actor=second, bsite=bsite, reason="请重评"))
    for each in b.sites.all():
        card = services.review_card(actor=guoban, bsite=each)
        scoring.submit_card(actor=guoban, card=card, raw_entries={"A2": {"count": 1}})
    done, no = services.sign_off_many(actor=second, bsites=list(b.sites.all()))
    assert len(done) == b.sites.count() and not no
    assert AuditEvent.objects.filter(action="spotcheck_signed").count() == len(done)  # one event per transition
    bsite.refresh_from_db()
    refused("spotcheck.batchsite.sign_off", "已签发", lambda: services.sign_off(actor=second, bsite=bsite))
    refused("spotcheck.batchsite.return_to_reviewer", "已签发的结果不能退回",
            lambda: services.return_to_reviewer(actor=second, bsite=bsite, reason="请重评"))
    notice = services.compose_notice(actor=guoban, batch=b)
    services.publish(actor=guoban, notice=notice)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED and notice.published_at
    refused("spotcheck.notice.publish", "通报已发布", lambda: services.publish(actor=guoban, notice=notice))
    refused("spotcheck.batch.compose.notice_not_published", "通报已发布，不能重新生成",
            lambda: services.compose_notice(actor=guoban, batch=b))
    assert AuditEvent.objects.filter(action="notice_published", object_id=str(notice.pk)).count() == 1
    assert BatchSite.objects.filter(batch=b, status=BatchSite.Status.SIGNED).count() == b.sites.count()
