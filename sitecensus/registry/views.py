from datetime import datetime
from functools import partial
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sitecensus.audit.services import record
from sitecensus.orgs import policy as orgs_policy
from sitecensus.core import lifecycle
from sitecensus.core.errors import CensusError, InvalidInput
from sitecensus.core.excel import excel_sheets_response
from sitecensus.core.paging import paginate
from sitecensus.jobs.services import enqueue, latest_job

from . import imports, policy, progress_figures, selectors, services, siteclass
from .export import export_sheets
from .models import ImportBatch, Website
from .life_views import life_context
from .services.changes import LIFE_CHANGES
from .presentation import basic_rows, column_rows, diff_versions, spec_choices
from .webforms import FilingForms

PAGE = 50


def _reviewer(request):
    policy.check_review(request.user)


# ---------------------------------------------------------------- database

def _filters(request):
    g = request.GET
    return dict(query=g.get("q", ""), status=g.get("status", ""), life=g.get("life", ""),
                site_class=g.get("class", ""), region=g.get("region", "").strip())


def site_list(request):
    sites = selectors.website_list(request.user, **_filters(request))
    page = paginate(request, sites, PAGE, {"unit__path": "str", "id": "int"})
    return render(request, "registry/site_list.html", {
        "page": page, "params": request.GET, "statuses": Website.Status.choices, "lives": Website.Life.choices,
        "classes": spec_choices("site_class"),
        "may_file": policy.may_file_new(request.user),
    })


def site_export(request):
    filters = _filters(request)
    sites = selectors.website_list(request.user, **filters)
    if sites.count() > settings.EXPORT_INLINE_MAX:
        # A large scope (a province, the nation) is written by a job; its page offers the file.
        job = enqueue("site_export", actor=request.user, label="导出网站名录（Excel）", params={"filters": filters},
                      total=sites.count())
        return redirect("jobs:job", pk=job.pk)
    record("websites_exported", actor=request.user, request=request, filters=dict(request.GET.items()))
    return excel_sheets_response(f"政府网站-{timezone.localdate():%Y%m%d}.xlsx", export_sheets(sites))


def site_detail(request, pk):
    site = selectors.get_website(request.user, pk)
    user = request.user
    chain = services.review_chain(site.unit)
    pending_here = policy.may_review_now(user, site)
    owner = policy.is_owner(user, site)
    pending_version = selectors.pending_version(site)
    may_edit = owner and site.is_editable and not site.site_code
    return render(request, "registry/site_detail.html", {
        "site": site, "basic": basic_rows(site.data, site), "columns": column_rows(site),
        "history": selectors.history(site), "versions": selectors.versions(site), "chain": chain,
        "pending_here": pending_here, "may_undo": services.may_undo(user, site, chain), "owner": owner,
        "pending_version": pending_version,
        "url_clash": _clash(site, pending_version),
        "twins": _twins(site, pending_version),
        "may_edit": may_edit,
        "incomplete": services.completeness_problems(site) if may_edit else [],
        "may_change": owner and site.site_code and site.is_approved
        and site.may_request_life_change,
        "returned_change": selectors.returned_change(site),
        "lives": [c for c in Website.Life.choices if c[0] != site.life and c[0] in LIFE_CHANGES],
        "may_reset_code": policy.may_reset_code(user, site),
        **life_context(user, site),
    })


def _clash(site, pending_version):
    """What every reviewer is shown: another open site known by this record's homepage
    URL or other domains — as the pending version has them."""
    if site.is_gone:
        return None
    return services.find_clash(services.identity_of(site, pending_version), exclude_pk=site.pk)


def _twins(site, pending_version):
    """Possible duplicates shown to every reviewer: open sites whose address differs only by "www."."""
    if site.is_gone:
        return []
    return services.possible_duplicates(services.identity_of(site, pending_version), exclude_pk=site.pk)


def version_diff(request, pk, number):
    site = selectors.get_website(request.user, pk)
    versions = {v.number: v for v in selectors.versions(site)}
    if number not in versions:
        from sitecensus.core.errors import NotFound

        raise NotFound("版本不存在")
    new = versions[number]
    old = None if new.source == "life" else selectors.diff_base(site, new)
    return render(request, "registry/version_diff.html",
                  {"site": site, "new": new, "old": old, "diff": diff_versions(old, new)})


