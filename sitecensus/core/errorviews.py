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


def unreadable_request(exception) -> tuple[str, str] | None:
    """(message, field) for a request Django would not read — past one of its DATA_UPLOAD_* limits or a
    broken multipart body — else None. One home for the wording: the error page and the API say the same."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.http.multipartparser import MultiPartParserError

    if isinstance(exception, TooManyFilesSent):
        return f"一次上传的文件过多：最多 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个，请分批上传（或压缩为一个 ZIP）", "files"
    if isinstance(exception, TooManyFieldsSent):
        return f"请求中的字段过多：最多 {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} 个", "body"
    if isinstance(exception, RequestDataTooBig):
        return (f"请求中的表单内容过大：文件以外最多 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB",
                "body")
    if isinstance(exception, MultiPartParserError):
        return "请求体不是有效的 multipart/form-data，无法读取上传的内容", "body"
    return None


def bad_request(request, exception=None):
    unreadable = unreadable_request(exception)
    return _page(request, 400, unreadable[0] if unreadable else "请求无效")


def server_error(request):
    # Rendered without context processors: the request may be what failed.
    body = loader.get_template("core/error_500.html").render()
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    audit_refusal(request, 403, f"CSRF：{reason}", "csrf")
    return render(request, "core/error.html",
                  {"error": _Error("表单已过期或来源无法验证（CSRF），请刷新页面后重试"), "status": 403}, status=403)
