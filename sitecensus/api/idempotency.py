"""Idempotency keys on writes: a POST/PUT sent with `Idempotency-Key` is done
once; a retry with the same key (same token, same request) gets the first
response back and changes nothing; the same key on a different request is a 409.
The key is claimed in the write's own transaction, so a failed write leaves no
key behind (the retry runs again) and two concurrent retries cannot both file."""

from __future__ import annotations

import functools
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.http.request import RawPostDataException
from django.http import HttpResponse

from sitecensus.core.errors import InvalidInput

from .errors import IdempotencyConflict
from .models import IdempotencyKey


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.path.encode("utf-8", "surrogatepass") + b"\0")
    try:
        digest.update(request.body or b"")
    except RawPostDataException:
        # A multipart upload already parsed: its fields and each file's name and content.
        for key in sorted(request.POST):
            digest.update(json.dumps([key, request.POST.getlist(key)], ensure_ascii=False).encode() + b"\0")
        for key in sorted(request.FILES):
            for upload in request.FILES.getlist(key):
                upload.seek(0)
                digest.update(f"{key}\0{upload.name}\0".encode("utf-8", "surrogatepass"))
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    return digest.hexdigest()


def _respond(status: int, body: dict, replayed: bool = False) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "no-store"
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def idempotent(func):
    """Wraps a write that returns ninja's Status(status, JSON-ready body)."""

    @functools.wraps(func)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        token = getattr(request.auth, "api_token", None)
        if key is None or token is None:
            result = func(request, *args, **kwargs)
            return _respond(result.status_code, result.value)
        key = key.strip()
        if not KEY.fullmatch(key):
            raise InvalidInput("Idempotency-Key 应为 1–100 个可打印的 ASCII 字符（字母、数字、符号，不含控制字符）",
                               field="Idempotency-Key")
        fingerprint = _fingerprint(request)
        done = IdempotencyKey.objects.filter(token=token, key=key).first()
        if done is not None:
            if done.fingerprint != fingerprint:
                raise IdempotencyConflict("该 Idempotency-Key 已用于另一个请求，请为新的操作使用新的键")
            return _respond(done.status, done.body, replayed=True)
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(token=token, key=key, fingerprint=fingerprint)
                result = func(request, *args, **kwargs)
                status, body = result.status_code, result.value
                claim.status, claim.body = status, body
                claim.save(update_fields=["status", "body"])
        except IntegrityError:
            raise IdempotencyConflict("同一 Idempotency-Key 的请求正在处理或已处理，请稍后重试") from None
        return _respond(status, body)

    wrapper.idempotent = True  # the OpenAPI schema documents the header on this operation
    return wrapper


KEY_PATTERN = r"^[\x21-\x7e]([\x20-\x7e]{0,98}[\x21-\x7e])?$"
KEY = re.compile(KEY_PATTERN[1:-1])
HEADER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": ("幂等键（1–100 个可打印 ASCII 字符，首尾不为空格）：同一令牌以同一键重试同一请求，返回第一次的结果"
                    "（响应头 Idempotent-Replayed: true）且不重复执行；同一键用于另一请求为 409 idempotency_conflict；"
                    "失败的请求不占用键，可原样重试"),
    "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": KEY_PATTERN},
}


def document(api, schema: dict) -> None:
    """Add the Idempotency-Key header to every operation wrapped by `idempotent`."""
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                if not getattr(operation.view_func, "idempotent", False):
                    continue
                op_id = operation.operation_id or api.get_openapi_operation_id(operation)
                for methods in schema["paths"].values():
                    for op in methods.values():
                        if isinstance(op, dict) and op.get("operationId") == op_id:
                            params = op.setdefault("parameters", [])
                            if not any(p.get("name") == "Idempotency-Key" for p in params):
                                params.append(dict(HEADER))
