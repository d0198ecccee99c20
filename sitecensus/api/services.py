"""API tokens: created (shown once) and revoked by their owner; only a SHA-256
hash is stored (tokens are 256-bit random, so a slow hash adds nothing)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sitecensus.accounts import roles
from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed, NotFound

from .models import ApiToken

TOKEN_PREFIX = "sc_"
TOKEN_ROLES = {roles.NATIONAL_ADMIN, roles.ORGANIZER}
MAX_ACTIVE = 20
LAST_USED_EVERY = timedelta(minutes=1)  # write last_used at most once a minute per token


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def check_token_user(user) -> None:
    if not user.is_authenticated or user.role not in TOKEN_ROLES:
        raise NotAllowed("只有国办和组织单位可以管理接口令牌")


def tokens_of(user):
    check_token_user(user)
    return ApiToken.objects.filter(owner=user).order_by("revoked_at", "-created_at", "-id")


@transaction.atomic
def create_token(*, actor, name: str, request=None) -> tuple[ApiToken, str]:
    check_token_user(actor)
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise InvalidInput("请填写令牌名称（如：省级平台）", field="name")
    if len(name) > 100:
        raise InvalidInput("令牌名称不能超过 100 字", field="name")
    if ApiToken.objects.filter(owner=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE:
        raise InvalidState(f"有效令牌已达 {MAX_ACTIVE} 个，请先吊销不用的令牌")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(owner=actor, name=name, prefix=raw[:11], token_hash=hash_token(raw))
    record("api_token_created", actor=actor, request=request, obj=token, name=name)
    return token, raw


@transaction.atomic
def revoke_token(*, actor, pk, request=None) -> ApiToken:
    check_token_user(actor)
    try:
        token = ApiToken.objects.select_for_update().get(pk=pk, owner=actor)
    except (ValueError, TypeError, ApiToken.DoesNotExist):
        raise NotFound("令牌不存在") from None
    if token.revoked_at is not None:
        raise InvalidState("该令牌已吊销")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record("api_token_revoked", actor=actor, request=request, obj=token)
    return token


def authenticate(raw: str):
    """The owner of a valid token, or None (revoked, unknown, owner disabled)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (ApiToken.objects.select_related("owner", "owner__unit")
             .filter(token_hash=hash_token(raw), revoked_at__isnull=True).first())
    if token is None or not token.owner.is_active or token.owner.role not in TOKEN_ROLES:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.owner
