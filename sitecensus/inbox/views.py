from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sitecensus.core.errors import NotFound

from . import policy, selectors, services


def inbox(request):
    page = Paginator(selectors.inbox(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "inbox/inbox.html", {"page": page})


def message(request, pk):
    found = selectors.inbox(request.user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("消息不存在")
    services.mark_read(user=request.user, message=found)
    return render(request, "inbox/message.html", {"m": found})


def _check_organizer(user):
    policy.check_remind(user)


def remind_page(request):
    _check_organizer(request.user)
    unit = request.user.unit
    return render(request, "inbox/remind.html", {
        "not_self_checked": selectors.not_self_checked(unit)[:500],
        "not_inspected": selectors.not_inspected(unit),
        "not_reported": selectors.not_reported(unit),
        "overdue": selectors.rectification_overdue(request.user)[:500],
        "counts": selectors.pending_counts(request.user)})


@require_POST
def remind(request):
    _check_organizer(request.user)
    units, mails = services.remind(actor=request.user, which=request.POST.get("which", ""), request=request)
    messages.success(request, f"已向 {units} 个单位发出催办（站内消息 {units} 条，邮件 {mails} 封）")
    # Back where the button was (the 催办 page, or the rectification list's 整改提醒).
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "inbox:remind_page"
    return redirect(target)
