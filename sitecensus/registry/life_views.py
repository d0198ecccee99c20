"""A site's life on its page (开办 checklist, 临时下线, the closure's notice and 报备) and the
organizing unit's watch list (overdue take-downs, closures in their notice period). Thin: the
services decide (registry.services.life), the policy answers who may (registry.policy)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sitecensus.core.errors import InvalidInput

from . import opening, policy, selectors
from .models import SiteClosure, Website
from .services import life



def _date(value: str, field: str, label: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"“{label}”须为日期（如 2026-03-01）", field=field) from None


def life_context(user, site: Website) -> dict:
    """What the site's page shows of its life, with the policy's answers."""
    may_act = policy.may_change(user, site)
    closure = site.closures.filter(completed_at__isnull=True).order_by("-pk").first() \
        if site.in_notice_period else None
    last = site.closures.exclude(completed_at__isnull=True).order_by("-pk").first() \
        if site.life_ended else None
    values = opening.values_of(site) if site.is_opening else {}
    today = timezone.localdate()
    return {
        "life_may_act": may_act,
        "life_may_open": may_act and not site.site_code and site.runs_normally
        and site.is_editable,
        "opening_items": [{**item, "value": values.get(item["code"], "")} for item in opening.items()]
        if site.is_opening else [],
        "opening_missing": opening.missing_items(site) if site.is_opening else [],
        "offline_overdue": site.is_offline and site.life_until is not None and site.life_until < today,
        "closure": closure, "closure_done": last,
        "closure_may_file": bool(closure and closure.notice_on and closure.ends_on <= today),
        "notice_days": life.notice_days(),
    }


@require_POST
def site_life_step(request, pk):
    site = selectors.get_website(request.user, pk)
    step, post = request.POST.get("step", ""), request.POST
    if step == "begin_opening":
        life.begin_opening(actor=request.user, website=site, request=request)
        messages.success(request, "已登记为新开办网站：开办核对清单完成后方可终审通过")
    elif step == "checklist":
        checklist = life.save_opening_checklist(
            actor=request.user, website=site, values={item["code"]: post.get(item["code"], "")
                                                      for item in opening.items()}, request=request)
        missing = opening.missing_items(site, checklist.values)
        messages.success(request, "开办核对清单已保存" + (f"；尚缺{'、'.join(missing)}" if missing else "，已完成"))
    elif step == "offline":
        life.take_offline(actor=request.user, website=site, until=_date(post.get("until"), "until", "计划恢复日期"),
                          reason=post.get("reason", ""), request=request)
        messages.success(request, "已报备临时下线")
    elif step == "online":
        life.back_online(actor=request.user, website=site, request=request)
        messages.success(request, "已恢复运行")
    elif step == "notice":
        life.record_notice(actor=request.user, website=site, notice_url=post.get("notice_url", ""),
                           notice_on=_date(post.get("notice_on"), "notice_on", "公告发布日期"), request=request)
        messages.success(request, "公告已登记：系统每日扫描核验公告是否在首页")
    elif step == "file":
        life.file_closure(actor=request.user, website=site, note=post.get("note", ""), request=request)
        messages.success(request, "已报备，网站运行状态已更新")
    elif step == "withdraw":
        life.withdraw_closure(actor=request.user, website=site, reason=post.get("reason", ""), request=request)
        messages.success(request, "已撤回公告，网站继续运行")
    else:
        raise InvalidInput("未知的操作")
    return redirect("registry:site_detail", pk=site.pk)


def life_watch(request):
    """The organizing unit's watch list: take-downs past their return date, closures in their notice period."""
    policy.PROGRESS.check(policy.may_review(request.user))
    sites = policy.visible_websites(request.user)
    overdue = life.overdue_offline(sites).select_related("unit").order_by("life_until", "id")
    closures = (SiteClosure.objects.filter(completed_at__isnull=True, website__in=sites)
                .select_related("website__unit", "target").order_by("notice_on", "id"))
    return render(request, "registry/life_watch.html", {"overdue": overdue, "closures": closures,
                                                          "today": timezone.localdate()})
