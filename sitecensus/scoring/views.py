from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sitecensus.newmedia import policy as media_policy
from sitecensus.registry import policy as registry_policy
from sitecensus.core import jsonbody
from sitecensus.core.errors import CensusError, InvalidInput, InvalidState
from sitecensus.core.excel import excel_response
from sitecensus.registry.services import active_websites

from . import attachments as evidence
from . import cardkinds, policy, selectors, services
from .models import Rectification, Scorecard

PAGE = 50
S = Scorecard.Stage


def index(request):
    user = request.user
    context = {"may_report_upward": policy.may_report_upward(user)}
    if policy.has_own_sites(user):
        own = registry_policy.visible_websites(user).filter(pk__in=active_websites())
        if policy.own_sites_of_unit(user):
            own = own.filter(unit=user.unit)
        own = own.prefetch_related(Prefetch("scorecards", to_attr="self_cards",
                                            queryset=Scorecard.objects.filter(stage=S.SELF).order_by("-id")))
        context["own"] = [(site, site.self_cards[0] if site.self_cards else None)
                          for site in own.order_by("id")[:200]]
    if policy.has_inspection_queue(user):
        queue = selectors.inspection_queue(user.unit)
        context["queue"] = Paginator(queue, PAGE).get_page(request.GET.get("page"))
        context["overdue"] = selectors.selfcheck_overdue(user.unit)[:200]
        context["in_progress"] = selectors.inspections_in_progress(user.unit)
    return render(request, "scoring/index.html", context)


@require_POST
def start_self_check(request, site_pk):
    site = registry_policy.get_visible_website(request.user, site_pk)
    card = services.open_self_check(actor=request.user, website=site, request=request)
    return redirect("scoring:card", pk=card.pk)


@require_POST
def start_inspection(request, site_pk):
    site = registry_policy.get_visible_website(request.user, site_pk)
    card = services.open_inspection(actor=request.user, website=site, reason=request.POST.get("reason", ""),
                                    request=request)
    return redirect("scoring:card", pk=card.pk)


def raw_entries_from(post, rubric) -> dict:
    """The card page's inputs (e-<code>-<part>) as raw entries per indicator."""
    raw = {}
    for indicator in rubric.indicators:
        prefix = f"e-{indicator.code}-"
        entry = {"evidence": [line.strip() for line in post.get(prefix + "evidence", "").splitlines()],
                 "note": post.get(prefix + "note", "")}
        if indicator.kind == "veto":
            entry["veto"] = post.get(prefix + "veto") == "1"
        elif indicator.kind == "veto_counts":
            entry["counts"] = {c.code: post.get(f"{prefix}counts-{c.code}", "") for c in indicator.counts}
        elif indicator.kind == "band":
            entry["value"] = post.get(prefix + "value", "")
        else:
            entry["count"] = post.get(prefix + "count", "")
        raw[indicator.code] = entry
    return raw


def _rows(rubric, entries: dict, other: dict | None, deductions: dict):
    """Indicators with this card's entry, the other card's (self-check beside the
    inspection) and whether they differ."""
    rows = []
    for indicator in rubric.indicators:
        mine, theirs = entries.get(indicator.code) or {}, (other or {}).get(indicator.code) or {}
        keys = ("veto", "count", "value", "counts")
        differs = other is not None and any((mine.get(k) or None) != (theirs.get(k) or None) for k in keys)
        rows.append({"i": indicator, "e": mine, "other": theirs if other is not None else None,
                     "differs": differs, "points": deductions.get(indicator.code),
                     "evidence": "\n".join(mine.get("evidence") or [])})
    return rows


def card_page(request, pk, kind="site"):
    """A card's page (a website's or, kind "media", a new-media account's): save, upload evidence, submit."""
    kinds = cardkinds.KINDS[kind]
    card = kinds.get(request.user, pk)
    rubric = services.rubric_of(card)
    if request.method == "POST":
        raw = raw_entries_from(request.POST, rubric)
        uploads = request.FILES.getlist("files")
        submit = request.POST.get("action") == "submit"
        try:
            services.save_card_page(actor=request.user, card=card, raw_entries=raw, uploads=uploads,
                                    indicator=request.POST.get("files-indicator", ""), submit=submit,
                                    request=request)
            messages.success(request, "评分表已提交" if submit else "已保存")
            return redirect(kinds.url, pk=card.pk)
        except CensusError as exc:
            return render_card(request, card, typed=raw, error=exc)
    return render_card(request, card)


