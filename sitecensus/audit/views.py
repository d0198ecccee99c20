from datetime import datetime, time

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from sitecensus.core.errors import NotFound
from sitecensus.core.excel import excel_response

from . import events, policy
from .models import AuditEvent
from .services import record


def _events(request):
    if not policy.may_read_audit(request.user):
        # Only audit administrators know the log exists.
        record("access_denied", actor=request.user, request=request, outcome="failure", target="audit")
        raise NotFound("页面不存在或不在您的权限范围内")
    qs = AuditEvent.objects.all()
    params = request.GET
    if params.get("action"):
        qs = qs.filter(action=params["action"])
    if params.get("user"):
        qs = qs.filter(actor_username__icontains=params["user"].strip())
    if params.get("outcome"):
        qs = qs.filter(outcome=params["outcome"])
    for key, lookup, bound in (("since", "at__gte", time.min), ("until", "at__lte", time.max)):
        if params.get(key):
            try:
                day = datetime.strptime(params[key], "%Y-%m-%d").date()
            except ValueError:
                continue
            qs = qs.filter(**{lookup: timezone.make_aware(datetime.combine(day, bound))})
    return qs.order_by("-at", "-id")


def event_list(request):
    page = Paginator(_events(request), 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html",
                  {"page": page, "labels": events.LABELS, "params": request.GET})


HEADERS = ["时间", "账号", "单位", "角色", "事件", "对象", "结果", "IP 地址", "详情"]


def event_export(request):
    qs = _events(request)
    record("audit_exported", actor=request.user, request=request, count=qs.count())
    rows = ([e.at, e.actor_username, e.actor_unit, e.role, events.LABELS.get(e.action, e.action),
             e.object_repr, e.get_outcome_display(), e.ip or "", e.details]
            for e in qs.iterator(chunk_size=2000))
    return excel_response(f"审计日志-{timezone.localdate():%Y%m%d}.xlsx", "审计日志", HEADERS, rows)
