"""Chinese error pages; no stack trace, no English default page."""

from django.shortcuts import render
from django.template import loader
from django.http import HttpResponseServerError


class _Error:
    def __init__(self, message):
        self.message = message


def _page(request, status, message):
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
    return _page(request, 403, "表单已过期或来源无法验证（CSRF），请刷新页面后重试")