def render_card(request, card, *, typed: dict | None = None, error=None):
    """The card page; with `typed`, the values as the person typed them (an
    error never loses what was typed)."""
    kinds = cardkinds.kind_of(card)
    rubric = services.rubric_of(card)
    if typed is not None:
        entries = {code: {"veto": r.get("veto"), "count": r.get("count"), "value": r.get("value"),
                          "counts": r.get("counts"), "evidence": r.get("evidence"), "note": r.get("note")}
                   for code, r in typed.items()}
    else:
        entries = kinds.entries(card)
    card.refresh_from_db()
    self_card = kinds.self_card(card)
    other = kinds.entries(self_card) if card.stage == S.INSPECTION else None
    deductions = kinds.deductions(card)
    self_deductions = kinds.deductions(self_card) if self_card else {}
    editable = kinds.editable(request.user, card)
    # Panels of the apps above scoring (the scanner's suggestions and 无法判定 checks).
    extra = {"suggestions": [], "undetermined": [], **kinds.panels(card, rubric, editable)}
    rows = _rows(rubric, entries, other, deductions)
    for row in rows:
        row["other_points"] = self_deductions.get(row["i"].code)
    names = {i.code: i.name for i in rubric.indicators}
    files = [(f, names.get(f.indicator, "")) for f in evidence.of_card(card)]
    self_files = [(f, names.get(f.indicator, "")) for f in evidence.of_card(self_card)] if self_card else []
    return render(request, "scoring/card.html", {
        **extra, "self_card": self_card, "kind": kinds, "subject": kinds.subject(card),
        "files": files, "self_files": self_files, "max_mb": settings.EVIDENCE_MAX_BYTES // 1024 // 1024,
        "card": card, "rubric": rubric, "rows": rows, "error": error,
        "unconfirmed_count": sum(1 for r in rows if not r["i"].confirmed),
        "editable": editable, "rectifications": card.rectifications.all() if kinds.code == "site" else [],
        "may_rectify": kinds.may_rectify(request.user, card),
        "today": timezone.localdate(),
    }, status=400 if error else 200)


def card_print(request, pk, kind="site"):
    """The card as it is printed, signed and sealed."""
    from .printing import SIGNATURES, card_rows

    kinds = cardkinds.KINDS[kind]
    card = kinds.get(request.user, pk)
    return render(request, "scoring/card_print.html", {
        "card": card, "kind": kinds, "subject": kinds.subject(card), "title": kinds.title(card),
        "rubric": services.rubric_of(card), "rows": card_rows(card),
        "files": evidence.of_card(card), "signatures": SIGNATURES})


def card_pdf(request, pk, kind="site"):
    from urllib.parse import quote

    from django.http import HttpResponse

    from .printing import card_pdf as build

    kinds = cardkinds.KINDS[kind]
    card = kinds.get(request.user, pk)
    response = HttpResponse(build(card, evidence.of_card(card)), content_type="application/pdf")
    filename = f"{kinds.subject(card).name}-{kinds.title(card)}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _result_json(result):
    return {"result": result.result, "score": str(result.score) if result.score is not None else None,
            "vetoes": result.vetoes, "deductions": {k: str(v) for k, v in result.deductions.items()},
            "bonus": str(result.bonus)}


@require_POST
def card_preview(request, pk, kind="site"):
    """The score as the person types (nothing saved)."""
    kinds = cardkinds.KINDS[kind]
    card = kinds.get(request.user, pk)
    try:
        result = kinds.preview(card, raw_entries_from(request.POST, services.rubric_of(card)))
    except CensusError as exc:
        return JsonResponse({"error": exc.message, "field": exc.field}, status=400)
    return JsonResponse(_result_json(result))


