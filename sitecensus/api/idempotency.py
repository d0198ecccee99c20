"""Idempotency keys on writes: a POST/PUT sent with `Idempotency-Key` is done
once; a retry with the same key (same token, same request) gets the first
response back and changes nothing; the same key on a different request is a 409.
The key is claimed in the write's own transaction, so a failed write leaves no
key behind (the retry runs again) and two concurrent retries cannot both file."""

from __future__ import annotations

import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from django.http.request import RawPostDataException
from django.http import HttpResponse

from sitecensus.core.errors import CensusError, InvalidInput

from .models import IdempotencyKey


class IdempotencyConflict(CensusError):
    code = "idempotency_conflict"
    http_status = 409


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
    """Wraps a write that returns (status, JSON-ready body)."""

    @functools.wraps(func)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        token = getattr(request.auth, "api_token", None)
        if key is None or token is None:
            return _respond(*func(request, *args, **kwargs))
        key = key.strip()
        if not key or len(key) > 100 or not key.isprintable():
            raise InvalidInput("Idempotency-Key 应为 1–100 个可打印字符", field="Idempotency-Key")
        fingerprint = _fingerprint(request)
        done = IdempotencyKey.objects.filter(token=token, key=key).first()
        if done is not None:
            if done.fingerprint != fingerprint:
                raise IdempotencyConflict("该 Idempotency-Key 已用于另一个请求，请为新的操作使用新的键")
            return _respond(done.status, done.body, replayed=True)
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(token=token, key=key, fingerprint=fingerprint)
                status, body = func(request, *args, **kwargs)
                claim.status, claim.body = status, body
                claim.save(update_fields=["status", "body"])
        except IntegrityError:
            raise IdempotencyConflict("同一 Idempotency-Key 的请求正在处理或已处理，请稍后重试") from None
        return _respond(status, body)

    return wrapper