# ---------------------------------------------------------------- online filing

def _filing_page(request, *, unit, site=None, mode="new"):
    initial_basic = site.data if site else {"competent_unit": unit.name, "site_class": siteclass.default_for(unit)}
    initial_columns = list(site.columns.order_by("position").values()) if site else []
    returned = selectors.returned_change(site) if site is not None and mode == "change" else None
    if returned is not None:  # a returned change request is edited, not restarted
        initial_basic, initial_columns = returned.data, returned.columns
    # 保存草稿 saves whatever is typed (each value's format checked); 报送 and a change need it all.
    draft = mode != "change" and request.POST.get("then") == "save"
    forms_ = FilingForms(request.POST or None, initial_basic=initial_basic, initial_columns=initial_columns,
                         draft=draft)
    if request.method == "POST" and forms_.is_valid():
        filing = forms_.filing()
        try:
            if mode == "change":
                site = services.request_change(actor=request.user, website=site, filing=filing,
                                               note=request.POST.get("note", ""), request=request)
                messages.success(request, "变更申请已提交，待组织单位审核")
            else:
                site = services.save_draft(actor=request.user, unit=unit, filing=filing, website=site,
                                           request=request)
                for twin in services.possible_duplicates(site.data, exclude_pk=site.pk):
                    messages.warning(request, twin.message)  # www. or not: saved, and every reviewer sees it
                if request.POST.get("then") == "submit":
                    services.submit(actor=request.user, website=site, request=request)
                    messages.success(request, "已报送，待组织单位审核")
                else:
                    messages.success(request, "草稿已保存")
            return redirect("registry:site_detail", pk=site.pk)
        except CensusError as error:
            forms_.add_error(error)
    return render(request, "registry/site_form.html", {"forms": forms_, "site": site, "unit": unit, "mode": mode,
                                                       "returned": returned, "draft": draft},
                  status=400 if request.method == "POST" else 200)


def site_new(request):
    unit = request.user.unit
    if not policy.may_file_for(request.user, unit):
        raise policy.FILE.refuse("只能填报本单位的网站")
    return _filing_page(request, unit=unit)


def site_edit(request, pk):
    site = selectors.get_website(request.user, pk)
    if site.site_code:
        return _filing_page(request, unit=site.unit, site=site, mode="change")
    if not policy.may_file_for(request.user, site.unit):
        raise policy.FILE.refuse("只能修改本单位的网站")
    return _filing_page(request, unit=site.unit, site=site, mode="edit")


@require_POST
def site_submit(request, pk):
    site = selectors.get_website(request.user, pk)
    try:
        services.submit(actor=request.user, website=site, request=request)
    except InvalidInput as error:  # an incomplete draft: back to its form, the message names each field
        messages.error(request, error.message)
        return redirect("registry:site_edit", pk=site.pk)
    messages.success(request, "已报送，待组织单位审核")
    return redirect("registry:site_detail", pk=site.pk)


@require_POST
def site_review(request, pk):
    _reviewer(request)
    site = selectors.get_website(request.user, pk)
    return review_decision(request, site, approve=partial(services.approve, website=site),
                           return_record=partial(services.return_record, website=site),
                           undo=partial(services.undo_approval, website=site),
                           approved=lambda record: f"已终审通过，网站标识码 {record.site_code}", returned="已退回填报单位",
                           queue="registry:review_queue", detail="registry:site_detail")


def review_decision(request, record, *, approve, return_record, undo, approved, returned: str, queue: str,
                    detail: str):
    """A reviewer's decision on a record reviewed up the websites' chain (a website, a new-media account):
    approve (on to the level above, or final), return with the reason, or undo the level's approval;
    back to the queue or to the record's page."""
    action = request.POST.get("action")
    if action == "approve":
        record = approve(actor=request.user, request=request)
        messages.success(request, approved(record) if record.is_approved
                         else "已审核通过，报上级审核")
    elif action == "return":
        return_record(actor=request.user, reason=request.POST.get("reason", ""), request=request)
        messages.success(request, returned)
    elif action == "undo":
        undo(actor=request.user, request=request)
        messages.success(request, "已撤销本级审核")
    else:
        raise InvalidInput("未知的审核操作")
    if request.POST.get("next") == "queue":
        return redirect(queue)
    return redirect(detail, pk=record.pk)


