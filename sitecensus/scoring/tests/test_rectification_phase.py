"""The 整改 phase gates rectification answers (through the self-check's own phase gate):
a notice is answerable from the day it is issued, even before the campaign's (or the
round's) 整改 phase opens — the phase sets the deadline, not the opening; after the
notice's own 整改期限 only with an exception granted by the organizing unit above, and
then marked 逾期反馈, the refusal naming the phase and its dates."""

from datetime import date, timedelta

import pytest

from sitecensus.core.errors import NotAllowed, InvalidState
from sitecensus.registry import campaigns
from sitecensus.registry.models import Phase
from sitecensus.scoring import services
from sitecensus.scoring.models import Rectification

pytestmark = pytest.mark.django_db
TODAY = date.today()
D = timedelta(days=1)


def notice():
    return Rectification.objects.select_related("scorecard", "website__unit").get(
        website__name="涞水镇人民政府网站", scorecard__stage="inspection")


def rect_phase():
    return Phase.objects.get(campaign=campaigns.active_campaign(), kind=Phase.Kind.RECTIFICATION)


def answer(users, n):
    return services.answer_rectification(actor=users["laishui_lsz"], notice=n, answer="已恢复留言功能", evidence=[])


def test_answered_the_day_it_is_issued_before_the_phase_opens(demo_users):
    Phase.objects.filter(pk=rect_phase().pk).update(opens_on=TODAY + 5 * D, closes_on=TODAY + 40 * D)
    answered = answer(demo_users, notice())
    assert answered.status == "answered" and not answered.is_late


def test_a_late_refusal_names_the_phase_and_its_dates_without_leading_zeros(demo_users):
    from sitecensus.core.dates import cn_date

    n = notice()
    Phase.objects.filter(pk=rect_phase().pk).update(opens_on=TODAY - 40 * D, closes_on=TODAY - 5 * D)
    Rectification.objects.filter(pk=n.pk).update(deadline=TODAY - 5 * D)
    n.refresh_from_db()
    with pytest.raises(InvalidState) as refused:
        answer(demo_users, n)
    message = refused.value.message
    assert "整改阶段" in message and "截止" in message and "反馈整改情况" in message
    assert cn_date(TODAY - 40 * D) in message and cn_date(TODAY - 5 * D) in message
    assert "年0" not in message and "月0" not in message
    assert notice().status == "open"


def test_on_time_answer_is_not_late(demo_users):
    answered = answer(demo_users, notice())
    assert answered.status == "answered" and not answered.is_late


def test_after_the_deadline_only_with_the_exception_of_the_unit_above_and_marked_late(client, demo_users):
    n = notice()
    Rectification.objects.filter(pk=n.pk).update(deadline=TODAY - 2 * D)
    n.refresh_from_db()
    with pytest.raises(InvalidState, match="截止.*补报许可"):
        answer(demo_users, n)
    with pytest.raises(NotAllowed):  # two levels up is not the organizing unit above
        services.allow_late_answer(actor=demo_users["baoding"], notice=n, until=TODAY + 3 * D, reason="系统故障")
    # The organizing unit above sees the overdue notice and grants the exception on its page.
    client.force_login(demo_users["laishui"])
    page = client.get(f"/checks/rectifications/{n.pk}/").content.decode()
    assert 'data-testid="allow-late"' in page and 'data-testid="rect-phase"' in page
    response = client.post(f"/checks/rectifications/{n.pk}/", {"action": "allow_late", "reason": "网站改版中",
                                                                "until": (TODAY + 3 * D).isoformat()})
    assert response.status_code == 302
    answered = answer(demo_users, n)
    assert answered.is_late and answered.status == "answered"
    client.force_login(demo_users["laishui_lsz"])
    assert 'data-testid="late-mark">逾期反馈' in client.get(f"/checks/rectifications/{n.pk}/").content.decode()


def test_an_expired_exception_no_longer_admits(demo_users):
    n = notice()
    Rectification.objects.filter(pk=n.pk).update(deadline=TODAY - 10 * D)
    services.allow_late_answer(actor=demo_users["laishui"], notice=n, until=TODAY, reason="延期一天")
    from sitecensus.registry.models import WindowException

    WindowException.objects.filter(unit=n.website.unit).update(until=TODAY - D)
    with pytest.raises(InvalidState, match="补报许可"):
        answer(demo_users, n)


def test_a_round_notice_follows_the_rounds_rectification_phase(demo_users):
    from sitecensus.spotcheck import services as spot
    from sitecensus.spotcheck.testing import signed_one_site_batch

    guoban = demo_users["guoban"]
    spring = campaigns.create_round(actor=guoban, parent=campaigns.active_campaign(), name="2026年第二季度抽查",
                                    phases={"spotcheck": (TODAY - 5 * D, TODAY + 5 * D),
                                            "rectification": (TODAY + 6 * D, TODAY + 30 * D)})
    batch, card = signed_one_site_batch(guoban=guoban, second=demo_users["guoban_fh"], name="二季度抽查",
                                        entries={"V2": {"veto": True, "evidence": ["http://x.gov.cn/"]}})
    spot.publish(actor=guoban, notice=spot.compose_notice(actor=guoban, batch=batch))
    n = Rectification.objects.get(scorecard=card, indicator="V2")
    assert n.deadline == TODAY + 30 * D and services.rectification_phase(n).campaign == spring
    # Actionable on arrival: answered before the round's 整改 phase opens, on time.
    answered = answer(demo_users, n)
    assert answered.status == "answered" and not answered.is_late
    # The census's own notice, in its open 整改 phase, is answered as before.
    assert not answer(demo_users, notice()).is_late


def test_without_a_rectification_phase_answers_are_taken_and_late_ones_marked(demo_users):
    Phase.objects.filter(kind=Phase.Kind.RECTIFICATION).delete()
    n = notice()
    Rectification.objects.filter(pk=n.pk).update(deadline=TODAY - D)
    n.refresh_from_db()
    assert services.rectification_phase(n) is None
    assert answer(demo_users, n).is_late
