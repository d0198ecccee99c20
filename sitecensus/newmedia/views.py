"""Pages of the 政务新媒体 registry: thin views over the services, selectors and policies."""

from __future__ import annotations

from functools import lru_cache, partial
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sitecensus.core.errors import CensusError, InvalidInput
from sitecensus.core.excel import excel_response
from sitecensus.core.paging import paginate
from sitecensus.orgs import policy as orgs_policy
from sitecensus.registry.services.chain import review_chain
from sitecensus.registry.specforms import form_class
from sitecensus.registry.views import review_decision

from . import policy, rules, selectors, services
from .models import MediaAccount
from .workbook import workbook_for

PAGE = 50
PROBLEMS_SHOWN = 100
PROBLEM_COLUMNS = ("media_code", "platform", "name", "unit__name", "life_on", "life_reason", "last_post_on")  # each problem list shows its first accounts (filing order); the list page filters and exports
EXPORT_HEAD = ["登记编号", "填报单位", "平台", "账号名称", "账号ID", "公开页面网址", "主办单位", "认证主体", "是否已认证",
               "运维单位", "开设日期", "审核状态", "账号状态", "状态说明", "最近发布日期"]


def _filters(request):
    g = request.GET
    return dict(query=g.get("q", ""), platform=g.get("platform", ""), status=g.get("status", ""),
                life=g.get("life", ""), region=g.get("region", ""))


def account_list(request):
    policy.FILE.check(policy.may_see_accounts(request.user), "只有单位的业务账号可以查看政务新媒体")
    accounts = selectors.account_list(request.user, **_filters(request))
    if request.GET.get("export") == "1":
        rows = ((a.media_code or "", a.unit.name, a.platform, a.name, a.account_id, a.url, a.host_unit,
                 a.certified_subject, "是" if a.is_certified else "否", a.operator_unit, a.opened_on,
                 a.get_status_display(), a.get_life_display(), a.life_reason, a.last_post_on)
                for a in accounts.iterator(chunk_size=2000))
        return excel_response(f"政务新媒体-{timezone.localdate():%Y%m%d}.xlsx", "政务新媒体", EXPORT_HEAD, rows)
    page = paginate(request, accounts, PAGE, {"unit__path": "str", "id": "int"})
    return render(request, "newmedia/account_list.html", {
        "page": page, "params": request.GET, "platforms": rules.platform_names(),
        "statuses": MediaAccount.Status.choices, "lives": MediaAccount.Life.choices,
        "may_file": policy.may_file_new(request.user), "may_review": policy.may_review(request.user),
        "may_see_problems": policy.may_see_problems(request.user)})


@lru_cache(maxsize=1)
def _form_class():
    return form_class(rules.form())


def _form_page(request, *, unit, account=None):
    Form = _form_class()
    draft = request.POST.get("then") == "save"
    initial = services.as_values(account) if account else {"host_unit": unit.name, "operator_unit": unit.name}
    initial = {k: ("是" if v is True else "否" if v is False else v) for k, v in initial.items()}
    form = Form(request.POST or None, initial=initial, draft=draft)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.save_draft(actor=request.user, unit=unit, values=form.cleaned_data, account=account,
                                          request=request)
            for flag in selectors.flags(account):
                messages.warning(request, flag.message)
            if request.POST.get("then") == "submit":
                services.submit(actor=request.user, account=account, request=request)
                messages.success(request, "已报送，待组织单位审核")
            else:
                messages.success(request, "草稿已保存")
            return redirect("newmedia:detail", pk=account.pk)
        except CensusError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(request, "newmedia/account_form.html", {"form": form, "account": account, "unit": unit},
                  status=400 if request.method == "POST" else 200)


def account_new(request):
    policy.check_file(request.user, request.user.unit)
    return _form_page(request, unit=request.user.unit)


def account_edit(request, pk):
    account = policy.get_visible_account(request.user, pk)
    policy.check_file(request.user, account.unit)
    return _form_page(request, unit=account.unit, account=account)


def account_detail(request, pk):
    account = policy.get_visible_account(request.user, pk)
    user = request.user
    chain = review_chain(account.unit)
    owner = policy.is_owner(user, account)
    return render(request, "newmedia/account_detail.html", {
        "account": account, "values": [(f.label, getattr(account, f.code)) for f in rules.form().fields],
        "flags": selectors.flags(account), "history": selectors.history(account), "chain": chain,
        "pending_here": policy.may_review_now(user, account),
        "may_undo": account.in_review and policy.may_undo(user, account,
                                                                                         [u.pk for u in chain]),
        "may_edit": owner and account.is_editable,
        "may_request": policy.may_change(user, account) and account.is_approved
        and not account.is_cancelled,
        "requests": MediaAccount.Request.choices, "today": timezone.localdate(),
        "pending_label": MediaAccount.Request(account.pending["kind"]).label if account.pending.get("kind") else ""})