def card_api(request, pk):
    """JSON: GET the entries; POST {"entries": {...}, "submit": false} to save (or submit)."""
    card = selectors.get_visible_scorecard(request.user, pk)
    if request.method == "POST":
        try:
            body = jsonbody.parse_object(request.body)
            raw = body.get("entries") or {}
            if not isinstance(raw, dict):
                raise InvalidInput("entries 应为对象")
            if jsonbody.boolean(body, "submit"):
                services.submit_card(actor=request.user, card=card, raw_entries=raw, request=request)
            else:
                services.save_entries(actor=request.user, card=card, raw_entries=raw, request=request)
        except (ValueError, AttributeError):
            return JsonResponse({"error": "请求内容不是有效的 JSON"}, status=400)
        except CensusError as exc:
            return JsonResponse({"error": exc.message, "field": exc.field}, status=exc.http_status)
        card.refresh_from_db()
    return JsonResponse({"id": card.pk, "stage": card.stage, "status": card.status, "result": card.result,
                         "score": str(card.score) if card.score is not None else None,
                         "entries": selectors.entries_of(card)})


@require_POST
def rectify(request, pk):
    card = selectors.get_visible_scorecard(request.user, pk)
    try:
        deadline = datetime.strptime(request.POST.get("deadline", ""), "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput("请填写整改期限（年-月-日）", field="deadline") from None
    notice = services.issue_rectification(actor=request.user, card=card, indicator=request.POST.get("indicator", ""),
                                          requirement=request.POST.get("requirement", ""), deadline=deadline,
                                          request=request)
    messages.success(request, f"已下发整改通知：{notice.indicator_name}")
    return redirect("scoring:card", pk=card.pk)


def rectification_list(request):
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    notices = selectors.rectifications(request.user, status=status, overdue=overdue)
    page = Paginator(notices, PAGE).get_page(request.GET.get("page"))
    return render(request, "scoring/rectification_list.html", {
        "page": page, "status": status, "overdue": overdue, "statuses": Rectification.Status.choices,
        "today": timezone.localdate(), "may_remind": policy.may_remind(request.user)})


RECT_HEADERS = ["网站标识码", "网站名称", "填报单位", "问题", "整改要求", "整改期限", "状态", "下发单位", "反馈时间"]


def rectification_export(request):
    notices = selectors.rectifications(request.user, status=request.GET.get("status", ""),
                                       overdue=request.GET.get("overdue") == "1")
    rows = ([n.website.site_code, n.website.name, n.website.unit.name, n.indicator_name, n.requirement, n.deadline,
             n.get_status_display(), n.issuer_unit.name, n.answered_at] for n in notices.iterator(chunk_size=2000))
    return excel_response(f"整改通知-{timezone.localdate():%Y%m%d}.xlsx", "整改通知", RECT_HEADERS, rows)


def _rect_context(request, notice, **extra):
    today = timezone.localdate()
    return {"notice": notice, "events": notice.events.select_related("actor__unit"),
            "owner": services.may_self_check(request.user, notice.website),
            "issuer": notice.issuer_unit_id == request.user.unit_id,
            "phase": services.rectification_phase(notice), "overdue": today > notice.deadline,
            "may_allow_late": policy.may_allow_late_answer(request.user, notice) and today > notice.deadline
            and not notice.is_closed,
            "files": evidence.of_rectification(notice), **extra}


def rectification_detail(request, pk):
    notice = selectors.get_rectification(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer":
                services.answer_rectification(actor=request.user, notice=notice, answer=request.POST.get("answer", ""),
                                              evidence=request.POST.get("evidence", "").splitlines(),
                                              files=request.FILES.getlist("files"), request=request)
                messages.success(request, "整改情况已反馈")
            elif action == "allow_late":
                try:
                    until = datetime.strptime(request.POST.get("until", ""), "%Y-%m-%d").date()
                except ValueError:
                    raise InvalidInput("请填写补报截止日期（年-月-日）", field="until") from None
                services.allow_late_answer(actor=request.user, notice=notice, until=until,
                                           reason=request.POST.get("reason", ""), request=request)
                messages.success(request, f"已批准“{notice.website.unit.name}”于 {until:%Y-%m-%d} 前逾期反馈")
            elif action in ("close", "reopen"):
                services.recheck_rectification(actor=request.user, notice=notice, close=action == "close",
                                               comment=request.POST.get("comment", ""), request=request)
                messages.success(request, "已完成复查" if action == "close" else "已退回重新整改")
            else:
                raise InvalidInput("未知的操作")
        except CensusError as exc:
            # What was typed stays in the form (files must be chosen again: browsers never refill them).
            return render(request, "scoring/rectification_detail.html", _rect_context(
                request, notice, error=exc, typed={k: request.POST.get(k, "") for k in ("answer", "evidence",
                                                                                       "comment")}),
                status=exc.http_status)
        return redirect("scoring:rectification_detail", pk=notice.pk)
    return render(request, "scoring/rectification_detail.html", _rect_context(request, notice, typed={}))


def _result_filters(request):
    return dict(result=request.GET.get("result", ""), indicator=request.GET.get("indicator", ""),
                stage=request.GET.get("stage", S.INSPECTION))


def result_list(request):
    cards = selectors.results(request.user, **_result_filters(request))
    table = services.current_table()
    return render(request, "scoring/result_list.html", {
        "page": Paginator(cards, PAGE).get_page(request.GET.get("page")), "params": request.GET,
        "indicators": services.rubric_of_table(table).indicators, "stages": Scorecard.Stage.choices,
        "results": ["合格", "不合格", "单项否决"]})


RESULT_HEADERS = ["网站标识码", "网站名称", "填报单位", "环节", "评分单位", "得分", "结果", "提交时间", "逾期"]


def result_export(request):
    cards = selectors.results(request.user, **_result_filters(request))
    rows = ([c.website.site_code, c.website.name, c.website.unit.name, c.get_stage_display(), c.scorer_unit.name,
             float(c.score) if c.score is not None else "", c.result, c.submitted_at, c.is_late]
            for c in cards.iterator(chunk_size=2000))
    return excel_response(f"检查结果-{timezone.localdate():%Y%m%d}.xlsx", "检查结果", RESULT_HEADERS, rows)


def _names(table=None) -> dict:
    table = table or services.current_table()
    return {i.code: i.name for i in services.rubric_of_table(table).indicators}


def _problems(figures: dict, names: dict) -> list[tuple[str, int]]:
    """The problem breakdown by indicator name (never a bare code)."""
    return [(names.get(code, code), n) for code, n in (figures.get("problems") or {}).items()]


def report(request):
    policy.REPORT.check(policy.may_report_upward(request.user))
    unit = request.user.unit

    national = unit.depth == 1
    campaign = services._campaign()
    existing = selectors.current_report(unit, campaign)
    withdrawal = selectors.last_withdrawal(unit, campaign)
    if existing is None and withdrawal is None:
        existing = selectors.current_reports().filter(organizer=unit).order_by("-id").first()
    error = None
    if request.method == "POST" and not national:
        try:
            services.save_report(actor=request.user, narrative=request.POST.get("narrative", ""),
                                 submit=request.POST.get("action") == "submit", request=request)
            messages.success(request, "已报送" if request.POST.get("action") == "submit" else "已保存")
            return redirect("scoring:report")
        except CensusError as exc:
            error = exc
    submitted = existing is not None and existing.is_submitted
    if submitted:
        # After submission the page shows what was reported, not today's figures.
        figures = {k: v for k, v in existing.figures.items() if k != "rolled_up"}
        rolled = existing.figures.get("rolled_up") or figures
    else:
        figures = selectors.report_figures(unit)
        rolled = selectors.rolled_up(unit, figures)
    return render(request, "scoring/report.html", {
        "report": existing, "submitted": submitted, "national": national, "withdrawal": withdrawal,
        "may_withdraw": submitted and policy.may_withdraw_report(request.user, existing), "figures": figures, "rolled": rolled,
        "own_problems": _problems(figures, _names()), "rolled_problems": _problems(rolled, _names()),
        "children": selectors.child_reports(unit), "error": error,
        "phase": services.campaign_phase("report")}, status=400 if error else 200)


def report_detail(request, pk):
    """A child's (or grandchild's) submitted report: the figures snapshot, the
    narrative and the problem breakdown."""
    found = selectors.visible_report(request.user, pk)
    rolled = found.figures.get("rolled_up") or found.figures
    withdrawal = getattr(found, "withdrawal", None)  # None: not withdrawn nor returned
    return render(request, "scoring/report_detail.html", {
        "r": found, "figures": found.figures, "rolled": rolled, "withdrawal": withdrawal,
        "may_return": withdrawal is None and policy.may_return_report(request.user, found),
        "own_problems": _problems(found.figures, _names()), "rolled_problems": _problems(rolled, _names()),
        "children": selectors.child_reports(found.organizer)})


@require_POST
def report_withdraw(request, pk):
    """撤回: the sender takes its submitted report back (then prepares and sends a new one)."""
    try:
        services.withdraw_report(actor=request.user, pk=pk, reason=request.POST.get("reason", ""), request=request)
        messages.success(request, "已撤回检查整改情况报告，请修改后重新报送")
    except (InvalidInput, InvalidState) as exc:
        messages.error(request, exc.message)
    return redirect("scoring:report")


@require_POST
def report_return(request, pk):
    """退回: the receiving organizing unit sends a child's report back, with its reason."""
    try:
        services.return_report(actor=request.user, pk=pk, reason=request.POST.get("reason", ""), request=request)
        messages.success(request, "已退回该检查整改情况报告，报送单位将收到退回原因")
    except (InvalidInput, InvalidState) as exc:
        messages.error(request, exc.message)
    return redirect("scoring:report_detail", pk=pk)


COMPARE_HEADERS = ["网站标识码", "网站名称", "填报单位", "自查得分", "自查结果", "检查得分", "检查结果", "差值（检查－自查）"]


def _compare_rows(user):
    for site in selectors.comparison(user).iterator(chunk_size=2000):
        diff = (site.inspection_score - site.self_score
                if site.self_score is not None and site.inspection_score is not None else None)
        yield [site.site_code, site.name, site.unit.name,
               float(site.self_score) if site.self_score is not None else "", site.self_result or "未自查",
               float(site.inspection_score) if site.inspection_score is not None else "",
               site.inspection_result or "未检查", float(diff) if diff is not None else ""]


def compare_list(request):
    """A printable list comparing each site's 自查 and 检查 scores."""
    rows = list(_compare_rows(request.user))
    page = Paginator(rows, 200).get_page(request.GET.get("page"))
    return render(request, "scoring/compare.html", {"page": page, "headers": COMPARE_HEADERS})


def compare_export(request):
    return excel_response(f"自查与检查得分对照-{timezone.localdate():%Y%m%d}.xlsx", "自查与检查对照",
                          COMPARE_HEADERS, _compare_rows(request.user))


# ---------------------------------------------------------------- 政务新媒体: self-check and inspection

def media_index(request):
    """The accounts to self-check (the unit's own) and to inspect (the units directly below), each with its
    card to go on filling; the cards themselves are the websites' card page (kind "media")."""
    user = request.user
    policy.MEDIA_SCORE.check(policy.own_sites_of_unit(user), "只有单位的业务账号可以进行政务新媒体自查和检查")
    context = {"own": selectors.media_self_checks(user.unit)[:500]}
    if policy.has_inspection_queue(user):
        queue = selectors.media_inspection_queue(user.unit)
        context["queue"] = Paginator(queue, PAGE).get_page(request.GET.get("page"))
    return render(request, "scoring/media_index.html", context)


@require_POST
def start_media_card(request, account_pk, stage):
    account = media_policy.get_visible_account(request.user, account_pk)
    card = services.open_media_card(actor=request.user, account=account, stage=stage, request=request)
    return redirect("scoring:media_card", pk=card.pk)


MEDIA_RESULT_HEADERS = ["登记编号", "平台", "账号名称", "填报单位", "环节", "评分单位", "得分", "结果", "否决项",
                        "提交时间"]


def media_results(request):
    """Submitted new-media self-checks and inspections in scope; `?export=1`: the same as Excel."""
    policy.MEDIA_SCORE.check(policy.own_sites_of_unit(request.user), "只有单位的业务账号可以查看政务新媒体检查结果")
    filters = dict(stage=request.GET.get("stage", ""), result=request.GET.get("result", ""))
    cards = selectors.media_results(request.user, **filters)
    if request.GET.get("export") == "1":
        names = _names(services.media_table())
        rows = ([c.account.media_code or "", c.account.platform, c.account.name, c.account.unit.name,
                 c.get_stage_display(), c.scorer_unit.name, float(c.score) if c.score is not None else "", c.result,
                 "、".join(names.get(v, v) for v in c.vetoes), c.submitted_at]
                for c in cards.iterator(chunk_size=2000))
        return excel_response(f"政务新媒体检查结果-{timezone.localdate():%Y%m%d}.xlsx", "政务新媒体检查结果",
                              MEDIA_RESULT_HEADERS, rows)
    return render(request, "scoring/media_results.html", {
        "page": Paginator(cards, PAGE).get_page(request.GET.get("page")), "params": request.GET,
        "stages": [s for s in Scorecard.Stage.choices if s[0] != S.SPOTCHECK], "results": ["合格", "不合格", "单项否决"]})
