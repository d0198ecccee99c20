"""普查专题 pages. Anonymous views are marked login_not_required and read only
approved data; the report list and news editing are for logged-in users."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sitecensus.core import publiccache
from sitecensus.core.paging import CountCachingPaginator
from sitecensus.core.errors import CensusError
from sitecensus.registry.siteclass import all_classes
from sitecensus.spotcheck.pdf import notice_pdf as build
from sitecensus.spotcheck.presentation import notice_context

from . import jiucuo, policy, selectors, services
from .forms import AnswerForm, LookupForm, NewsForm, ReportForm
from .models import PublicReport

PAGE = 20


def anonymous_cache(view):
    """Anonymous GETs of a public page are served from the cache for PUBLIC_CACHE_SECONDS
    (the pages show approved data and published posts). Publishing a notice or a post moves
    the cache generation on (core/publiccache.py), so what is published shows at once."""
    from functools import wraps

    from django.conf import settings
    from django.core.cache import cache
    from django.http import HttpResponse

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PUBLIC_CACHE_SECONDS
        if request.method != "GET" or request.user.is_authenticated or seconds <= 0:
            return view(request, *args, **kwargs)
        key = f"public:{publiccache.generation()}:{request.get_full_path()}"
        hit = cache.get(key)
        if hit is not None:
            response = HttpResponse(hit[1], content_type=hit[0])
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
            cache.set(key, (response["Content-Type"], response.content), seconds)
        return response
    return wrapped


def _page(request, qs, size=PAGE):
    return CountCachingPaginator(qs, size).get_page(request.GET.get("page"))


def _form_error(form, error: CensusError):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_not_required
@anonymous_cache
def home(request):
    progress = selectors.progress_by_province()
    return render(request, "public/home.html", {
        "progress": progress,
        "news": list(selectors.published_news()[:6]),
        "phases": selectors.phase_progress(progress),
        "notices": selectors.published_notices(limit=6),
    })


@login_not_required
@anonymous_cache
def directory(request):
    query, site_class = request.GET.get("q", ""), request.GET.get("class", "")
    site_class = site_class if site_class in all_classes() else ""
    return render(request, "public/directory.html", {"page": _page(request, selectors.directory(query, site_class)),
                                                     "query": query, "site_class": site_class,
                                                     "classes": all_classes()})


@login_not_required
@anonymous_cache
def news_list(request):
    return render(request, "public/news_list.html", {"page": _page(request, selectors.published_news())})


@login_not_required
@anonymous_cache
def news_detail(request, pk):
    return render(request, "public/news_detail.html", {"post": selectors.get_published_news(pk)})


@login_not_required
@anonymous_cache
def notices(request):
    return render(request, "public/notices.html", {"groups": selectors.notices_by_round()})


@login_not_required
@anonymous_cache
def notice_detail(request, pk):
    notice = selectors.get_published_notice(pk)
    return render(request, "public/notice_detail.html", notice_context(
        notice, corrections=selectors.published_corrections(notice)))


@login_not_required
def notice_pdf(request, pk):
    """The published notice as a PDF, for anyone."""
    from urllib.parse import quote

    from django.http import HttpResponse

    notice = selectors.get_published_notice(pk)
    response = HttpResponse(build(notice), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(notice.title + '.pdf')}"
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def report_new(request, site_pk):
    website = services.listed_site(site_pk)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            services.check_rate(services.client_ip(request))  # before the captcha: a flood gets nowhere
            if form.is_valid():
                d = form.cleaned_data
                report = services.submit_report(website_pk=website.pk, category=d["category"],
                                                description=d["description"], contact=d["contact"],
                                                page_url=d["page_url"], request=request)
                # The receipt is shown once, in this response; it is never put in a URL.
                return render(request, "public/report_receipt.html", {"report": report})
            status = 400
        except CensusError as error:
            _form_error(form, error)
            status = error.http_status
    return render(request, "public/report_form.html", {"form": form, "website": website}, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def lookup(request):
    form = LookupForm(request.POST or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = services.lookup(form.cleaned_data["receipt"])
        except CensusError as error:
            _form_error(form, error)
            status = error.http_status
    elif request.method == "POST":
        status = 400
    return render(request, "public/lookup.html", {"form": form, "report": report}, status=status)


# ---------------------------------------------------------------- logged in

def report_list(request):
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.reports(request.user, status=request.GET.get("status", ""), overdue=overdue,
                           query=request.GET.get("q", ""))
    return render(request, "public/report_list.html", {
        "page": _page(request, qs, 50), "counts": selectors.report_counts(request.user),
        "statuses": PublicReport.Status.choices, "overdue": overdue})


def _report_action(request, report) -> str:
    """The 找错 actions besides the answer form: 转办, 不予受理, 线下受理, 审核公开 (each a service)."""
    p, action = request.POST, request.POST.get("action", "")
    if action == "forward":
        services.forward_report(actor=request.user, report=report, request=request)
        return "已转办至" + report.unit.name
    if action == "refuse":
        services.refuse_report(actor=request.user, report=report, reason=p.get("reason", ""), request=request)
        return "已不予受理"
    if action == "offline":
        services.take_offline(actor=request.user, report=report, note=p.get("note", ""), request=request)
        return "已线下受理"
    services.review_public(actor=request.user, report=report, text=p.get("public_text", ""), request=request)
    return "公开答复已审核，公众可以查看"


@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    report = selectors.get_report(request.user, pk)
    action = request.POST.get("action", "answer") if request.method == "POST" else ""
    form = AnswerForm(request.POST if action == "answer" else None,
                      initial={"status": "done", "answer": report.answer})
    status, error = 200, None
    if action:
        try:
            if action != "answer":
                messages.success(request, _report_action(request, report))
                return redirect("public:report_detail", pk=report.pk)
            if form.is_valid():
                services.answer_report(actor=request.user, report=report, answer=form.cleaned_data["answer"],
                                       status=form.cleaned_data["status"], request=request)
                messages.success(request, "答复已保存")
                return redirect("public:report_detail", pk=report.pk)
            status = 400
        except CensusError as exc:
            if action == "answer":
                _form_error(form, exc)
            error, status = exc, exc.http_status
    return render(request, "public/report_detail.html", {
        "report": report, "form": form, "error": error, "refusal_reasons": jiucuo.refusal_reasons(),
        **policy.report_actions(request.user, report)}, status=status)


@login_not_required
@anonymous_cache
def exposed(request):
    """曝光: answered and refused messages with the text a higher office reviewed, for anyone."""
    return render(request, "public/exposed.html", {"page": _page(request, selectors.exposed_reports())})


def news_manage(request):
    return render(request, "public/news_manage.html", {"page": _page(request, selectors.all_news(request.user), 50)})


@require_http_methods(["GET", "POST"])
def news_edit(request, pk=None):
    post = selectors.get_news_for_edit(request.user, pk) if pk is not None else None
    selectors.all_news(request.user)  # refuses anyone but the national admin, also for a new post
    initial = {"title": post.title, "body": post.body, "publish": post.is_published} if post else {}
    form = NewsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                if post is None:
                    post = services.create_news(actor=request.user, title=d["title"], body=d["body"],
                                                publish=d["publish"], request=request)
                else:
                    services.update_news(actor=request.user, post=post, title=d["title"], body=d["body"],
                                         publish=d["publish"], request=request)
                messages.success(request, "工作动态已保存" + ("并发布" if d["publish"] else "（未发布）"))
                return redirect("public:news_manage")
            except CensusError as error:
                _form_error(form, error)
                status = error.http_status
        else:
            status = 400
    return render(request, "public/news_form.html", {"form": form, "post": post}, status=status)
