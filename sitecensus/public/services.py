"""Writes of the public census pages: news by the national office, problem
reports from the public and the units' answers. One transaction, one audit
event and a typed error on every refusal."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sitecensus.core import dates, lifecycle, publiccache
from sitecensus.core.clientip import client_ip as real_client_ip
from sitecensus.core.db import serialize_on
from sitecensus.audit.services import record
from sitecensus.orgs import policy as orgs_policy
from sitecensus.core.errors import InvalidInput, InvalidState, NotFound
from sitecensus.registry.services import active_websites

from . import jiucuo, policy
from .errors import RateLimited
from .models import NewsPost, PublicReport

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
DESCRIPTION_MAX = 1000
CONTACT_MAX = 100
PAGE_URL_MAX = 500
ANSWER_MAX = 2000
TITLE_MAX = 100
BODY_MAX = 20000
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


# ---------------------------------------------------------------- settings

def report_rate() -> tuple[int, int]:
    """PUBLIC_REPORT_RATE "N/unit" (unit s, m, h or d) → (N, seconds); default 5 per hour."""
    raw = str(getattr(settings, "PUBLIC_REPORT_RATE", "5/h")).strip().lower()
    match = re.fullmatch(r"(\d+)\s*/\s*(\d*)\s*([smhd])", raw)
    if not match:
        return 5, 3600
    count, mult, unit = match.groups()
    return int(count), int(mult or 1) * _UNITS[unit]


def report_days() -> int:
    return max(1, int(getattr(settings, "PUBLIC_REPORT_DAYS", 5)))


def add_working_days(start: date, days: int) -> date:
    """Working days by the project's calendar (core/dates.py: weekends, statutory holidays, 调休)."""
    return dates.add_working_days(start, days)


def new_receipt(today: date | None = None) -> str:
    today = today or timezone.localdate()
    return "ZC" + today.strftime("%Y%m%d") + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


# ---------------------------------------------------------------- reports from the public

def client_ip(request) -> str | None:
    # The real client behind the configured trusted proxies (never a header the client sets itself).
    return real_client_ip(request)


