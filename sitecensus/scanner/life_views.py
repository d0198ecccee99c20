"""The registry-against-reality flags for the organizing unit: the list (with Excel), and a flag
acknowledged or resolved with a note. Thin: scanner.life decides, scanner.policy answers who."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sitecensus.core.errors import NotFound
from sitecensus.core.excel import excel_response

from . import life, policy
from .models import RegistryFlag

S = RegistryFlag.Status


def _flags(request):
    policy.FLAG.check(policy.may_see_flags(request.user))
    qs = policy.visible_flags(request.user).select_related("website__unit", "website__organizer", "handled_by")
    status = request.GET.get("status", "unresolved")
    if status == "unresolved":
        qs = qs.unresolved()
    elif status in S.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-last_seen", "id"), status


def flag_list(request):
    flags, status = _flags(request)
    if request.GET.get("format") == "xlsx":
        rows = ([f.website.name, f.website.site_code, f.website.unit.name, f.get_kind_display(), f.get_status_display(),
                 f.first_seen, f.last_seen, f.summary, f.evidence.get("url", ""), f.note] for f in flags)
        return excel_response(f"登记与实际不符-{timezone.localdate():%Y%m%d}.xlsx", "登记与实际不符",
                              ["网站", "网站标识码", "填报单位", "类型", "状态", "首次发现", "最近发现", "说明", "网址", "处理说明"],
                              rows)
    page = [{"flag": f, "may_handle": policy.may_handle_flag(request.user, f)} for f in flags[:500]]
    return render(request, "scanner/flags.html", {"rows": page, "status": status, "statuses": S.choices})


@require_POST
def flag_handle(request, pk):
    flag = policy.visible_flags(request.user).filter(pk=pk).select_related("website__unit").first()
    if flag is None:
        raise NotFound("提示不存在或不在您的权限范围内")
    life.handle_flag(actor=request.user, flag=flag, action=request.POST.get("action", ""),
                     note=request.POST.get("note", ""), request=request)
    messages.success(request, "已记录处理情况")
    return redirect("scanner:flags")
