from datetime import datetime
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sitecensus.audit.history import history
from sitecensus.core.errors import CensusError, InvalidInput, NotFound
from sitecensus.core.excel import excel_sheets_response
from sitecensus.registry import campaigns
from sitecensus.scanner import selectors as scans
from sitecensus.scanner.services import pending_suggestions

from . import policy, selectors, services
from .models import Batch, BatchSite, Notice
from .pdf import notice_pdf
from .presentation import notice_context, notice_sheets, stratum_label
from .views_rounds import rounds_context, site_context


def _batch(request, pk) -> Batch:
    policy.check_organize(request.user)
    batch = Batch.objects.filter(pk=pk, organizer=request.user.unit).first() if str(pk).isdigit() else None
    if batch is None:
        raise NotFound("抽查批次不存在或不在您的权限范围内")
    return batch


def _date(value, field):
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput("请填写日期（年-月-日）", field=field) from None


def batch_list(request):
    policy.check_organize(request.user)
    error = None
    if request.method == "POST":
        try:
            p = request.POST
            batch = services.create_batch(
                actor=request.user, name=p.get("name", ""), strata_by=p.getlist("strata_by"),
                ratio=p.get("ratio") or None, per_stratum=p.get("per_stratum") or None,
                seed=int(p["seed"]) if p.get("seed", "").strip().isdigit() else None,
                window_start=_date(p.get("window_start"), "window_start"),
                window_end=_date(p.get("window_end"), "window_end"), campaign_round=p.get("round") or None,
                request=request)
            return redirect("spotcheck:batch", pk=batch.pk)
        except CensusError as exc:
            error = exc
    return render(request, "spotcheck/batch_list.html", {
        "batches": Batch.objects.filter(organizer=request.user.unit).select_related("round").order_by("-created_at"),
        "strata": services.STRATA, "error": error, "rounds": campaigns.rounds(), "default_round": services.round_for(),
        "by_round": selectors.figures_by_round(request.user.unit), "may_reverify": policy.may_reverify(request.user)},
        status=400 if error else 200)


def batch_detail(request, pk):
    batch = _batch(request, pk)
    sites = batch.sites.select_related("website", "website__unit", "reviewer", "second_reviewer", "scorecard")
    return render(request, "spotcheck/batch.html", {
        "batch": batch, "sites": sites.order_by("stratum", "id")[:1000], "reviewers": services._reviewers(batch),
        "notice": batch.notice, "strata_labels": services.STRATA,
        "history": history(batch),
        "strata_rows": [(stratum_label(k), v) for k, v in (batch.strata or {}).items()],
        **rounds_context(request, batch)})


@require_POST
def batch_action(request, pk):
    batch = _batch(request, pk)
    action = request.POST.get("action")
    if action == "draw":
        batch = services.draw(actor=request.user, batch=batch, request=request)
        messages.success(request, f"已抽取 {batch.sites.count()} 个网站（随机种子 {batch.seed}）")
    elif action == "start":
        services.start(actor=request.user, batch=batch, request=request)
        messages.success(request, "抽查已启动，进入监测")
    elif action == "scan":
        job = services.start_scan(actor=request.user, batch=batch, request=request)
        return redirect("jobs:job", pk=job.pk)
    elif action == "skip_scan":
        services.skip_scan(actor=request.user, batch=batch, reason=request.POST.get("reason", ""), request=request)
        messages.success(request, "已记录不经系统扫描的原因，可以开始复核")
    elif action == "notice":
        services.compose_notice(actor=request.user, batch=batch, request=request)
        return redirect("spotcheck:notice", pk=batch.pk)
    elif action == "publish":
        wanted = request.POST.get("notice", "")  # a correction names itself; else the original
        notice = batch.notices.filter(pk=wanted).first() if wanted.isdigit() else batch.notice
        if notice is None:
            raise InvalidInput("请先生成通报")
        published = services.publish(actor=request.user, notice=notice, request=request)
        messages.success(request, publish_message(published))
        return redirect("spotcheck:notice_detail", pk=notice.pk) if notice.corrects_id else redirect(
            "spotcheck:notice", pk=batch.pk)
    else:
        raise InvalidInput("未知的操作")
    return redirect("spotcheck:batch", pk=batch.pk)