class LifeForm(forms.Form):
    life = forms.ChoiceField(label="新的运行状态", choices=Website.Life.choices)
    reason = forms.CharField(label="原因", max_length=300)
    merged_into = forms.CharField(label="整合至（目标网站标识码）", max_length=10, required=False)
    new_url = forms.CharField(label="迁移后的首页网址", max_length=255, required=False)


@require_POST
def site_life(request, pk):
    site = selectors.get_website(request.user, pk)
    form = LifeForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("请选择新的运行状态并填写原因")
    target = None
    if form.cleaned_data["merged_into"]:
        target = Website.objects.filter(site_code=form.cleaned_data["merged_into"].strip()).first()
        if target is None:
            raise InvalidInput(f"网站标识码“{form.cleaned_data['merged_into']}”不存在", field="merged_into")
    services.request_life_change(actor=request.user, website=site, life=form.cleaned_data["life"],
                                 reason=form.cleaned_data["reason"], merged_into=target,
                                 new_url=form.cleaned_data["new_url"], request=request)
    messages.success(request, "状态变更申请已提交，待组织单位审核")
    return redirect("registry:site_detail", pk=site.pk)


@require_POST
def site_verification(request, pk):
    site = selectors.get_website(request.user, pk)
    services.reset_verification_code(actor=request.user, website=site, request=request)
    # The new code goes to the site's 负责人 and 联系人 by mail only: never shown to the operator.
    messages.success(request, "校验码已重置，原校验码即时失效；新的校验码已通过电子邮件发送给网站负责人和联系人")
    return redirect("registry:site_detail", pk=site.pk)


# ---------------------------------------------------------------- review queue

def review_queue(request):
    _reviewer(request)
    q = request.GET.get("q", "")
    changes = request.GET.get("changes") == "1"
    queue = selectors.review_queue(request.user, query=q, changes_only=changes)
    size = int(request.GET["size"]) if request.GET.get("size") in ("50", "100", "200", "500") else PAGE
    page = paginate(request, queue, size, {"submitted_at": "datetime", "id": "int"})
    selectors.mark_possible_duplicates(page.object_list)
    return render(request, "registry/review_queue.html", {"page": page, "q": q, "changes": changes, "size": size,
                                                          "sizes": (50, 100, 200, 500)})


@require_POST
def review_bulk(request):
    _reviewer(request)
    ids = request.POST.getlist("site")
    if request.POST.get("all_matching") == "1":
        # "Select all matching": every record of the filtered queue, not only this page's.
        sites = selectors.review_queue(request.user, query=request.POST.get("q", ""),
                                       changes_only=request.POST.get("changes") == "1")
        ids = ids or ["all"]
    else:
        sites = selectors.review_queue(request.user).filter(pk__in=[i for i in ids if i.isdigit()])
    if not ids:
        messages.warning(request, "请先勾选网站")
        return redirect("registry:review_queue")
    action = "approve" if request.POST.get("action") == "approve" else "return"
    result = services.bulk(actor=request.user, websites=list(sites), action=action,
                           reason=request.POST.get("reason", ""), request=request)
    verb = "审核通过" if action == "approve" else "退回"
    messages.success(request, f"已{verb} {len(result.done)} 个网站")
    for site, why in result.refused:
        messages.warning(request, f"{site.name}：{why}")
    return redirect("registry:review_queue")


# ---------------------------------------------------------------- progress

def progress(request):
    policy.PROGRESS.check(policy.may_see_progress(request.user))
    unit = request.user.unit
    return render(request, "registry/progress.html", {
        "figures": selectors.progress(request.user, unit),
        "more_figures": progress_figures.figures(unit),  # other apps' figures (discovery's 需报送)
        "not_reported": selectors.units_not_reported(unit)[:500],
        "phase": services.inventory_phase(),
    })


@require_POST
def remind(request):
    sent = services.remind_not_reported(actor=request.user, request=request)
    messages.success(request, f"已向未报送单位发送 {sent} 封催报邮件")
    return redirect("registry:progress")


