import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from sitecensus.audit.services import record

from .signals import LOGIN_AT


class SessionLifetimeMiddleware:
    """Absolute session lifetime (the idle timeout is the sliding cookie age),
    and disabled accounts lose their sessions at once (ASVS 7.3.2, 7.4.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            reason = None
            if not user.is_active:
                reason = "账号已停用，请联系上级组织单位"
            elif started is None or time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                reason = "登录已超过最长时限，请重新登录"
            if reason:
                record("session_expired", actor=user, request=request, obj=user, reason=reason)
                logout(request)
                messages.warning(request, reason)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class ForcePasswordChangeMiddleware:
    """A first login (or a reset password) must be changed before anything else — before
    enrolment too: the second factor is enrolled only by whoever replaced the one-time password."""

    ALLOWED = ("accounts:password_change", "accounts:logout", "accounts:otp_verify")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
                return redirect("accounts:password_change")
        return self.get_response(request)


class SecondFactorMiddleware:
    """Accounts whose role needs a second factor (OTP_REQUIRED_ROLES) reach no
    page but enrolment, verification and logout until the session is verified:
    a password alone opens nothing."""

    ALLOWED = ("accounts:otp_setup", "accounts:otp_verify", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import otp

        user = getattr(request, "user", None)
        if otp.required_for(user) and not user.is_verified():
            if user.must_change_password and not otp.has_device(user):
                # No device yet: the one-time password is replaced first (ForcePasswordChange).
                return self.get_response(request)
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
                target = "accounts:otp_verify" if otp.has_device(user) else "accounts:otp_setup"
                return redirect(target)
        return self.get_response(request)
