"""Annual report pages: the list (generate, remind, deadline, export), one work report (fill,
submit, approve or return, publish, check the homepage link, print), the supervision reports
(generate, fill, approve, publish, trainings) and the public 专栏 pages."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sitecensus.core.errors import CensusError, InvalidInput, NotFound
from sitecensus.core.excel import excel_response
from sitecensus.core.paging import CountCachingPaginator
from sitecensus.jobs.services import enqueue
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website

from . import items, policy, selectors, services
from .models import SiteReport

PAGE = 50


def _year(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    return int(raw) if raw.isdigit() else services.default_year()


def _back(request, report):
    return redirect("annual:report", pk=report.pk)


def index(request):
    user = request.user
    policy.SEE.check(policy.may_see_annual(user))
    year, status, query = _year(request), request.GET.get("status", ""), request.GET.get("q", "")
    qs = selectors.site_reports(user, year=year, status=status if status in SiteReport.Status.values else "",
                                query=query)
    tally = selectors.status_counts(selectors.site_reports(user, year=year))
    return render(request, "annual/index.html", {
        "year": year, "status": status, "query": query, "statuses": SiteReport.Status.choices,
        "page": CountCachingPaginator(qs, PAGE).get_page(request.GET.get("page")),
        "counts": [(label, tally.get(value, 0)) for value, label in SiteReport.Status.choices],
        "may_generate": policy.may_generate(user), "may_set_deadline": policy.may_set_deadline(user),
        "may_compile": policy.may_compile(user), "phase": services.annual_phase(),
        "awaiting": selectors.awaiting_approval(user, year).count() if policy.may_generate(user) else 0})


@require_POST
def generate(request):
    policy.GENERATE.check(policy.may_generate(request.user))
    year = _year(request)
    scope = "全国" if policy.generates_nationwide(request.user) else request.user.unit.name
    job = enqueue("annual_generate", actor=request.user, label=f"生成{year}年度政府网站工作年度报表（{scope}）",
                  params={"year": year}, next_url=f"/annual/?year={year}")
    return redirect("jobs:job", pk=job.pk)


@require_POST
def check_links(request):
    policy.GENERATE.check(policy.may_generate(request.user))
    year = _year(request)
    job = enqueue("annual_link_check", actor=request.user, label=f"检查{year}年度年度报表的首页链接",
                  params={"year": year}, next_url=f"/annual/?year={year}&status=published")
    return redirect("jobs:job", pk=job.pk)


@require_POST
def generate_site(request, website_pk):
    site = Website.objects.select_related("unit").filter(pk=website_pk).first()
    if site is None:
        raise NotFound("网站不存在或不在您的权限范围内")
    report = services.generate_one(actor=request.user, website=site, year=_year(request), request=request)
    return _back(request, report)


@require_POST
def remind(request):
    units, mails = services.remind(actor=request.user, year=_year(request), request=request)
    messages.success(request, f"已向 {units} 个单位发送催办消息（邮件 {mails} 封）")
    return redirect(f"/annual/?year={_year(request)}")


@require_POST
def deadline(request):
    phase = services.set_deadline(actor=request.user, year=_year(request), request=request)
    messages.success(request, f"已设置年度报表发布期限：{phase.opens_on:%Y-%m-%d} 至 {phase.closes_on:%Y-%m-%d}")
    return redirect(f"/annual/?year={_year(request)}")


def export(request):
    """The list as Excel: every report of the year in scope, one row each with every item."""
    policy.SEE.check(policy.may_see_annual(request.user))
    year = _year(request)
    spec = items.items()
    qs = selectors.site_reports(request.user, year=year)

    def rows():
        for r in qs.iterator(chunk_size=2000):
            yield [r.website.site_code, r.website.name, r.unit.name, r.approver.name, r.get_status_display(),
                   r.published_at.strftime("%Y-%m-%d") if r.published_at else "", "是" if r.is_late else "否",
                   r.get_link_verdict_display(), *[r.values.get(i["code"]) if r.values.get(i["code"]) is not None
                                                   else "" for i in spec]]
    headers = ["网站标识码", "网站名称", "主办单位", "审核单位", "状态", "发布日期", "逾期发布", "首页链接检查",
               *[i["label"] + (f"（{i['unit']}）" if i.get("unit") else "") for i in spec]]
    return excel_response(f"政府网站工作年度报表-{year}.xlsx", f"{year}年度", headers, rows())


def _run_action(request, actions: dict) -> CensusError | None:
    """Run the posted action (its name → a function returning the message to show, or "");
    a refusal is returned for the page to show beside what was typed."""
    action = actions.get(request.POST.get("action", ""))
    try:
        if action is None:
            raise InvalidInput("没有这个操作")
        message = action()
    except CensusError as exc:
        return exc
    if message:
        messages.success(request, message)
    return None


def report(request, pk):
    user = request.user
    r = selectors.site_report(user, pk)
    error = None
    if request.method == "POST":
        def submit():
            services.save_values(actor=user, report=r, data=request.POST, request=request)
            services.submit(actor=user, report=r, request=request)
            return "已报送上一级组织单位审核"

        done = {"actor": user, "report": r, "request": request}
        error = _run_action(request, {
            "save": lambda: services.save_values(data=request.POST, **done) and "已保存",
            "submit": submit,
            "approve": lambda: services.approve(**done) and "已审核通过",
            "return": lambda: services.return_report(reason=request.POST.get("reason", ""), **done) and "已退回",
            "publish": lambda: services.publish(**done) and "已发布，已在本地区年度报表专栏公开",
            "check": lambda: services.check_links(actor=user, reports=[r], request=request) and ""})
        if error is None:
            return _back(request, r)
        r = selectors.site_report(user, pk)
    return render(request, "annual/report.html", {
        "r": r, "rows": items.rows(r.values, r.prefilled), "error": error,
        "may_fill": policy.may_fill(user, r), "may_approve": policy.may_approve(user, r),
        "may_publish": policy.may_publish(user, r), "may_check": policy.may_check_link(user, r),
        "public_url": services.report_url(r)}, status=error.http_status if error else 200)


def print_view(request, pk):
    r = selectors.site_report(request.user, pk)
    return render(request, "annual/print.html", {"r": r, "rows": items.rows(r.values), "title": items.spec()["title"]})


# ---------------------------------------------------------------- supervision reports

def supervision_list(request):
    user = request.user
    policy.COMPILE.check(policy.may_list_supervision(user))
    year = _year(request)
    if request.method == "POST":
        report = services.generate_supervision(actor=user, unit=user.unit, year=year, request=request)
        return redirect("annual:supervision", pk=report.pk)
    return render(request, "annual/supervision_list.html", {
        "year": year, "reports": selectors.supervision_reports(user, year=year), "may_compile": policy.may_compile(user)})


def _date(value, field):
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput("请填写日期（年-月-日）", field=field) from None


def supervision(request, pk):
    user = request.user
    r = selectors.supervision_report(user, pk)
    error = None
    if request.method == "POST":
        def step(name):
            return lambda: services.supervision_step(actor=user, report=r, name=name, request=request) and ""

        error = _run_action(request, {
            "regenerate": lambda: services.generate_supervision(actor=user, unit=r.unit, year=r.year,
                                                                request=request) and "已重新生成",
            "save": lambda: services.save_supervision_values(actor=user, report=r, data=request.POST,
                                                             request=request) and "已保存",
            "approve": step("approve"), "reopen": step("reopen"), "publish": step("publish"),
            "training": lambda: services.record_training(
                actor=user, unit=r.unit, held_on=_date(request.POST.get("held_on"), "held_on"),
                title=request.POST.get("title", ""), participants=request.POST.get("participants"),
                request=request) and "已登记培训，重新生成报表后计入"})
        if error is None:
            return redirect("annual:supervision", pk=r.pk)
    return render(request, "annual/supervision.html", {
        "r": r, "f": r.figures, "typed": [{**i, "value": r.values.get(i["code"])} for i in items.typed_items()],
        "error": error, "may_compile": policy.may_compile(user, r.unit)}, status=error.http_status if error else 200)


# ---------------------------------------------------------------- public pages (no login): published only

@login_not_required
def public_index(request):
    year = _year(request)
    return render(request, "annual/public_index.html", {"year": year, "columns": selectors.columns(year)})


@login_not_required
def public_column(request, region_pk, year):
    region = Unit.objects.filter(pk=region_pk, depth__lte=2).first()
    if region is None:
        raise NotFound("没有这个年度报表专栏")
    return render(request, "annual/public_column.html", {
        "region": region, "year": year, "reports": selectors.column(region.pk, year),
        "supervision": selectors.region_supervision(region, year)})


@login_not_required
def public_site_report(request, site_code, year):
    r = selectors.published_site_report(site_code, year)
    return render(request, "annual/print.html", {"r": r, "rows": items.rows(r.values), "title": items.spec()["title"],
                                                 "public": True})


@login_not_required
def public_supervision(request, pk):
    r = selectors.published_supervision(pk)
    return render(request, "annual/supervision_public.html", {
        "r": r, "f": r.figures, "typed": [{**i, "value": r.values.get(i["code"])} for i in items.typed_items()]})