def check_rate(ip: str | None) -> None:
    """Inside submit_report's transaction: the count and the insert of one address are
    serialized (simultaneous reports cannot all pass the limit)."""
    serialize_on(f"public_report:{ip or '-'}")
    limit, seconds = report_rate()
    since = timezone.now() - timedelta(seconds=seconds)
    if PublicReport.objects.filter(ip=ip, created_at__gte=since).count() >= limit:
        minutes = max(1, seconds // 60)
        raise RateLimited(f"提交过于频繁：同一网络地址每 {minutes} 分钟最多提交 {limit} 条，请稍后再试")


def _clean_text(value, *, label: str, limit: int, field: str, required: bool = False) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise InvalidInput(f"请填写{label}", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{label}不能超过 {limit} 字（当前 {len(text)} 字）", field=field)
    return text


def listed_site(pk):
    """A site the public may see: approved, and neither closed nor merged."""
    try:
        return active_websites().select_related("unit").get(pk=pk)
    except (ValueError, TypeError, active_websites().model.DoesNotExist):
        raise NotFound("网站不存在或未在政府网站目录中公开") from None


@transaction.atomic
def submit_report(*, website_pk, category: str, description: str, contact: str = "", page_url: str = "",
                  request=None) -> PublicReport:
    ip = client_ip(request)
    check_rate(ip)
    website = listed_site(website_pk)
    if category not in PublicReport.Category.values:
        raise InvalidInput("请选择问题类型", field="category")
    description = _clean_text(description, label="问题描述", limit=DESCRIPTION_MAX, field="description",
                              required=True)
    contact = _clean_text(contact, label="联系方式", limit=CONTACT_MAX, field="contact")
    page_url = _clean_text(page_url, label="问题页面网址", limit=PAGE_URL_MAX, field="page_url")
    if page_url and not re.match(r"^https?://", page_url, re.IGNORECASE):
        raise InvalidInput("问题页面网址须以 http:// 或 https:// 开头", field="page_url")
    today = timezone.localdate()
    report = PublicReport.objects.create(
        receipt=new_receipt(today), website=website, unit=website.unit, category=category,
        description=description, contact=contact, page_url=page_url, ip=ip,
        deadline=add_working_days(today, report_days()))
    record("public_report_submitted", request=request, obj=report, username="（公众）",
           website=website.site_code, unit=website.unit.name, category=category)
    return report


def lookup(receipt: str) -> PublicReport:
    receipt = (receipt or "").strip().upper()
    found = (PublicReport.objects.select_related("website").filter(receipt=receipt).first()
             if re.fullmatch(r"ZC\d{8}[A-Z0-9]{10}", receipt) else None)
    if found is None:
        raise NotFound("未找到该受理编号，请核对后重新输入", field="receipt")
    return found


def _check_scope(actor, report: PublicReport) -> None:
    if not orgs_policy.visible_units(actor).filter(pk=report.unit_id).exists():
        raise NotFound("网民找错记录不存在或不在您的权限范围内")


def _handled_report(actor, report: PublicReport) -> PublicReport:
    """The report locked, in the actor's scope, and the actor its responsible unit."""
    report = PublicReport.objects.select_for_update().get(pk=report.pk)
    _check_scope(actor, report)
    policy.ANSWER.check(policy.may_answer(actor, report))
    return report


@transaction.atomic
def answer_report(*, actor, report: PublicReport, answer: str, status: str, request=None) -> PublicReport:
    """The unit's answer: 处理中 (accepted, an interim answer) or 已办结 (answered). The public
    reads it once a higher office has reviewed it (`review_public`)."""
    report = _handled_report(actor, report)
    if status not in (PublicReport.Status.PROCESSING, PublicReport.Status.DONE):
        raise InvalidInput("请选择办理状态：处理中或已办结", field="status")
    text = _clean_text(answer, label="答复", limit=ANSWER_MAX, field="answer", required=True)
    if status == PublicReport.Status.PROCESSING:
        lifecycle.fire(report, "accept", actor=actor, request=request, interim=True)
    else:
        lifecycle.fire(report, "close", actor=actor, request=request)
    report.answer = text
    report.save()
    return report


@transaction.atomic
def forward_report(*, actor, report: PublicReport, request=None) -> PublicReport:
    """转办: a higher office hands the message to the site's unit; the answer deadline
    (PUBLIC_REPORT_DAYS working days) runs from today."""
    report = PublicReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    _check_scope(actor, report)
    policy.FORWARD.check(policy.may_forward(actor, report))
    deadline = add_working_days(timezone.localdate(), report_days())
    lifecycle.fire(report, "forward", actor=actor, request=request, deadline=deadline,
                   to=report.unit.name, deadline_on=str(deadline))
    report.save()
    return report


@transaction.atomic
def refuse_report(*, actor, report: PublicReport, reason: str, request=None) -> PublicReport:
    """不予受理, with a reason from the data list (不属实 / 业务问题 / 不在范围 / 重复)."""
    report = _handled_report(actor, report)
    if reason not in dict(jiucuo.refusal_reasons()):
        allowed = "、".join(label for _, label in jiucuo.refusal_reasons())
        raise InvalidInput(f"请选择不予受理的理由（{allowed}）", field="reason")
    lifecycle.fire(report, "refuse", actor=actor, request=request, reason=reason,
                   reason_label=jiucuo.refusal_label(reason))
    report.save()
    return report


@transaction.atomic
def take_offline(*, actor, report: PublicReport, note: str, request=None) -> PublicReport:
    """线下受理: handled by telephone or in person; the unit answers when it is done."""
    report = _handled_report(actor, report)
    note = _clean_text(note, label="线下受理说明", limit=DESCRIPTION_MAX, field="note", required=True)
    lifecycle.fire(report, "take_offline", actor=actor, request=request, note=note[:300])
    report.save()
    return report


@transaction.atomic
def review_public(*, actor, report: PublicReport, text: str, request=None) -> PublicReport:
    """曝光: a higher office reviews what the public reads of an answered or refused message (the
    unit's answer, edited where needed); shown on the public pages from now on."""
    report = PublicReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    _check_scope(actor, report)
    policy.REVIEW_PUBLIC.check(policy.may_review_public(actor, report))
    if report.status not in PublicReport.CLOSED:
        raise InvalidState("只有已办结或不予受理的找错可以审核公开")
    report.public_text = _clean_text(text, label="公开答复", limit=ANSWER_MAX, field="text", required=True)
    report.public_reviewed_at, report.public_reviewed_by = timezone.now(), actor
    report.save(update_fields=["public_text", "public_reviewed_at", "public_reviewed_by"])
    record("public_report_reviewed", actor=actor, request=request, obj=report, status=report.status)
    publiccache.changed()
    return report


# ---------------------------------------------------------------- news

may_write_news = policy.may_write_news


def _check_editor(actor, post: NewsPost | None = None) -> None:
    policy.NEWS.check(policy.may_write_news(actor))
    policy.NEWS_OWN.check(post is None or policy.may_edit_post(actor, post))


def _news_fields(title, body):
    return (_clean_text(title, label="标题", limit=TITLE_MAX, field="title", required=True),
            _clean_text(body, label="正文", limit=BODY_MAX, field="body", required=True))


@transaction.atomic
def create_news(*, actor, title: str, body: str, publish: bool, request=None) -> NewsPost:
    _check_editor(actor)
    title, body = _news_fields(title, body)
    post = NewsPost.objects.create(title=title, body=body, author=actor, unit=actor.unit, is_published=bool(publish),
                                   published_at=timezone.now() if publish else None)
    record("news_created", actor=actor, request=request, obj=post, published=post.is_published)
    if post.is_published:
        publiccache.changed()
    return post


@transaction.atomic
def update_news(*, actor, post: NewsPost, title: str, body: str, publish: bool, request=None) -> NewsPost:
    post = NewsPost.objects.select_for_update().get(pk=post.pk)
    _check_editor(actor, post)
    post.title, post.body = _news_fields(title, body)
    if publish and not post.is_published:
        post.published_at = timezone.now()
    if not publish:
        post.published_at = None
    post.is_published = bool(publish)
    post.save()
    record("news_updated", actor=actor, request=request, obj=post, published=post.is_published)
    publiccache.changed()  # shown, changed or withdrawn: the public pages follow at once
    return post
