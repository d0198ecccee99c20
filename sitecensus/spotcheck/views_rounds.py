"""Pages of the supervision rounds (issue 24): plans of recurring rounds, a province's round
reported up, 国办's list of reported rounds with the re-check, accountability on a site's page."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sitecensus.core.errors import CensusError, InvalidInput, NotFound

from . import policy, selectors, services
from .models import Accountability, Batch, BatchSite, RoundReport, Schedule
from .presentation import stratum_label
from .services import cadence


def rounds_context(request, batch: Batch) -> dict:
    """What the batch page shows of its round: plan and period, the report up and its re-check."""
    report = RoundReport.objects.filter(batch=batch).select_related("reverification").first()
    published = batch.notices.filter(corrects__isnull=True, published_at__isnull=False).exists()
    return {"report_up": report, "may_report_up": (report is None and published and not batch.reverifies_id
                                                   and policy.may_report_up(request.user, batch)),
            "reverified_report": RoundReport.objects.filter(reverification=batch).select_related("batch").first()}


def site_context(request, bsite: BatchSite) -> dict:
    return {"accountability": selectors.accountability_for_site(bsite.website),
            "measures": Accountability.Measure.values,
            "may_record_accountability": policy.may_record_accountability(request.user, bsite.website)}


def schedules(request):
    policy.check_organize(request.user)
    error = None
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("action") == "open":
                schedule = Schedule.objects.filter(pk=p.get("schedule") or 0, organizer=request.user.unit).first()
                if schedule is None:
                    raise NotFound("抽查计划不存在或不在您的权限范围内")
                batch = services.open_round(actor=request.user, schedule=schedule,
                                            seed=int(p["seed"]) if p.get("seed", "").strip().isdigit() else None,
                                            request=request)
                messages.success(request, f"已生成“{batch.name}”，抽取 {batch.sites.count()} 个网站（随机种子 {batch.seed}）")
                return redirect("spotcheck:batch", pk=batch.pk)
            services.create_schedule(actor=request.user, name=p.get("name", ""), cadence=p.get("cadence", ""),
                                     strata_by=p.getlist("strata_by"), ratio=p.get("ratio", ""),
                                     stratum_ratios=p.get("stratum_ratios", ""),
                                     every_portal=p.get("every_portal") == "1", request=request)
            messages.success(request, "抽查计划已保存")
            return redirect("spotcheck:schedules")
        except CensusError as exc:
            error = exc
    plans = Schedule.objects.filter(organizer=request.user.unit).order_by("-created_at")
    return render(request, "spotcheck/schedules.html", {
        "schedules": [(s, [(stratum_label(k), v) for k, v in s.stratum_ratios.items()],
                       s.batches.order_by("-created_at")[:6]) for s in plans], "error": error,
        "cadences": Schedule.Cadence.choices, "strata": services.STRATA, "portal_classes": cadence.portal_classes()},
        status=400 if error else 200)


@require_POST
def report_up(request, pk):
    policy.check_organize(request.user)
    batch = Batch.objects.filter(pk=pk, organizer=request.user.unit).first() if str(pk).isdigit() else None
    if batch is None:
        raise NotFound("抽查批次不存在或不在您的权限范围内")
    services.report_up(actor=request.user, batch=batch, request=request)
    messages.success(request, "抽查结果已上报国务院办公厅")
    return redirect("spotcheck:batch", pk=batch.pk)


def reports_up(request):
    """国办: the rounds reported up by the provinces, each with its re-check."""
    reports = selectors.reports_up(request.user)
    error = None
    if request.method == "POST":
        report = reports.filter(pk=request.POST.get("report") or 0).first()
        try:
            if report is None:
                raise NotFound("上报记录不存在")
            seed = request.POST.get("seed", "").strip()
            if seed and not seed.isdigit():
                raise InvalidInput(f"随机种子“{seed}”不是整数", field="seed")
            batch = services.create_reverification(actor=request.user, report=report,
                                                   ratio=request.POST.get("ratio") or None,
                                                   seed=int(seed) if seed else None, request=request)
            messages.success(request, f"已抽取复核样本 {batch.sites.count()} 个（随机种子 {batch.seed}）")
            return redirect("spotcheck:batch", pk=batch.pk)
        except CensusError as exc:
            error = exc
    return render(request, "spotcheck/reports_up.html", {"reports": reports[:200], "error": error,
                                                         "default_ratio": cadence.rules()["reverify_ratio"]},
                  status=400 if error else 200)


@require_POST
def record_accountability(request, pk):
    bsite = BatchSite.objects.filter(pk=pk, batch__organizer=request.user.unit).select_related(
        "batch", "website", "website__unit").first() if str(pk).isdigit() else None
    if bsite is None or not policy.may_open_site(request.user, bsite):
        raise NotFound("抽查网站不存在或不在您的权限范围内")
    p = request.POST
    try:
        decided = datetime.strptime(p.get("decided_at", ""), "%Y-%m-%d").date() if p.get("decided_at") else None
    except ValueError:
        raise InvalidInput("请填写决定日期（年-月-日）", field="decided_at") from None
    services.record_measure(actor=request.user, website=bsite.website, measure=p.get("measure", ""),
                            decided_at=decided, note=p.get("note", ""), persons=p.get("persons") or 1,
                            batch_site=bsite, request=request)
    messages.success(request, "问责记录已保存")
    return redirect("spotcheck:site", pk=bsite.pk)
