"""The inbox tells units what other apps announce."""

from django.dispatch import receiver as listener

from sitecensus.core.dates import cn_date
from sitecensus.scoring.models import ReportWithdrawal
from sitecensus.scoring.signals import rectifications_issued, report_superseded

from .models import Message
from .services import notify_after_commit


@listener(report_superseded, dispatch_uid="inbox-report-superseded")
def tell_the_other_party(sender, *, withdrawal, receiver, actor, **kwargs):
    report, reason = withdrawal.report, withdrawal.reason
    if withdrawal.kind == ReportWithdrawal.Kind.WITHDRAWN:
        if receiver is not None:
            notify_after_commit(
                units=[receiver], kind=Message.Kind.REPORT_WITHDRAWN, sender=actor,
                title=f"{report.organizer.name}撤回了检查整改情况报告",
                body=(f"{{unit}}：{report.organizer.name}撤回了已报送的检查整改情况报告"
                      f"{'（原因：' + reason + '）' if reason else ''}，将重新报送。"),
                link="/checks/report/")
    else:
        notify_after_commit(
            units=[report.organizer], kind=Message.Kind.REPORT_WITHDRAWN, sender=actor,
            title=f"{actor.unit.name}退回了本单位的检查整改情况报告",
            body=f"{{unit}}：{actor.unit.name}退回了本单位报送的检查整改情况报告，原因：{reason}。请修改后重新报送。",
            link="/checks/report/")


@listener(rectifications_issued, dispatch_uid="inbox-rectifications-issued")
def tell_the_rectifying_unit(sender, *, notices, sender_user, **kwargs):
    """The unit hears of each rectification issued to it (inbox + mail), once committed."""
    for notice in notices:
        notify_after_commit(
            units=[notice.website.unit], kind=Message.Kind.RECTIFICATION_ISSUED,
            title=f"整改通知：{notice.website.name}（{notice.indicator_name}）",
            body=(f"{{unit}}：{notice.website.name}（{notice.website.site_code}）需就“{notice.indicator_name}”进行整改，"
                  f"整改要求：{notice.requirement}。请于 {cn_date(notice.deadline)} 前整改并在系统中反馈整改情况。"),
            link=f"/checks/rectifications/{notice.pk}/", sender=sender_user)