@require_POST
def exception_grant(request):
    unit = orgs_policy.get_visible_unit(request.user, request.POST.get("unit"))
    try:
        until = datetime.strptime(request.POST.get("until", ""), "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput("请填写补报截止日期（年-月-日）", field="until") from None
    kind = request.POST.get("phase") or "inventory"
    if kind not in ("inventory", "selfcheck"):
        raise InvalidInput("补报阶段只能是统计摸底或自查", field="phase")
    services.grant_exception(actor=request.user, unit=unit, until=until, reason=request.POST.get("reason", ""),
                             kind=kind, request=request)
    messages.success(request, f"已批准“{unit.name}”补报至 {until:%Y-%m-%d}")
    return redirect("registry:progress")


# ---------------------------------------------------------------- offline filing

def workbook_download(request, unit_pk):
    unit = orgs_policy.get_visible_unit(request.user, unit_pk)
    policy.WORKBOOK.check(policy.may_download_workbook(request.user, unit))
    data = imports.workbook_for(unit)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(unit.name + '-填报模板.xlsx')}"
    return response


def workbook_check(request):
    """Check filled workbooks in the browser, by the import's own rules, saving nothing."""
    policy.WORKBOOK_CHECK.check(policy.may_check_workbook(request.user))
    error, summary = None, None
    if request.method == "POST":
        files = request.FILES.getlist("files")
        try:
            summary = imports.check_uploads(actor=request.user, uploads=[(f.name, f) for f in files],
                                            request=request)
        except CensusError as exc:
            error = exc.message
    return render(request, "registry/workbook_check.html", {"error": error, "summary": summary},
                  status=400 if error else 200)


def import_upload(request):
    policy.IMPORT.check(policy.may_import(request.user))
    imports.expire_abandoned(request.user)
    error = None
    if request.method == "POST":
        files = request.FILES.getlist("files")
        try:
            batch = imports.receive(actor=request.user, uploads=[(f.name, f) for f in files], request=request)
        except CensusError as exc:
            error = exc.message
        else:
            # The dry run of every workbook is one background job; its page shows the progress.
            job = enqueue("import_dry_run", actor=request.user, label=f"导入预检（批次 {batch.pk}）",
                          params={"batch_id": batch.pk}, total=batch.summary["progress"]["total"],
                          next_url=reverse("registry:import_batch", args=[batch.pk]))
            return redirect("jobs:job", pk=job.pk)
    units = orgs_policy.visible_units(request.user).filter(
        path__startswith=request.user.unit.path, depth=request.user.unit.depth + 1, is_organizer=False,
        closed_at__isnull=True).order_by("path")
    recent = ImportBatch.objects.filter(uploaded_by=request.user).order_by("-created_at")[:10]
    return render(request, "registry/import_upload.html",
                  {"error": error, "units": units, "recent": recent, "limits": imports.LIMITS},
                  status=400 if error else 200)


def import_batch(request, pk):
    imports.expire_abandoned(request.user)
    batch = imports.get_batch(request.user, pk)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            imports.cancel(actor=request.user, batch=batch, request=request)
            messages.success(request, "已取消本次导入，没有保存任何数据")
        else:
            # The confirm runs as a background job (a large batch takes minutes); its page shows progress.
            valid_only = request.POST.get("valid_only") == "1"
            imports.check_committable(batch, valid_only=valid_only)
            job = enqueue("import_commit", actor=request.user, label=f"确认导入（批次 {batch.pk}）",
                          params={"batch_id": batch.pk, "valid_only": valid_only},
                          total=(batch.summary.get("totals") or {}).get("sites", 0),
                          next_url=reverse("registry:import_batch", args=[batch.pk]))
            return redirect("jobs:job", pk=job.pk)
        return redirect("registry:import_batch", pk=batch.pk)
    summary = batch.summary
    totals = summary.get("totals")
    if totals is not None and "valid" not in totals:  # a batch analysed before the count existed
        totals["valid"] = sum(totals.get(k, 0) for k in ("create", "update", "change", "unchanged"))
    return render(request, "registry/import_batch.html", {
        "batch": batch, "summary": summary, "in_analysis": batch.in_analysis,
        "may_confirm": lifecycle.can(batch, "start_commit"),
        "job": latest_job(request.user, "import_dry_run", batch_id=batch.pk) if batch.in_analysis
        else None})
