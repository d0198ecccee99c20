"""Every API error in Chinese with a stable code: the same codes the UI's typed
refusals carry (the generic kinds of sitecensus.core.errors, each app's `<app>.<what>` rules
and errors), plus the API's own protocol codes, declared here (token_*, bad_request,
method_not_allowed, idempotency_*: unprefixed, as clients have always read them).
Body: {"detail": 中文, "code": ..., "errors": [...]}."""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.operation import PathView
from ninja.parser import Parser as NinjaParser

from sitecensus.core.errors import CensusError, InvalidInput, NotAllowed
from sitecensus.core.errorviews import unreadable_request


# ---------------------------------------------------------------- the API's own typed errors

class TokenInvalid(CensusError):
    code = "token_invalid"
    http_status = 401


class TokenExpired(CensusError):
    code = "token_expired"
    http_status = 401


class TokenScopeMissing(NotAllowed):
    """The token lacks the grant (its owner's role may still allow the act): the API's own 403."""

    code = "token_scope"


class IdempotencyConflict(CensusError):
    code = "idempotency_conflict"
    http_status = 409


LOCATIONS = {"query": "查询参数", "path": "路径参数", "body": "请求体", "header": "请求头", "form": "表单",
             "file": "文件", "cookie": "Cookie"}
HTTP_MESSAGES = {400: "请求有误", 401: "未提供有效的接口令牌", 403: "无权执行此操作", 404: "对象不存在或不在您的权限范围内",
                 405: "不支持该请求方法", 409: "与当前状态冲突", 413: "请求体过大", 422: "参数有误",
                 429: "请求过于频繁，请稍后再试"}