@require_POST
def account_submit(request, pk):
    account = policy.get_visible_account(request.user, pk)
    try:
        services.submit(actor=request.user, account=account, request=request)
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect("newmedia:edit", pk=account.pk)
    messages.success(request, "已报送，待组织单位审核")
    return redirect("newmedia:detail", pk=account.pk)


@require_POST
def account_review(request, pk):
    policy.check_review(request.user)
    account = policy.get_visible_account(request.user, pk)
    return review_decision(request, account, approve=partial(services.approve, account=account),
                           return_record=partial(services.return_record, account=account),
                           undo=partial(services.undo_approval, account=account),
                           approved=lambda record: f"已终审通过，登记编号 {record.media_code}", returned="已退回",
                           queue="newmedia:queue", detail="newmedia:detail")


class LifeForm(forms.Form):
    kind = forms.ChoiceField(label="申请类型", choices=MediaAccount.Request.choices)
    reason = forms.CharField(label="原因", max_length=300)
    on = forms.DateField(label="日期", required=False)


@require_POST
def account_life(request, pk):
    account = policy.get_visible_account(request.user, pk)
    form = LifeForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("请选择申请类型（变更、关停或注销），填写原因和日期（如 2026-06-30）")
    values = services.as_values(account)
    if form.cleaned_data["kind"] == "change":
        values = {**values, **{k: request.POST[k] for k in services.FIELDS if k in request.POST}}
    services.request_life(actor=request.user, account=account, kind=form.cleaned_data["kind"],
                          reason=form.cleaned_data["reason"], on=form.cleaned_data["on"], values=values,
                          request=request)
    messages.success(request, "申请已提交，待组织单位审核")
    return redirect("newmedia:detail", pk=account.pk)


def review_queue(request):
    policy.check_review(request.user)
    q = request.GET.get("q", "")
    page = paginate(request, selectors.review_queue(request.user, query=q), PAGE,
                    {"submitted_at": "datetime", "id": "int"})
    return render(request, "newmedia/review_queue.html", {"page": page, "q": q})


def workbook_download(request, unit_pk):
    unit = orgs_policy.get_visible_unit(request.user, unit_pk)
    policy.IMPORT.check(policy.may_download_workbook(request.user, unit))
    response = HttpResponse(workbook_for(unit),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(unit.name + '-填报模板（含政务新媒体）.xlsx')}"
    return response


def import_upload(request):
    """Upload a unit's workbook: its 政务新媒体 sheet is imported whole or not at all."""
    policy.FILE.check(policy.may_see_accounts(request.user), "只有单位的业务账号可以导入政务新媒体")
    problems, error, counts = [], None, None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput("请选择要导入的 Excel 文件", field="file")
            counts = services.import_sheet(actor=request.user, data=upload.read(), filename=upload.name,
                                           request=request)
        except services.ImportRefused as refused:
            error, problems = refused.message, refused.problems
        except CensusError as exc:
            error = exc.message
    return render(request, "newmedia/import.html", {"error": error, "problems": problems, "counts": counts,
                                                    "unit": request.user.unit},
                  status=400 if error else 200)


def problems(request):
    policy.FILE.check(policy.may_see_problems(request.user), "只有组织单位可以查看问题账号")
    return render(request, "newmedia/problems.html", {
        # Only the columns the lists show (no JSON read back), each row's link from one reversed prefix.
        "closed": selectors.closed_not_cancelled(request.user).only(*PROBLEM_COLUMNS)[:PROBLEMS_SHOWN],
        "stale": selectors.not_updated(request.user).only(*PROBLEM_COLUMNS)[:PROBLEMS_SHOWN],
        "detail": reverse("newmedia:detail", args=[0]).removesuffix("0/"), "days": rules.stale_days(),
        "shown": PROBLEMS_SHOWN})


def statistics(request):
    policy.FILE.check(policy.may_see_problems(request.user), "只有组织单位可以查看政务新媒体统计")
    depth = min(request.user.unit.depth + 1, 5)
    return render(request, "newmedia/statistics.html", {
        "platforms": selectors.by_platform(request.user, region=request.GET.get("region", "")),
        "regions": selectors.by_region(request.user, depth=depth), "region": request.GET.get("region", "")})
