from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sitecensus.core.errors import CensusError
from sitecensus.core.excel import excel_response
from sitecensus.core.views import bind_error

from . import policy, services
from .forms import LoginForm, PasswordChangeForm
from .models import User


class CensusLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout_response(request, original_response=None, credentials=None):
    """Axes calls this once a username is locked: the login page, with why."""
    form = LoginForm(request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = f"登录失败次数过多，账号已被锁定 {minutes} 分钟。请稍后再试，或联系安全管理员解除锁定。"
    return render(request, "accounts/login.html", {"form": form, "lockout": message}, status=429)


def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(user=request.user, request=request, **form.cleaned_data)
        except CensusError as error:
            bind_error(form, error)
        else:
            messages.success(request, "密码已修改")
            return redirect("core:home")
    from django.contrib.auth.password_validation import password_validators_help_texts

    return render(request, "accounts/password_change.html",
                  {"form": form, "rules": password_validators_help_texts(),
                   "forced": request.user.must_change_password})


def _issuer(request):
    policy.check_issue(request.user)


def _issued_queryset(request):
    return policy.visible_accounts(request.user).exclude(pk=request.user.pk).order_by("unit__path", "username")


def issued(request):
    _issuer(request)
    page = Paginator(_issued_queryset(request), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/issued.html", {"page": page})


ACCOUNT_HEADERS = ["单位名称", "组织单位代码", "账号", "角色", "联系人", "电子邮箱", "联系电话", "状态",
                   "发放时间", "最近登录"]


def issued_export(request):
    _issuer(request)
    rows = ([a.unit.name, a.unit.org_code or "", a.username, a.role_label, a.first_name, a.email,
             a.phone, a.status_label, a.issued_at, a.last_login]
            for a in _issued_queryset(request).iterator(chunk_size=1000))
    return excel_response(f"已发放账号-{timezone.localdate():%Y%m%d}.xlsx", "已发放账号", ACCOUNT_HEADERS, rows)


@require_POST
def handover_export(request):
    rows = services.handover_rows(actor=request.user, request=request)
    return excel_response(f"账号交接表-{timezone.localdate():%Y%m%d}.xlsx", "账号交接表",
                          services.HANDOVER_HEADERS, rows)


@require_POST
def reset_password(request, pk):
    account = policy.get_managed_account(request.user, pk)
    password = services.reset_password(actor=request.user, account=account, request=request)
    return render(request, "accounts/initial_password.html",
                  {"account": account, "password": password, "title": "密码已重置"})


@require_POST
def toggle_active(request, pk):
    account = policy.get_managed_account(request.user, pk)
    active = request.POST.get("active") == "1"
    services.set_active(actor=request.user, account=account, active=active, request=request)
    messages.success(request, f"账号“{account.username}”已{'启用' if active else '停用'}")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "accounts:issued"
    return redirect(target)


def security(request):
    policy.check_security(request.user)
    attempts = AccessAttempt.objects.order_by("-attempt_time")[:200]
    usernames = [a.username for a in attempts]
    accounts = {u.username: u for u in User.objects.filter(username__in=usernames).select_related("unit")}
    rows = [(a, accounts.get(a.username)) for a in attempts]
    return render(request, "accounts/security.html", {"rows": rows})


@require_POST
def unlock(request, pk):
    account = policy.get_managed_account(request.user, pk)
    services.unlock(actor=request.user, account=account, request=request)
    messages.success(request, f"已解除账号“{account.username}”的锁定")
    return redirect("accounts:security")
