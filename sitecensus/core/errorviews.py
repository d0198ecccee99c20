"""Chinese error pages; no stack trace, no English default page."""

from django.shortcuts import render
from django.template import loader
from django.http import HttpResponseServerError


class _Error:
    def __init__(self, message):
        self.message = message


def audit_refusal(request, status, reason, code=""):
    """Every refused request leaves an audit row (the audit app receives the signal)."""
    from .signals import request_refused

    try:
        request_refused.send(sender=None, request=request, status=status, reason=str(reason)[:300], code=code)
    except Exception:  # noqa: BLE001 - a refusal page must render even if the log cannot be written
        pass


def _page(request, status, message):
    if status in (400, 403, 404):
        audit_refusal(request, status, message)
    return render(request, "core/error.html", {"error": _Error(message), "status": status}, status=status)


def not_found(request, exception=None):
    return _page(request, 404, "页面不存在或不在您的权限范围内")


def forbidden(request, exception=None):
    return _page(request, 403, "您无权访问此页面")


def bad_request(request, exception=None):
    return _page(request, 400, "请求无效")


def server_error(request):
    # Rendered without context processors: the request may be what failed.
    body = loader.get_template("core/error_500.html").render()
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    audit_refusal(request, 403, f"CSRF：{reason}", "csrf")
    return render(request, "core/error.html",
                  {"error": _Error("表单已过期或来源无法验证（CSRF），请刷新页面后重试"), "status": 403}, status=403)
