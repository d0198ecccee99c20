from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sitecensus.core.errors import CensusError, NotFound
from sitecensus.jobs.services import enqueue
from sitecensus.registry import policy as registry_policy
from sitecensus.scoring import selectors as scoring_selectors
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import Scorecard
from sitecensus.scoring.rubric import load_rubric, rubric_codes
from sitecensus.scoring.views import raw_entries_from, render_card

from . import policy, selectors, services
from .models import ScanRun, Suggestion


def site_page(request, pk):
    site = registry_policy.get_visible_website(request.user, pk)
    latest = selectors.latest(site)
    older = False
    if str(request.GET.get("scan", "")).isdigit():
        # A history row opens that older scan (of this site only).
        chosen = site.scans.filter(pk=int(request.GET["scan"])).first()
        if chosen is None:
            raise NotFound("扫描记录不存在")
        older, latest = chosen.pk != (latest.pk if latest else None), chosen
    by_day = selectors.availability_by_day(site)
    columns = selectors.columns_latest(latest)
    availability_chart = {
        "tooltip": {"trigger": "axis"}, "grid": {"left": 50, "right": 20, "top": 30, "bottom": 30},
        "xAxis": {"type": "category", "data": [d["day"] for d in by_day]},
        "yAxis": {"type": "value", "name": "失败比例（%）", "min": 0},
        "series": [{"type": "line", "name": "打不开的比例", "data": [d["share"] for d in by_day],
                    "markLine": {"data": [{"yAxis": 5, "name": "否决线 5%"}], "symbol": "none"}}],
    }
    as_of = latest.as_of if latest else None
    freshness_chart = {
        "tooltip": {}, "grid": {"left": 140, "right": 20, "top": 20, "bottom": 30},
        "xAxis": {"type": "value", "name": "天"},
        "yAxis": {"type": "category", "data": [c.name for c in columns]},
        "series": [{"type": "bar", "name": "距最新信息天数",
                    "data": [(as_of - c.latest_date).days if (as_of and c.latest_date) else None for c in columns]}],
    }
    return render(request, "scanner/site.html", {
        "site": site, "latest": latest, "older": older, "by_day": by_day, "columns": columns,
        "dead_links": latest.dead_links.all()[:300] if latest else [], "history": selectors.history(site),
        "availability": services.availability(site), "charts": {"availability": availability_chart,
                                                                 "freshness": freshness_chart},
        "may_scan": policy.may_scan(request.user),
        "suggestions": _named(services.pending_suggestions(site)), "undetermined": selectors.undetermined(site),
        "compliance_items": selectors.compliance_items(latest),
    })


def _named(suggestions):
    """Suggestions with their indicator's name (never a bare code like A2)."""
    names = {}
    for code in rubric_codes():
        names[code] = {i.code: i.name for i in load_rubric(code).indicators}
    out = list(suggestions)
    for s in out:
        s.indicator_name = names.get(s.rubric_code, {}).get(s.indicator, "")
    return out


@require_POST
def scan_now(request, pk):
    """Start a scan of one site in the background and follow its progress."""
    policy.check_scan(request.user)
    site = registry_policy.get_visible_website(request.user, pk)
    run = services.start_run(ScanRun.Kind.SCAN, 1, trigger="manual", requested_by=request.user)
    enqueue("site_scan", actor=request.user, label=f"扫描网站：{site.name}",
            params={"website_ids": [site.pk], "run_id": run.pk}, total=1)
    return redirect("scanner:run", pk=run.pk)


def _run(request, pk) -> ScanRun:
    run = ScanRun.objects.filter(pk=pk, requested_by=request.user).first() if str(pk).isdigit() else None
    if run is None:
        raise NotFound("扫描任务不存在或不在您的权限范围内")
    return run


def run_page(request, pk):
    run = _run(request, pk)
    site = run.site_scans.select_related("website").first()
    return render(request, "scanner/run.html", {"run": run, "site": site.website if site else None})


def run_status(request, pk):
    run = _run(request, pk)
    scan = run.site_scans.first()
    return JsonResponse({"status": run.status, "label": run.get_status_display(), "done": run.done,
                         "total": run.total, "error": run.error,
                         "site": scan.website_id if scan else None})


@require_POST
def decide(request, pk):
    suggestion = Suggestion.objects.filter(pk=pk, website__in=registry_policy.visible_websites(request.user)).first() \
        if str(pk).isdigit() else None
    if suggestion is None:
        raise NotFound("扫描建议不存在或不在您的权限范围内")
    accept = request.POST.get("accept") == "1"
    reason = request.POST.get(f"reason-{suggestion.pk}") or request.POST.get("reason", "")
    typed = None
    # The card deciding: the one named (a spot-check card on the re-check page), else the inspection card.
    named = request.POST.get("card", "")
    chosen = Scorecard.objects.filter(pk=named, website_id=suggestion.website_id).first() if named.isdigit() else None
    card = chosen or scoring_selectors.card(suggestion.website, Scorecard.Stage.INSPECTION)
    if any(key.startswith("e-") for key in request.POST):
        # Sent from the card with everything typed so far: kept, not lost.
        if card is not None:
            typed = raw_entries_from(request.POST, scoring_services.rubric_of(card))
    try:
        if suggestion.kind == Suggestion.Kind.COMPLIANCE:
            if card is None:
                raise NotFound("请在自查或检查评分表中处理合规提示")
            decided = services.decide_compliance(actor=request.user, suggestion=suggestion, card=card,
                                                 accept=accept, reason=reason, typed=typed, request=request)
        else:
            decided = services.decide(actor=request.user, suggestion=suggestion, accept=accept, reason=reason,
                                      typed=typed, request=request, card=chosen)
    except CensusError as error:
        if typed is None:
            raise
        return render_card(request, card, typed=typed, error=error)
    messages.success(request, f"已{'采纳' if accept else '不采纳'}"
                              f"{'合规提示' if decided.kind == Suggestion.Kind.COMPLIANCE else '扫描建议'}：{decided.summary}")
    if request.POST.get("back") == "card" and decided.scorecard_id:
        return redirect("scoring:card", pk=decided.scorecard_id)
    back = request.POST.get("back", "")
    if back.startswith("spotcheck-") and back[10:].isdigit():
        return redirect("spotcheck:site", pk=int(back[10:]))
    return redirect("scanner:site", pk=suggestion.website_id)
