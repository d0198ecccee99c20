"""我为政府网站找错 as the rules say (issue 24): forwarded (转办) by a higher office, refused (不予受理)
only with a reason from the data list, handled offline (线下受理), answered; the public reads the
text a higher office reviewed; the deadline in working days by the holiday calendar; the year's
counts per site (unanswered, answered after more than a month) and the assessment's deductions."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from sitecensus.audit.models import AuditEvent
from sitecensus.core import dates
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.core.lifecycle import TransitionRefused
from sitecensus.public import jiucuo, selectors, services
from sitecensus.public.models import PublicReport
from sitecensus.registry.models import Website

pytestmark = pytest.mark.django_db


def site(name="涞水镇人民政府网站"):
    return Website.objects.get(name=name)


def report(name="涞水镇人民政府网站", description="栏目不更新") -> PublicReport:
    return services.submit_report(website_pk=site(name).pk, category="stale", description=description)


def test_forwarded_by_a_higher_office_then_refused_with_a_reason_the_public_sees(demo_users, client, settings):
    settings.PUBLIC_REPORT_DAYS = 3
    r = report()
    with pytest.raises(NotAllowed):  # the unit itself does not forward to itself
        services.forward_report(actor=demo_users["laishui_lsz"], report=r)
    r = services.forward_report(actor=demo_users["baoding"], report=r)
    assert r.status == "forwarded" and r.forwarded_from == demo_users["baoding"].unit
    assert r.deadline == dates.add_working_days(timezone.localdate(), 3)
    with pytest.raises(TransitionRefused):
        services.forward_report(actor=demo_users["hebei"], report=r)
    unit = demo_users["laishui_lsz"]
    with pytest.raises(InvalidInput, match="不属实、业务问题、不在范围、重复"):
        services.refuse_report(actor=unit, report=r, reason="懒得办")
    with pytest.raises(NotAllowed):
        services.refuse_report(actor=demo_users["baoding"], report=r, reason="untrue")
    r = services.refuse_report(actor=unit, report=r, reason="out_of_scope")
    assert r.status == "refused" and r.refusal_label == "不在范围" and not r.is_overdue
    for event in ("public_report_forwarded", "public_report_refused"):
        assert AuditEvent.objects.filter(action=event, object_id=str(r.pk)).exists(), event

    # The public sees the reason at once; the answer text once a higher office reviewed it.
    looked = client.post("/pucha/lookup/", {"receipt": r.receipt}).content.decode()
    assert 'data-testid="lookup-refusal">不在范围' in looked and "不予受理" in looked
    with pytest.raises(NotAllowed):
        services.review_public(actor=unit, report=r, text="x")
    services.review_public(actor=demo_users["hebei"], report=r, text="该网站不在本次找错受理范围内")
    looked = client.post("/pucha/lookup/", {"receipt": r.receipt}).content.decode()
    assert "该网站不在本次找错受理范围内" in looked
    exposed = client.get("/pucha/jiucuo/").content.decode()
    assert "该网站不在本次找错受理范围内" in exposed and "不在范围" in exposed
    assert r.receipt not in exposed and r.description not in exposed  # the public list names no receipt


def test_offline_then_answered_and_review_only_after_closing(demo_users, client):
    r = report()
    unit = demo_users["laishui_lsz"]
    with pytest.raises(InvalidState, match="已办结或不予受理"):
        services.review_public(actor=demo_users["baoding"], report=r, text="x")
    with pytest.raises(InvalidInput, match="线下受理说明"):
        services.take_offline(actor=unit, report=r, note="")
    r = services.take_offline(actor=unit, report=r, note="已电话联系网民")
    assert r.status == "offline" and r.get_status_display() == "线下受理"
    r = services.answer_report(actor=unit, report=r, answer="已更新栏目", status="done")
    assert r.status == "done" and r.answered_by == unit
    with pytest.raises(TransitionRefused):
        services.refuse_report(actor=unit, report=r, reason="duplicate")
    # The page offers each action to whom the policy allows it.
    client.force_login(demo_users["baoding"])
    page = client.get(f"/pucha/reports/{r.pk}/").content.decode()
    assert 'data-testid="review-form"' in page and 'data-testid="refuse-form"' not in page
    client.force_login(unit)
    page = client.get(f"/pucha/reports/{r.pk}/").content.decode()
    assert 'data-testid="review-form"' not in page and 'data-testid="forward-form"' not in page


def test_the_pages_forward_and_refuse(demo_users, client):
    r = report()
    client.force_login(demo_users["hebei"])
    assert 'data-testid="forward-form"' in client.get(f"/pucha/reports/{r.pk}/").content.decode()
    assert client.post(f"/pucha/reports/{r.pk}/", {"action": "forward"}).status_code == 302
    client.force_login(demo_users["laishui_lsz"])
    refused = client.post(f"/pucha/reports/{r.pk}/", {"action": "refuse", "reason": ""})
    assert refused.status_code == 400 and "请选择不予受理的理由" in refused.content.decode()
    assert client.post(f"/pucha/reports/{r.pk}/", {"action": "refuse", "reason": "duplicate"}).status_code == 302
    r.refresh_from_db()
    assert r.status == "refused" and r.refusal_reason == "duplicate"
    assert 'data-testid="refused-count">1<' in client.get("/pucha/reports/").content.decode()


def test_working_days_follow_the_holiday_calendar():
    # 2026 National Day: 10月1日–7日 off; Friday 10月9日 then Saturday 10月10日 worked (调休).
    assert not dates.is_working_day(date(2026, 10, 5))
    assert dates.is_working_day(date(2026, 10, 10))
    assert dates.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert dates.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert services.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_year_counts_per_site_and_the_assessment(demo_users):
    unit = demo_users["laishui_lsz"]
    town, county = site(), site("涞水县人民政府")
    now = timezone.now()
    answered_late, answered_soon, refused, open_, last_year = (report() for _ in range(5))
    for r in (answered_late, answered_soon):
        services.answer_report(actor=unit, report=r, answer="已处理", status="done")
    services.refuse_report(actor=unit, report=refused, reason="duplicate")
    # Received earlier this year (the clock cannot go back before the demo's records: move the rows).
    received = now.replace(month=1, day=10) if now.month > 2 else now
    PublicReport.objects.filter(pk__in=[answered_late.pk, answered_soon.pk, refused.pk, open_.pk]).update(
        created_at=received)
    PublicReport.objects.filter(pk=answered_late.pk).update(answered_at=received + timedelta(days=45))
    PublicReport.objects.filter(pk=answered_soon.pk).update(answered_at=received + timedelta(days=20))
    PublicReport.objects.filter(pk=last_year.pk).update(created_at=now.replace(year=now.year - 1))
    counts = selectors.error_report_year_counts([town.pk, county.pk], received.year)
    assert counts[town.pk] == {"received": 4, "refused": 1, "answered": 2, "unanswered": 1, "late": 1}
    assert counts[county.pk] == dict.fromkeys(selectors.YEAR_COUNT_KEYS, 0)
    assert selectors.error_report_year_counts([town.pk], received.year - 1)[town.pk]["unanswered"] == 1
    assert jiucuo.assessment_deduction(counts[town.pk]) == -3 - 2  # −3 unanswered, −2 late (data)


def test_late_means_after_more_than_a_month():
    assert not jiucuo.is_late(date(2026, 1, 31), date(2026, 2, 28))
    assert jiucuo.is_late(date(2026, 1, 31), date(2026, 3, 1))
    assert not jiucuo.is_late(date(2026, 3, 15), date(2026, 4, 15))
    assert jiucuo.is_late(date(2026, 3, 15), date(2026, 4, 16))
