"""A sent inspection & rectification report withdrawn by its sender or returned by the
receiving organizing unit: a new ReportWithdrawal row, never an edit of the sealed report;
the sender then sends a new report, and only the latest non-superseded one counts."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, transaction

from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed, NotFound
from sitecensus.inbox.models import Message
from sitecensus.scoring import selectors, services
from sitecensus.scoring.models import InspectionReport, ReportWithdrawal
from sitecensus.scoring.testing import four_levels

pytestmark = pytest.mark.django_db


def _verify() -> None:
    """`audit verify` passes (it raises CommandError naming any sealed record that changed)."""
    call_command("audit", "verify", stdout=io.StringIO(), stderr=io.StringIO())


def _row(pk) -> dict:
    return InspectionReport.objects.filter(pk=pk).values().get()


def test_the_sender_withdraws_and_sends_a_new_report(demo_users, django_capture_on_commit_callbacks):
    laishui, baoding = demo_users["laishui"], demo_users["baoding"]
    first = services.save_report(actor=laishui, narrative="第一稿", submit=True)
    sealed = _row(first.pk)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = services.withdraw_report(actor=laishui, pk=first.pk, reason="数字有误")
    assert (withdrawal.kind, withdrawal.reason, withdrawal.actor, withdrawal.actor_unit) == (
        "withdrawn", "数字有误", laishui, laishui.unit)
    assert _row(first.pk) == sealed  # the sealed report stays as it was
    _verify()
    assert AuditEvent.objects.filter(action="report_withdrawn", object_id=str(first.pk)).exists()
    # The receiver hears of it; the withdrawn report no longer counts upward.
    note = Message.objects.get(unit=baoding.unit, kind=Message.Kind.REPORT_WITHDRAWN)
    assert "涞水县人民政府办公室撤回" in note.title
    assert dict(selectors.child_reports(baoding.unit))[laishui.unit] is None
    assert selectors.current_report(laishui.unit, first.campaign) is None
    with pytest.raises(InvalidState, match="已被撤回或退回"):
        services.withdraw_report(actor=laishui, pk=first.pk)
    # A new report: a new row, the next in sequence, the one that counts.
    second = services.save_report(actor=laishui, narrative="第二稿", submit=True)
    assert second.pk != first.pk and second.sequence == first.sequence + 1
    assert dict(selectors.child_reports(baoding.unit))[laishui.unit] == second
    assert InspectionReport.objects.get(pk=first.pk).narrative == "第一稿"


def test_the_receiver_returns_with_a_reason(demo_users, django_capture_on_commit_callbacks):
    laishui, baoding = demo_users["laishui"], demo_users["baoding"]
    report = services.save_report(actor=laishui, narrative="已检查", submit=True)
    sealed = _row(report.pk)
    with pytest.raises(InvalidInput, match="退回原因"):
        services.return_report(actor=baoding, pk=report.pk, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.return_report(actor=baoding, pk=report.pk, reason="未写整改进度")
    assert (returned.kind, returned.reason, returned.actor_unit) == ("returned", "未写整改进度", baoding.unit)
    assert _row(report.pk) == sealed
    _verify()
    event = AuditEvent.objects.get(action="report_returned", object_id=str(report.pk))
    assert event.details["reason"] == "未写整改进度"
    note = Message.objects.get(unit=laishui.unit, kind=Message.Kind.REPORT_WITHDRAWN)
    assert "未写整改进度" in note.body and "保定市人民政府办公室" in note.title
    # The withdrawal row itself is written once (a trigger; on PostgreSQL the application's
    # role is not even granted UPDATE or DELETE on it).
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportWithdrawal.objects.filter(pk=returned.pk).update(reason="改")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportWithdrawal.objects.filter(pk=returned.pk).delete()
    # The sealed report is still refused any change.
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionReport.objects.filter(pk=report.pk).update(narrative="篡改")
    again = services.save_report(actor=laishui, narrative="已检查，整改进度见附表", submit=True)
    assert selectors.current_report(laishui.unit, report.campaign) == again


def test_refused_for_the_wrong_role_or_unit(demo_users):
    u = demo_users
    four_levels(u)
    report = services.save_report(actor=u["laishui"], narrative="县级", submit=True)
    # Only the sender withdraws: not its parent, not a unit elsewhere, not a reporting unit.
    with pytest.raises(NotAllowed, match="只有报送单位"):
        services.withdraw_report(actor=u["baoding"], pk=report.pk)
    with pytest.raises(NotFound):
        services.withdraw_report(actor=u["laishui_lsz"], pk=report.pk)
    # Only the receiving unit (one level up) returns: not the sender, not the province above it.
    with pytest.raises(NotAllowed, match="上一级组织单位"):
        services.return_report(actor=u["laishui"], pk=report.pk, reason="x")
    with pytest.raises(NotAllowed, match="上一级组织单位"):
        services.return_report(actor=u["hebei"], pk=report.pk, reason="x")
    with pytest.raises(NotFound):
        services.return_report(actor=u["laishui_lsz"], pk=report.pk, reason="x")
    # Once the receiver has sent its own report (which added this one up), neither may.
    services.save_report(actor=u["baoding"], narrative="市级", submit=True)
    with pytest.raises(InvalidState, match="已报送本级"):
        services.withdraw_report(actor=u["laishui"], pk=report.pk)
    with pytest.raises(InvalidState, match="已报送本级"):
        services.return_report(actor=u["baoding"], pk=report.pk, reason="x")
    assert not ReportWithdrawal.objects.exists()


def test_a_draft_cannot_be_withdrawn(demo_users):
    draft = services.save_report(actor=demo_users["laishui"], narrative="草稿")
    with pytest.raises(InvalidState, match="尚未报送"):
        services.withdraw_report(actor=demo_users["laishui"], pk=draft.pk)
