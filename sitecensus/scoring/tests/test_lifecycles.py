"""Scorecards, rectifications and upward reports as declared lifecycles
(sitecensus/core/lifecycle.py): each refused transition a typed error with a stable
code and a Chinese message, each fired one audited once, statuses protected."""

import pytest

from sitecensus.audit.models import AuditEvent
from sitecensus.core.lifecycle import TransitionRefused
from sitecensus.registry.models import Website
from sitecensus.scoring import services
from sitecensus.scoring.models import InspectionReport, Rectification, Scorecard

pytestmark = pytest.mark.django_db


def refused(code, message, call):
    with pytest.raises(TransitionRefused) as caught:
        call()
    assert caught.value.code == code and message in caught.value.message


def test_scorecard(demo_users):
    card = services.open_self_check(actor=demo_users["laishui_lsz"],
                                    website=Website.objects.get(name="涞水镇人民政府网站"))
    if not card.is_submitted:
        services.submit_card(actor=demo_users["laishui_lsz"], card=card, raw_entries={})
        assert AuditEvent.objects.filter(action="scorecard_submitted", object_id=str(card.pk)).count() == 1
    card.refresh_from_db()
    refused("scoring.scorecard.submit", "这份评分表已经提交过",
            lambda: services.submit_card(actor=demo_users["laishui_lsz"], card=card))
    with pytest.raises(AttributeError):
        card.status = Scorecard.Status.DRAFT


def test_rectification(demo_users):
    notice = Rectification.objects.get(website__name="涞水镇人民政府网站")
    refused("scoring.rectification.close", "尚未反馈整改情况",
            lambda: services.recheck_rectification(actor=demo_users["laishui"], notice=notice, close=True))
    services.answer_rectification(actor=demo_users["laishui_lsz"], notice=notice, answer="已整改", evidence=[])
    services.recheck_rectification(actor=demo_users["laishui"], notice=notice, close=True)
    notice.refresh_from_db()
    assert notice.status == Rectification.Status.CLOSED
    refused("scoring.rectification.answer_with", "该整改通知已完成",
            lambda: services.answer_rectification(actor=demo_users["laishui_lsz"], notice=notice, answer="再改",
                                                  evidence=[]))
    refused("scoring.rectification.close", "尚未反馈整改情况",
            lambda: services.recheck_rectification(actor=demo_users["laishui"], notice=notice, close=False,
                                                   comment="x"))
    actions = list(AuditEvent.objects.filter(object_type="scoring.rectification", object_id=str(notice.pk))
                   .values_list("action", flat=True))
    assert actions.count("rectification_answered") == 1 and actions.count("rectification_closed") == 1


def test_upward_report(demo_users):
    laishui = demo_users["laishui"]
    report = services.save_report(actor=laishui, narrative="已完成。", submit=True)
    assert report.status == InspectionReport.Status.SUBMITTED and report.submitted_by == laishui
    assert AuditEvent.objects.filter(action="report_submitted", object_id=str(report.pk)).count() == 1
    from sitecensus.core.lifecycle import fire

    refused("scoring.inspectionreport.submit", "已报送，不能修改", lambda: fire(report, "submit", actor=laishui))
