"""Reminders and the inbox: 催办 per list by mail and inbox, counts on the home
page, a unit notified when a rectification is issued, one open notice per
problem."""

import re

from datetime import timedelta

import pytest
from django.utils import timezone

from sitecensus.core.errors import InvalidState, NotAllowed
from sitecensus.inbox import selectors, services
from sitecensus.inbox.models import Message
from sitecensus.registry.models import Website
from sitecensus.scoring import services as scoring
from sitecensus.scoring.models import Rectification, Scorecard
from sitecensus.scoring.testing import inspect

pytestmark = pytest.mark.django_db


def test_lists(demo_users):
    baoding = demo_users["baoding"]
    # 保定市教育局's self-check is a draft; the Baoding portal has none.
    names = set(selectors.not_self_checked(baoding.unit).values_list("name", flat=True))
    assert "保定市教育局" in names and "涞水县人民政府" not in names
    assert "保定市人民政府" in set(selectors.not_self_checked(demo_users["hebei"].unit).values_list("name", flat=True))
    assert [u.name for u in selectors.not_reported(baoding.unit)] == [
        u.name for u in selectors._child_organizers(baoding.unit)]
    # Hebei: Baoding has the county portal waiting for its inspection.
    assert ("保定市人民政府办公室", 1) in [(u.name, n) for u, n in selectors.not_inspected(demo_users["hebei"].unit)]


@pytest.mark.parametrize("which,recipient", [("selfcheck", "baoding_jyj"), ("inspection", "baoding"),
                                             ("report", "baoding")])
def test_remind_reaches_inbox_and_mail(demo_users, mailoutbox, which, recipient):
    sender = demo_users["baoding" if which == "selfcheck" else "hebei"]
    units, mails = services.remind(actor=sender, which=which)
    target = demo_users[recipient]
    message = Message.objects.get(unit=target.unit, kind=f"remind_{which}")
    assert message.sender_unit == sender.unit and target.unit.name in message.body
    assert units >= 1 and mails >= 1
    assert any(target.email in m.to for m in mailoutbox)
    assert selectors.unread_count(target) >= 1


def test_only_organizers_remind(demo_users):
    with pytest.raises(NotAllowed):
        services.remind(actor=demo_users["laishui_lsz"], which="selfcheck")


def test_overdue_rectification_reminded(demo_users, mailoutbox):
    notice = Rectification.objects.get(website__name="涞水镇人民政府网站")
    Rectification.objects.filter(pk=notice.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    assert services.remind(actor=demo_users["laishui"], which="rectification")[1] == 1
    assert Message.objects.filter(unit=demo_users["laishui_lsz"].unit, kind="remind_rectification").exists()


def test_rectification_list_reminds_through_the_inbox_and_comes_back(client, demo_users):
    """The rectification list's 整改提醒 button is the inbox's 催办 of that list (one route, one rule),
    and the page it was pressed on is where the user lands again; never another site."""
    notice = Rectification.objects.get(website__name="涞水镇人民政府网站")
    Rectification.objects.filter(pk=notice.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    client.force_login(demo_users["laishui"])
    page = client.get("/checks/rectifications/?overdue=1").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="toolbar">(.*?)</form>', page, re.S)
    assert form and form.group(1) == "/inbox/remind/send/"
    assert 'name="which" value="rectification"' in form.group(2)
    assert 'name="next" value="/checks/rectifications/?overdue=1"' in form.group(2)
    response = client.post("/inbox/remind/send/", {"which": "rectification",
                                                  "next": "/checks/rectifications/?overdue=1"})
    assert response.status_code == 302 and response["Location"] == "/checks/rectifications/?overdue=1"
    assert Message.objects.filter(unit=demo_users["laishui_lsz"].unit, kind="remind_rectification").exists()
    elsewhere = client.post("/inbox/remind/send/", {"which": "rectification", "next": "https://example.com/"})
    assert elsewhere["Location"] == "/inbox/remind/"


def test_unit_notified_when_a_rectification_is_issued(demo_users, mailoutbox, django_capture_on_commit_callbacks):
    card = inspect(demo_users, "baoding", "laishui", "涞水县人民政府", {"A2": {"count": 3}})
    with django_capture_on_commit_callbacks(execute=True):
        notice = scoring.issue_rectification(actor=demo_users["baoding"], card=card, indicator="A2",
                                             requirement="修复首页失效链接",
                                             deadline=timezone.localdate() + timedelta(days=10))
    message = Message.objects.get(unit=demo_users["laishui"].unit, kind="rectification_issued")
    assert "修复首页失效链接" in message.body and message.link == f"/checks/rectifications/{notice.pk}/"
    assert any("整改通知" in m.subject for m in mailoutbox)
    # No second open notice for the same problem.
    with pytest.raises(InvalidState, match="已有未完成的整改通知"):
        scoring.issue_rectification(actor=demo_users["baoding"], card=card, indicator="A2", requirement="再次",
                                    deadline=timezone.localdate() + timedelta(days=10))


def test_inbox_pages_and_home_counts(client, demo_users, django_capture_on_commit_callbacks):
    services.remind(actor=demo_users["baoding"], which="selfcheck")
    client.force_login(demo_users["baoding_jyj"])
    home = client.get("/").content.decode()
    assert re.search(r'data-testid="inbox-count".*?未读</a><span><strong class="num due">1</strong> 条', home)
    page = client.get("/inbox/").content.decode()
    message = Message.objects.get(unit=demo_users["baoding_jyj"].unit)
    assert "请尽快完成政府网站自查" in page
    assert "保定市教育局" in client.get(f"/inbox/{message.pk}/").content.decode()
    message.refresh_from_db()
    assert message.read_at is not None and selectors.unread_count(demo_users["baoding_jyj"]) == 0
    client.force_login(demo_users["laishui"])  # another unit cannot read it
    assert client.get(f"/inbox/{message.pk}/").status_code == 404
    client.force_login(demo_users["baoding"])
    home = client.get("/").content.decode()
    assert 'data-testid="todos"' in home and "未提交自查的网站" in home
    assert client.get("/inbox/remind/").status_code == 200
    assert client.post("/inbox/remind/send/", {"which": "report"}).status_code == 302


def test_reporter_home_links_to_self_check(client, demo_users):
    client.force_login(demo_users["laishui_lsz"])
    assert '<a href="/checks/">对网站进行自查整改</a>' in client.get("/").content.decode()


def test_national_home_shows_spot_check_and_notice_steps(client, demo_users):
    client.force_login(demo_users["guoban"])
    home = client.get("/").content.decode()
    assert "抽查核查" in home and "发布抽查情况通报" in home