def publish_message(notice) -> str:
    """What publishing actually did, said as it is."""
    issued = getattr(notice, "issued", [])
    units = []
    for rectification in issued:
        if rectification.website.unit.name not in units:
            units.append(rectification.website.unit.name)
    text = "通报已发布，已在普查专题公开"
    if issued:
        named = "、".join(units[:3]) + (f"等 {len(units)} 个单位" if len(units) > 3 else "")
        text += f"；已向{named}下发整改通知 {len(issued)} 份"
    elif getattr(notice, "already_open", 0):
        text += "；未下发新的整改通知：相关问题已有尚未完成的整改通知"
    else:
        text += "；抽查网站均无需整改，未下发整改通知"
    return text


@require_POST
def batch_assign(request, pk):
    batch = _batch(request, pk)
    reviewer = services._reviewers(batch).filter(pk=request.POST.get("reviewer") or 0).first()
    if reviewer is None:
        raise InvalidInput("请选择复核人", field="reviewer")
    count = services.assign(actor=request.user, batch=batch, reviewer=reviewer,
                            region=request.POST.get("region", "").strip(), request=request)
    messages.success(request, f"已为 {count} 个网站指定复核人 {reviewer.username}")
    return redirect("spotcheck:batch", pk=batch.pk)


def site_review(request, pk):
    bsite = BatchSite.objects.filter(pk=pk, batch__organizer=request.user.unit).select_related(
        "batch", "website").first() if str(pk).isdigit() else None
    if bsite is None or not policy.may_open_site(request.user, bsite):
        raise NotFound("抽查网站不存在或不在您的权限范围内")
    if request.method == "POST":
        if request.POST.get("action") == "sign":
            services.sign_off(actor=request.user, bsite=bsite, request=request)
            messages.success(request, "已签发")
            return redirect("spotcheck:batch", pk=bsite.batch_id)
        card = services.review_card(actor=request.user, bsite=bsite, request=request)
        return redirect("scoring:card", pk=card.pk)
    latest = scans.latest(bsite.website)
    card = bsite.scorecard
    # The scanner's findings are offered as data: accepted into the re-check card or rejected with a reason.
    decidable = card is not None and card.is_draft and card.scorer_unit_id == request.user.unit_id
    summary = latest.summary if latest is not None else {}
    return render(request, "spotcheck/site.html", {
        "bsite": bsite, "latest": latest, "undetermined": scans.undetermined(bsite.website),
        "suggestions": pending_suggestions(bsite.website, rubric_code=card.rubric.code if card else None),
        "decidable": decidable, "findings": summary.get("findings", []),
        "veto_evidence": summary.get("veto_evidence", []), **site_context(request, bsite)})


def _notice(request, pk) -> Notice:
    notice = _batch(request, pk).notice
    if notice is None:
        raise NotFound("通报尚未生成")
    return notice


def _render_notice(request, notice, error=None):
    return render(request, "spotcheck/notice.html", notice_context(
        notice, corrections=notice.corrections.order_by("pk"), error=error,
        may_correct=notice.corrects_id is None and notice.is_published),
        status=400 if error else 200)


def notice_page(request, pk):
    return _render_notice(request, _notice(request, pk))


def _own_notice(request, pk) -> Notice:
    """Any notice of the user's batches by its own number (a correction has no page of its batch)."""
    policy.check_organize(request.user)
    notice = Notice.objects.filter(pk=pk, batch__organizer=request.user.unit).select_related(
        "batch", "corrects").first()
    if notice is None:
        raise NotFound("通报不存在或不在您的权限范围内")
    return notice


def notice_detail(request, pk):
    return _render_notice(request, _own_notice(request, pk))


@require_POST
def notice_correct(request, pk):
    """A correction of the batch's published notice, with its reason."""
    notice = _notice(request, pk)
    try:
        correction = services.compose_correction(actor=request.user, notice=notice,
                                                 reason=request.POST.get("reason", ""), request=request)
    except InvalidInput as exc:
        return _render_notice(request, notice, error=exc)
    messages.success(request, "更正通报已生成，请核对后发布")
    return redirect("spotcheck:notice_detail", pk=correction.pk)


def _excel(notice):
    """Every sheet of the notice: figures, unqualified sites, typical problems, all sampled sites."""
    return excel_sheets_response(f"{notice.title}.xlsx", notice_sheets(notice))


def _pdf(notice):
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(notice.title + '.pdf')}"
    return response


def notice_excel(request, pk):
    return _excel(_notice(request, pk))


def notice_pdf_view(request, pk):
    return _pdf(_notice(request, pk))


def notice_detail_excel(request, pk):
    return _excel(_own_notice(request, pk))


def notice_detail_pdf(request, pk):
    return _pdf(_own_notice(request, pk))
