"""The discovery pages: the queue (keyset pages, Excel export), a candidate with its sources and
evidence and the decision form, the list upload, and the national run (a background job)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sitecensus.audit.services import record
from sitecensus.core.excel import excel_response
from sitecensus.core.errors import CensusError
from sitecensus.core.paging import paginate
from sitecensus.jobs.services import enqueue

from . import imports, policy, selectors, services
from .models import Candidate

PAGE = 50
HEADERS = ["网址", "规范化域名", "类型", "状态", "负责组织单位", "归属依据", "对应网站标识码", "对应单位",
           "页面标识码", "页面主办单位", "页面ICP备案号", "首次发现", "最近发现", "处理说明"]


def queue(request):
    policy.SEE.check(policy.may_see(request.user))
    filters = {k: request.GET.get(k, "") for k in ("status", "kind", "q")}
    candidates = selectors.queue(request.user, status=filters["status"], kind=filters["kind"], query=filters["q"])
    if request.GET.get("export") == "xlsx":
        record("discovery_exported", actor=request.user, request=request, filters=filters)
        return excel_response(f"摸清底数候选网站-{timezone.localdate():%Y%m%d}.xlsx", "候选网站", HEADERS,
                              services.excel_rows(candidates))
    page = paginate(request, candidates, PAGE, {"id": "int"})
    counts = selectors.counts(request.user)
    return render(request, "discovery/queue.html", {
        "page": page, "filters": filters,
        "status_counts": [(v, label, counts.get(v, 0)) for v, label in Candidate.Status.choices],
        "statuses": Candidate.Status.choices, "kinds": Candidate.Kind.choices,
        "may_run": policy.may_run(request.user), "may_import": policy.may_import(request.user),
    })


def candidate(request, pk):
    c = policy.get_visible_candidate(request.user, pk)
    if request.method == "POST":
        try:
            services.decide(actor=request.user, candidate=c, decision=request.POST.get("decision", ""),
                            site_code=request.POST.get("site_code", ""), note=request.POST.get("note", ""),
                            request=request)
        except CensusError as error:
            messages.error(request, error.message)
            return redirect("discovery:candidate", pk=c.pk)
        messages.success(request, f"已处理：{c.key}")
        return redirect(reverse("discovery:queue") + "?status=proposed")
    decisions = ([("registered", "已登记（关联已登记网站）"), ("to_report", "需报送（提醒填报单位）"),
                  ("not_government", "非政府网站"), ("counterfeit", "假冒/仿冒政府网站")]
                 if c.kind == Candidate.Kind.NEW else
                 [("closure_review", "转关停审查"), ("still_running", "确认仍在运行")])
    return render(request, "discovery/candidate.html", {
        "c": c, "sources": c.sources.order_by("first_seen", "id"), "decisions": decisions,
        "domain_change": selectors.domain_change(c),
        "may_decide": c.is_proposed and policy.may_decide(request.user, c),
    })


def upload(request):
    policy.IMPORT.check(policy.may_import(request.user))
    if request.method == "POST":
        f = request.FILES.get("file")
        if f is None:
            messages.error(request, "请选择要导入的名单文件（CSV 或 Excel）")
            return redirect("discovery:upload")
        try:
            named, skipped = imports.parse_list(f.name, f.read())
            job = enqueue("discovery_import", actor=request.user, label=f"导入候选网站名单：{f.name}",
                          params={"filename": f.name, "named": [[n.key, n.url, n.detail] for n in named]},
                          total=len(named), next_url=reverse("discovery:queue"))
        except CensusError as error:
            return render(request, "discovery/upload.html", {"error": error}, status=400)
        if skipped["non_government"]:
            rows = "、".join(str(r) for r in skipped["non_government"][:20])
            messages.warning(request, f"非政府网站域名未导入：第 {rows} 行")
        return redirect("jobs:job", pk=job.pk)
    return render(request, "discovery/upload.html", {})


@require_POST
def run(request):
    policy.RUN.check(policy.may_run(request.user))
    job = enqueue("discovery_run", actor=request.user, label="摸清底数：发现未登记的政府网站",
                  next_url=reverse("discovery:queue") + "?status=proposed")
    return redirect("jobs:job", pk=job.pk)