HTTP_CODES = {400: "bad_request", 401: "token_invalid", 403: "token_scope", 404: "not_found",
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


# What a parameter's pattern means, for its refusal.
PATTERN_HINTS = {
    "cursor": "游标无效：请原样传回上一页返回的 next_cursor",
    "updated_since": "应为存在的 ISO 8601 日期或日期时间（如 2026-04-25T08:00:00+08:00）",
    "ids": "应为逗号分隔的网站编号",
}


def translate(errors: list[dict]) -> list[dict]:
    out = []
    for err in errors:
        loc = [x if isinstance(x, int) else str(x) for x in err.get("loc", ())]
        msg = _msg(err)
        if err.get("type") == "string_pattern_mismatch" and loc and str(loc[-1]) in PATTERN_HINTS:
            msg = PATTERN_HINTS[str(loc[-1])]
        out.append({"loc": loc, "msg": msg, "type": str(err.get("type", "invalid"))})
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
        if isinstance(exc.__cause__, CensusError):  # raised while parsing the body (a NUL character)
            return census(request, exc.__cause__)
        if isinstance(exc.__cause__, ValueError):  # json.JSONDecodeError and undecodable bytes
            return api.create_response(request, body("请求体不是有效的 JSON（UTF-8 编码）", "bad_request", "body"),
                                       status=400)
        if isinstance(exc, AuthenticationError):
            response = api.create_response(
                request, body("未提供有效的接口令牌：请在请求头 Authorization: Bearer 后附上令牌", "token_invalid"),
                status=401)
            response["WWW-Authenticate"] = 'Bearer realm="sitecensus"'
            return response
        if isinstance(exc, AuthorizationError):
            return api.create_response(request, body(HTTP_MESSAGES[403], TokenScopeMissing.code), status=403)
        message = str(exc) if any("\u4e00" <= ch <= "\u9fff" for ch in str(exc)) else HTTP_MESSAGES.get(
            status, "请求有误")
        return api.create_response(request, body(message, HTTP_CODES.get(status, "error")), status=status)

    def not_found(request, exc):
        return api.create_response(request, body(HTTP_MESSAGES[404], "not_found"), status=404)

    def unreadable(request, exc):
        # Django's own answer would be the HTML error page.
        message, field = unreadable_request(exc)
        return api.create_response(request, body(message, "bad_request", field), status=400)

    api.add_exception_handler(CensusError, census)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    for refusal in (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
        api.add_exception_handler(refusal, unreadable)


def _not_allowed(self) -> HttpResponse:
    """django-ninja answers an unsupported method in English plain text: answer in Chinese, as JSON."""
    allowed = sorted({m for op in self.operations for m in op.methods})
    response = HttpResponse(
        json.dumps(body(f"不支持该请求方法，可用：{'、'.join(allowed)}", "method_not_allowed"), ensure_ascii=False),
        status=405, content_type="application/json; charset=utf-8")
    response["Allow"] = ", ".join(allowed)
    return response


PathView._not_allowed = _not_allowed


# ---------------------------------------------------------------- NUL characters

def _nul_free(value, where: str) -> None:
    """Refuse a U+0000 anywhere in a request's strings (PostgreSQL cannot store it in text): a typed
    400 naming where it is, before any service runs."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidInput(f"{where} 含有空字符（U+0000），请删除后重新提交", field=where)
    elif isinstance(value, dict):
        for key, item in value.items():
            _nul_free(key, where)
            _nul_free(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _nul_free(item, f"{where}.{i}")
    elif isinstance(getattr(value, "name", None), str):  # an uploaded file: its name is stored
        _nul_free(value.name, f"{where} 的文件名")


class Parser(NinjaParser):
    """django-ninja's JSON and form parsing, with every string checked for NUL characters."""

    def parse_body(self, request):
        data = super().parse_body(request)
        _nul_free(data, "请求体")
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            _nul_free(key, "参数")
            _nul_free(value, f"参数 {key}")
        return result


# ---------------------------------------------------------------- the catalogue of error codes

API_CODES = {
    "bad_request": "请求有误（如请求体不是有效的 JSON）",
    "token_invalid": "未提供接口令牌，或令牌无效、已吊销（401）",
    "token_expired": "令牌已过期（401）",
    "token_scope": "令牌未获该业务范围的授权（403）",
    "not_found": "对象不存在或不在令牌所属账号的范围内（404）",
    "method_not_allowed": "不支持该请求方法（405）",
    "invalid": "参数或填报内容有误：details 与 errors 指明字段（422 为不符合接口定义，400 为不符合填报规则）",
    "duplicate": "与已有记录重复（如同一网站已登记，409）",
    "invalid_state": "对象当前的状态不允许此操作（409）",
    "idempotency_conflict": "同一 Idempotency-Key 已用于另一个请求，或同一键的请求正在处理（409）",
    "too_large": "请求体过大（413）",
    "throttled": "请求过于频繁（429）",
    "error": "其他拒绝",
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def declaring_modules() -> None:
    """Import every app's declaring modules (policy.py: its rules; errors.py: its typed errors), so
    the catalogue is whole whatever was imported before."""
    import importlib
    import importlib.util

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("sitecensus."):
            for module in ("policy", "errors"):
                if importlib.util.find_spec(f"{config.name}.{module}") is not None:
                    importlib.import_module(f"{config.name}.{module}")


def catalogue() -> dict[str, str]:
    """Every `code` an API error may carry, with its meaning: the API's own codes, every typed error
    class (the generic kinds in sitecensus.core.errors, each app's errors.py), every policy rule
    (each app's policy.py, core.policy.RULES) and every declared lifecycle transition and condition
    (core.lifecycle). Generated at run time, so a new rule or transition is documented without a line here."""
    from sitecensus.core import lifecycle
    from sitecensus.core.policy import RULES

    declaring_modules()
    codes = dict(API_CODES)
    for cls in _subclasses(CensusError):
        code = cls.__dict__.get("code")  # its own: NotAllowed and Refusal have none (the rules name theirs)
        if code and code not in codes:
            codes[code] = (cls.__doc__ or cls.__name__).strip().splitlines()[0]
    for code, rule in sorted(RULES.items()):
        codes.setdefault(code, f"权限规则：{rule.message}（403）")
    for declared in lifecycle.declarations():
        model = declared.model
        base = f"{model._meta.app_label}.{model._meta.model_name}.{declared.name}"
        codes.setdefault(base, f"{model._meta.verbose_name}当前状态不能{declared.label}（409）")
        meta = getattr(model, declared.name)._django_fsm
        for transition in meta.transitions.values():
            for test in transition.conditions:
                name = getattr(test, "__name__", "condition").strip("_")
                codes.setdefault(f"{base}.{name}", f"{getattr(test, 'message', '条件不满足')}（409）")
    return codes


def document_codes(schema: dict) -> None:
    """Put the catalogue into the OpenAPI schema: ErrorOut.code as an enum, each code explained."""
    codes = catalogue()
    error = schema.get("components", {}).get("schemas", {}).get("ErrorOut")
    if error is None:
        return
    prop = error["properties"]["code"]
    prop["enum"] = sorted(codes)
    prop["description"] = "稳定的错误代码（与界面的拒绝代码一致）：\n\n" + "\n".join(
        f"- `{code}`：{meaning}" for code, meaning in sorted(codes.items()))
    prop["x-error-codes"] = dict(sorted(codes.items()))
