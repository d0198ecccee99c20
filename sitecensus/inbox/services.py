"""Notifying units (inbox + mail) and the 催办 reminders per list: not
self-checked, not inspected, not reported, rectification overdue."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.accounts.models import User
from sitecensus.registry.campaigns import campaign_phase
from sitecensus.core.errors import InvalidInput, NotFound
from sitecensus.core.dates import cn_date

from . import policy, selectors
from .models import Message

K = Message.Kind


def notify(*, units, kind: str, title: str, body: str, link: str = "", sender=None) -> tuple[int, int]:
    """One inbox message per unit, and a mail to each of its active accounts.
    Returns (messages, mails)."""
    units = list({u.pk: u for u in units}.values())
    if not units:
        return 0, 0
    Message.objects.bulk_create([
        Message(unit=u, kind=kind, title=title[:200], body=body.replace("{unit}", u.name), link=link,
                sender=sender, sender_unit=getattr(sender, "unit", None)) for u in units])
    mails = 0
    signature = f"——{sender.unit.name}" if sender is not None and sender.unit_id else ""
    accounts = User.objects.filter(unit__in=units, is_active=True).exclude(email="").select_related("unit")
    for account in accounts:
        send_mail(title, body.replace("{unit}", account.unit.name) + signature, settings.DEFAULT_FROM_EMAIL,
                  [account.email], fail_silently=True)
        mails += 1
    return len(units), mails


def notify_after_commit(**kwargs) -> None:
    """Notify once the transaction that made the news has committed."""
    transaction.on_commit(lambda: notify(**kwargs))


def mark_read(*, user, message: Message) -> Message:
    if message.unit_id != user.unit_id or not policy.may_read_inbox(user):
        raise NotFound("消息不存在")
    if message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now(), read_by=user)
        message.refresh_from_db()
    return message


REMINDERS = {
    "selfcheck": (K.REMIND_SELFCHECK, "请尽快完成政府网站自查",
                  "{unit}：贵单位尚有政府网站未提交自查表，请登录全国政府网站信息报送系统，在“检查整改”中完成自查{deadline}。",
                  "/checks/"),
    "inspection": (K.REMIND_INSPECTION, "请尽快完成政府网站检查",
                   "{unit}：贵单位检查范围内尚有已提交自查表、未检查打分的网站，请尽快检查{deadline}。", "/checks/"),
    "report": (K.REMIND_REPORT, "请尽快报送检查整改情况",
               "{unit}：请汇总本地区、本部门政府网站检查整改情况，并向上级报送{deadline}。", "/checks/report/"),
    "rectification": (K.REMIND_RECTIFICATION, "整改逾期提醒",
                      "{unit}：贵单位有整改通知已过整改期限，请尽快整改并在系统中反馈整改情况。",
                      "/checks/rectifications/"),
}
PHASE_OF = {"selfcheck": "selfcheck", "inspection": "inspection", "report": "report"}


def remind(*, actor, which: str, request=None) -> tuple[int, int]:
    """催办 one list: every unit on it gets an inbox message and mail."""
    policy.check_remind(actor)
    if which not in REMINDERS:
        raise InvalidInput("没有这个催办名单", field="which")
    kind, title, body, link = REMINDERS[which]
    deadline = ""
    if which in PHASE_OF:
        phase = campaign_phase(PHASE_OF[which])
        deadline = f"（截止日期：{cn_date(phase.closes_on)}）" if phase else ""
    units = selectors.reminder_units(actor, which)
    counts = notify(units=units, kind=kind, title=title, body=body.replace("{deadline}", deadline), link=link,
                    sender=actor)
    record("reminders_sent", actor=actor, request=request, list=which, units=counts[0], emails=counts[1])
    return counts
