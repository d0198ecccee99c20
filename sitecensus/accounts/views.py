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

from sitecensus.audit.services import anonymous_refusal_budget, record
from sitecensus.core import roles

from . import policy, services
from .forms import LoginForm, PasswordChangeForm
from .models import User


class CensusLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        from . import throttle

        # Per client address, before any password is hashed.
        if throttle.address_over_rate(request):
            write, count = anonymous_refusal_budget(request)  # a flood cannot fill the log either
            if write:
                record("login_throttled", request=request, outcome="failure",
                       username=str(request.POST.get("username", ""))[:150], url=request.path,
                       refusals_this_hour=count)
            response = render(request, "accounts/login.html",
                              {"form": LoginForm(request), "lockout": "登录尝试过于频繁，请一分钟后再试。"},
                              status=429)
            response["Retry-After"] = "60"
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        from . import throttle

        throttle.succeeded(self.request, form.get_user().get_username())
        return super().form_valid(form)

    def get_success_url(self):
        """Straight to the second-factor step when the role needs one (not through a page that
        would only redirect there: one round trip less per login); the page asked for follows."""
        from django.urls import reverse
        from django.utils.http import urlencode

        from . import otp

        url = super().get_success_url()
        user = self.request.user
        if not otp.required_for(user):
            return url
        if not otp.has_device(user):
            return reverse("accounts:otp_setup")
        return f"{reverse('accounts:otp_verify')}?{urlencode({'next': url})}"


def lockout_response(request, original_response=None, credentials=None):
    """Axes calls this once a username is locked: the login page, with why."""
    form = LoginForm(request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = f"登录失败次数过多，账号已被锁定 {minutes} 分钟。请稍后再试，或联系安全管理员解除锁定。"
    return render(request, "accounts/login.html", {"form": form, "lockout": message}, status=429)


def password_change(request):
    from . import throttle

    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and not throttle.password_check_allowed(request.user):
        form.is_valid()
        form.add_error("old_password", "原密码错误次数过多，请 15 分钟后再试")
    elif request.method == "POST" and form.is_valid():
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
    where = services.reset_password(actor=request.user, account=account, request=request)
    messages.success(request, f"已重置账号“{account.username}”的密码：{where}。其登录会话与接口令牌已失效。")
    target = "accounts:issued" if policy.may_issue(request.user) else "accounts:security"
    return redirect(target)


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


# ------------------------------------------------------------ second factor

def otp_setup(request):
    """Enrolment (and changing the authenticator). The holder first replaces the one-time
    password; an enrolled account first proves a current code or a recovery code. Each
    secret is shown once and expires after OTP_ENROL_MINUTES unless confirmed."""
    from . import otp

    user = request.user
    if not otp.required_for(user):
        return redirect("core:home")
    if user.must_change_password:
        return redirect("accounts:password_change")
    if otp.has_device(user) and not user.is_verified():
        return redirect("accounts:otp_verify")
    swapping = otp.has_device(user)
    error = ""
    if swapping and not otp.swap_allowed(request):
        if request.method == "POST" and "current" in request.POST:
            if otp.allow_swap(request, request.POST.get("current", "")):
                return _show_new_secret(request, swapping)
            error = "当前动态口令或恢复码不正确"
        return render(request, "accounts/otp_setup.html", {"ask_current": True, "error": error},
                      status=400 if error else 200)
    if request.method == "POST":
        try:
            codes = otp.confirm_enrolment(request, request.POST.get("token", ""))
        except otp.EnrolmentExpired:
            return render(request, "accounts/otp_setup.html",
                          {"expired": True, "error": f"绑定密钥已失效（须在 {settings.OTP_ENROL_MINUTES} 分钟内、"
                                                      "在显示它的同一会话中完成绑定），请重新生成"}, status=400)
        if codes:
            return render(request, "accounts/otp_setup.html", {"codes": codes})
        return render(request, "accounts/otp_setup.html",
                      {"retry": True, "error": "动态口令不正确，请核对手机时间后重试（密钥不再显示；"
                                               "未能添加到验证器时请重新生成）"}, status=400)
    return _show_new_secret(request, swapping)


def _show_new_secret(request, swapping):
    from . import otp

    device = otp.new_pending_device(request)
    return render(request, "accounts/otp_setup.html",
                  {"qr": otp.qr_data_uri(device), "secret": otp.secret_b32(device), "swapping": swapping,
                   "minutes": settings.OTP_ENROL_MINUTES})


def otp_verify(request):
    from . import otp

    if not otp.required_for(request.user) or request.user.is_verified():
        return redirect("core:home")
    if not otp.has_device(request.user):
        return redirect("accounts:otp_setup")
    error = ""
    if request.method == "POST":
        if otp.verify(request, request.POST.get("token", "")):
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "core:home"
            return redirect(target)
        error = "动态口令或恢复码不正确（连续失败后须等待更长时间再试）"
    return render(request, "accounts/otp_verify.html", {"error": error}, status=400 if error else 200)


@require_POST
def otp_reset(request, pk):
    account = policy.get_managed_account(request.user, pk)
    services.reset_second_factor(actor=request.user, account=account, request=request)
    messages.success(request, f"已重置账号“{account.username}”的二次验证，其下次登录时重新绑定")
    return redirect("accounts:issued" if policy.may_issue(request.user) else "accounts:security")


# ------------------------------------------------------------ privileged accounts

def privileged(request):
    from .models import PrivilegedReset

    if not policy.may_see_privileged(request.user):
        raise policy.PRIVILEGED_RESET.refuse("只有安全管理员和国办管理员可以查看特权账号重置申请")
    resets = list(PrivilegedReset.objects.select_related("target", "requested_by", "decided_by")[:200])
    for item in resets:
        item.may_decide = (item.is_pending
                           and services.may_approve_privileged_reset(request.user, item))
    accounts = User.objects.filter(role__in=roles.PRIVILEGED_ROLES).order_by("role", "username")
    return render(request, "accounts/privileged.html",
                  {"resets": resets, "accounts": accounts, "may_request": policy.may_request_privileged_reset(request.user)})


@require_POST
def privileged_request(request):
    if not policy.may_see_security(request.user):
        raise policy.PRIVILEGED_RESET.refuse("只有安全管理员可以申请重置特权账号的密码")
    try:
        account = User.objects.get(pk=int(request.POST.get("account", "")))
    except (User.DoesNotExist, ValueError):
        raise CensusError("账号不存在") from None
    services.request_privileged_reset(actor=request.user, account=account, reason=request.POST.get("reason", ""),
                                      reset_device=request.POST.get("reset_device") == "1", request=request)
    messages.success(request, f"已提交重置“{account.username}”密码的申请，待另一名国办管理员批准")
    return redirect("accounts:privileged")


@require_POST
def privileged_decide(request, pk):
    approve = request.POST.get("decision") == "approve"
    sent_to = services.decide_privileged_reset(actor=request.user, pending_id=pk, approve=approve, request=request)
    messages.success(request, f"已批准：一次性新密码已发送至账号本人邮箱 {sent_to}" if approve else "已驳回申请")
    return redirect("accounts:privileged")
