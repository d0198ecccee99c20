"""Every API error in Chinese with a stable code: the same codes the UI's typed
refusals carry (sitecensus.core.errors), plus the API's own (token_*, bad_request,
method_not_allowed, idempotency_*). Body: {"detail": 中文, "code": ..., "errors": [...]}."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.operation import PathView

from sitecensus.core.errors import CensusError

LOCATIONS = {"query": "查询参数", "path": "路径参数", "body": "请求体", "header": "请求头", "form": "表单",
             "file": "文件", "cookie": "Cookie"}
HTTP_MESSAGES = {400: "请求有误", 401: "未提供有效的接口令牌", 403: "无权执行此操作", 404: "对象不存在或不在您的权限范围内",
                 405: "不支持该请求方法", 409: "与当前状态冲突", 413: "请求体过大", 422: "参数有误",
                 429: "请求过于频繁，请稍后再试"}
HTTP_CODES = {400: "bad_request", 401: "token_invalid", 403: "not_allowed", 404: "not_found",
              405: "method_not_allowed", 409: "invalid_state", 413: "too_large", 422: "invalid", 429: "throttled"}


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    detail: str
    code: str
    field: str | None = None
    errors: list[FieldError] = []


def _msg(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "必填"
    if kind.startswith("int_") or kind == "int_type":
        return "应为整数"
    if kind.startswith("float_") or kind.startswith("decimal_"):
        return "应为数字"
    if kind.startswith("bool_"):
        return "应为是或否（true/false）"
    if kind.startswith("datetime_") or kind.startswith("date_") or kind.startswith("time"):
        return "应为日期时间（ISO 8601，如 2026-04-25T08:00:00+08:00）"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "greater_than":
        return f"应大于 {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "less_than":
        return f"应小于 {ctx.get('lt')}"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind == "string_too_short":
        return f"至少 {ctx.get('min_length')} 个字符"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if kind in ("string_type", "string_unicode"):
        return "应为文本"
    if kind in ("list_type", "tuple_type", "set_type"):
        return "应为列表"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "应为对象"
    if kind in ("literal_error", "enum"):
        return f"应为以下之一：{ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind == "json_invalid":
        return "不是有效的 JSON"
    if kind == "extra_forbidden":
        return "不允许的字段"
    return "取值无效"


def translate(errors: list[dict]) -> list[dict]:
    out = []
    for err in errors:
        loc = [x if isinstance(x, int) else str(x) for x in err.get("loc", ())]
        out.append({"loc": loc, "msg": _msg(err), "type": str(err.get("type", "invalid"))})
    return out


def _where(loc: list) -> str:
    if not loc:
        return ""
    head = LOCATIONS.get(str(loc[0]), str(loc[0]))
    rest = ".".join(str(x) for x in loc[1:])
    return f"{head} {rest}".strip()


def body(detail: str, code: str, field: str | None = None, errors: list | None = None) -> dict:
    return {"detail": detail, "code": code, "field": field, "errors": errors or []}


def install(api) -> None:
    def census(request, exc: CensusError):
        response = api.create_response(request, body(exc.message, exc.code, exc.field), status=exc.http_status)
        if exc.http_status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="sitecensus"'
        return response

    def validation(request, exc: ValidationError):
        errors = translate(exc.errors)
        first = errors[0] if errors else {"loc": [], "msg": "取值无效"}
        detail = f"参数有误：{_where(first['loc'])} {first['msg']}".strip()
        if len(errors) > 1:
            detail += f"（共 {len(errors)} 处）"
        return api.create_response(request, body(detail, "invalid", errors=errors), status=422)

    def http_error(request, exc: HttpError):
        status = exc.status_code
        if isinstance(exc, AuthenticationError):
            response = api.create_response(
                request, body("未提供有效的接口令牌：请在请求头 Authorization: Bearer 后附上令牌", "token_invalid"),
                status=401)
            response["WWW-Authenticate"] = 'Bearer realm="sitecensus"'
            return response
        if isinstance(exc, AuthorizationError):
            return api.create_response(request, body(HTTP_MESSAGES[403], "not_allowed"), status=403)
        message = str(exc) if any("\u4e00" <= ch <= "\u9fff" for ch in str(exc)) else HTTP_MESSAGES.get(
            status, "请求有误")
        return api.create_response(request, body(message, HTTP_CODES.get(status, "error")), status=status)

    def not_found(request, exc):
        return api.create_response(request, body(HTTP_MESSAGES[404], "not_found"), status=404)

    api.add_exception_handler(CensusError, census)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)


def _not_allowed(self) -> HttpResponse:
    """django-ninja answers an unsupported method in English plain text: answer in Chinese, as JSON."""
    allowed = sorted({m for op in self.operations for m in op.methods})
    response = HttpResponse(
        json.dumps(body(f"不支持该请求方法，可用：{'、'.join(allowed)}", "method_not_allowed"), ensure_ascii=False),
        status=405, content_type="application/json; charset=utf-8")
    response["Allow"] = ", ".join(allowed)
    return response


PathView._not_allowed = _not_allowed
