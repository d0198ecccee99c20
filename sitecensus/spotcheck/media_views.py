"""The batch's 政务新媒体 pages (issue 22): draw accounts, score a drawn account, sign off or return."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sitecensus.core.errors import InvalidInput, NotFound
from sitecensus.scoring import services as scoring_services

from . import policy
from .models import BatchAccount
from .services import media
from .views import _batch


@require_POST
def media_draw(request, pk):
    batch = _batch(request, pk)
    done = media.draw_accounts(actor=request.user, batch=batch, ratio=request.POST.get("media_ratio") or None,
                               per_stratum=request.POST.get("media_per_stratum") or None, request=request)
    messages.success(request, f"已抽取 {sum(s['sampled'] for s in done.strata.values())} 个政务新媒体账号")
    return redirect("spotcheck:batch", pk=batch.pk)


def _entries(post, rubric) -> dict:
    entries = {}
    for i in rubric.indicators:
        raw = {"evidence": [u for u in post.get(f"evidence_{i.code}", "").split() if u],
               "note": post.get(f"note_{i.code}", "")}
        if i.is_veto:
            raw["veto"] = post.get(f"veto_{i.code}") == "1"
        else:
            text = post.get(f"count_{i.code}", "").strip() or "0"
            if not text.isdigit():
                raise InvalidInput(f"“{i.name}”的数量应为整数：“{text}”", field=i.code)
            raw["count"] = int(text)
        entries[i.code] = raw
    return entries


def media_account(request, pk):
    policy.check_organize(request.user)
    baccount = (BatchAccount.objects.filter(pk=pk, batch__organizer=request.user.unit)
                .select_related("batch", "account", "account__unit", "scorecard", "reviewer").first())
    if baccount is None:
        raise NotFound("抽查的政务新媒体不存在或不在您的权限范围内")
    rubric = scoring_services.rubric_of_table(scoring_services.media_table())
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "score":
            media.review_account(actor=request.user, baccount=baccount, raw_entries=_entries(request.POST, rubric),
                                 request=request)
            messages.success(request, "评分表已提交，待第二复核人签发")
        elif action == "sign":
            media.sign_off_account(actor=request.user, baccount=baccount, request=request)
            messages.success(request, "复核结果已签发")
        elif action == "return":
            media.return_account(actor=request.user, baccount=baccount, reason=request.POST.get("reason", ""),
                                 request=request)
            messages.success(request, "已退回复核人重新评分")
        else:
            raise InvalidInput("未知的操作")
        return redirect("spotcheck:media_account", pk=baccount.pk)
    return render(request, "spotcheck/media_account.html", {
        "b": baccount, "rubric": rubric,
        "may_sign": baccount.scorecard_id is not None and not baccount.is_signed
        and policy.may_sign_off_media(request.user, baccount),
        "may_score": baccount.scorecard_id is None and baccount.batch.takes_scores})
