"""Publishing says what was actually sent: the units given rectification notices and how
many, or that none was sent and why."""

import pytest

from sitecensus.spotcheck import services as spot
from sitecensus.spotcheck.testing import signed_one_site_batch

pytestmark = pytest.mark.django_db


def _signed_batch(users, name, veto):
    guoban = users["guoban"]
    entries = {"V2": {"veto": True, "evidence": ["http://lsz.laishui.gov.cn/"]}} if veto else {}
    batch, _ = signed_one_site_batch(guoban=guoban, second=users["guoban_fh"], name=name, entries=entries)
    spot.compose_notice(actor=guoban, batch=batch)
    return batch


def _publish(client, batch):
    response = client.post(f"/spotcheck/{batch.pk}/action/", {"action": "publish"}, follow=True)
    return " ".join(str(m) for m in response.context["messages"])


def test_publishing_names_what_was_sent(client, demo_users):
    client.force_login(demo_users["guoban"])
    failed = _signed_batch(demo_users, "一季度抽查", veto=True)
    said = _publish(client, failed)
    assert "已向涞水镇人民政府下发整改通知 1 份" in said, said
    # The same problem again: its notice is still open, so nothing new is sent — and it says so.
    again = _signed_batch(demo_users, "二季度抽查", veto=True)
    said = _publish(client, again)
    assert "未下发新的整改通知" in said and "下发整改通知 1 份" not in said, said
    passed = _signed_batch(demo_users, "三季度抽查", veto=False)
    said = _publish(client, passed)
    assert "无需整改，未下发整改通知" in said, said


def test_a_published_notice_is_on_the_cached_public_pages_at_once(client, demo_users, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.PUBLIC_CACHE_SECONDS = 60
    batch = _signed_batch(demo_users, "一季度抽查", veto=False)
    anonymous = type(client)()
    before = anonymous.get("/pucha/notices/").content.decode()
    assert "关于一季度抽查情况的通报" not in before
    assert anonymous.get("/pucha/notices/")["X-Cache"] == "hit"  # cached
    with django_capture_on_commit_callbacks(execute=True):
        spot.publish(actor=demo_users["guoban"], notice=batch.notice)
    assert "关于一季度抽查情况的通报" in anonymous.get("/pucha/notices/").content.decode()
