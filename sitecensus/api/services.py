"""API tokens: created (shown once) and revoked by their owner; only a SHA-256
hash is stored (tokens are 256-bit random, so a slow hash adds nothing). A token
acts with its owner's scope, narrowed to the areas it was granted (read or write
per area), until it expires; last use (time and address) is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sitecensus.core import roles
from sitecensus.audit.services import record
from sitecensus.core.clientip import client_ip
from sitecensus.core.errors import InvalidInput, InvalidState, NotFound

from . import policy
from .errors import TokenExpired, TokenInvalid, TokenScopeMissing  # noqa: F401  (the views raise them from here)
from .models import ApiToken

TOKEN_PREFIX = "sc_"
TOKEN_ROLES = {roles.NATIONAL_ADMIN, roles.ORGANIZER, roles.REPORTER, roles.AUDIT_ADMIN}
MAX_ACTIVE = 20
LAST_USED_EVERY = timedelta(minutes=1)  # write last_used at most once a minute per token
DEFAULT_DAYS = 365
MAX_DAYS = 730

# Areas a token may be granted, each read or write (write implies read).
AREAS = {
    "registry": "网站登记、审核与变更",
    "scoring": "自查、检查与整改",
    "reports": "检查整改情况报告与统计",
    "spotcheck": "抽查核查",
    "audit": "审计日志",
}
ROLE_AREAS = {
    roles.NATIONAL_ADMIN: {"registry", "scoring", "reports", "spotcheck"},
    roles.ORGANIZER: {"registry", "scoring", "reports", "spotcheck"},
    roles.REPORTER: {"registry", "scoring", "reports"},
    roles.AUDIT_ADMIN: {"audit"},
}
SCOPE_LABELS = {f"{area}:{mode}": f"{label}（{'读写' if mode == 'write' else '只读'}）"
                for area, label in AREAS.items() for mode in ("read", "write")}


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def check_token_user(user) -> None:
    if not policy.may_hold_tokens(user):
        raise policy.TOKENS.refuse()


def scopes_for(user) -> list[str]:
    """The grants an account may put on its tokens (the audit admin reads only)."""
    areas = ROLE_AREAS.get(user.role, set())
    modes = ("read",) if policy.reads_only(user) else ("read", "write")
    return [f"{a}:{m}" for a in AREAS if a in areas for m in modes]


def tokens_of(user):
    check_token_user(user)
    return ApiToken.objects.filter(owner=user).order_by("revoked_at", "-created_at", "-id")


def clean_scopes(user, scopes) -> list[str]:
    allowed = scopes_for(user)
    chosen = sorted({str(s) for s in (scopes or [])})
    if not chosen:
        raise InvalidInput("请至少选择一项权限范围", field="scopes")
    for scope_name in chosen:
        if scope_name not in allowed:
            raise InvalidInput(f"权限范围“{scope_name[:40]}”不存在或本账号不能授予", field="scopes")
    return chosen


@transaction.atomic
def create_token(*, actor, name: str, scopes=None, days: int | None = DEFAULT_DAYS,
                 request=None) -> tuple[ApiToken, str]:
    check_token_user(actor)
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise InvalidInput("请填写令牌名称（如：省级平台）", field="name")
    if len(name) > 100:
        raise InvalidInput("令牌名称不能超过 100 字", field="name")
    chosen = clean_scopes(actor, scopes if scopes is not None else
                          [s for s in scopes_for(actor) if s.endswith(":read")])
    try:
        days = int(days if days is not None else DEFAULT_DAYS)
    except (TypeError, ValueError):
        raise InvalidInput("有效天数应为整数", field="days") from None
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"有效天数应在 1 到 {MAX_DAYS} 天之间", field="days")
    if ApiToken.objects.filter(owner=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE:
        raise InvalidState(f"有效令牌已达 {MAX_ACTIVE} 个，请先吊销不用的令牌")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(owner=actor, name=name, prefix=raw[:11], token_hash=hash_token(raw),
                                    scopes=chosen, expires_at=timezone.now() + timedelta(days=days))
    record("api_token_created", actor=actor, request=request, obj=token, name=name, scopes=chosen,
           expires_at=token.expires_at.isoformat())
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


def authenticate(raw: str, request=None):
    """The owner of a valid token (with `api_token` set on it); otherwise a typed 401."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise TokenInvalid("令牌无效：请在请求头 Authorization: Bearer 后附上有效的接口令牌")
    token = (ApiToken.objects.select_related("owner", "owner__unit")
             .filter(token_hash=hash_token(raw), revoked_at__isnull=True).first())
    if token is None or not policy.may_hold_tokens(token.owner):
        raise TokenInvalid("令牌无效或已吊销")
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenExpired(f"令牌已于 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M} 过期，请重新创建")
    if token.last_used is None or now - token.last_used > LAST_USED_EVERY:
        ip = client_ip(request) if request is not None else None
        ApiToken.objects.filter(pk=token.pk).update(
            last_used=now, last_used_ip=ApiToken._meta.get_field("last_used_ip").get_prep_value(ip))
    user = token.owner
    user.api_token = token
    return user


def require(user, area: str, mode: str = "read") -> None:
    """Refuse unless the calling token was granted `area` (write implies read)."""
    token = getattr(user, "api_token", None)
    granted = set(token.scopes or []) if token is not None else set()
    if f"{area}:write" in granted or (mode == "read" and f"{area}:read" in granted):
        return
    raise TokenScopeMissing(f"令牌未获授权：需要“{SCOPE_LABELS.get(f'{area}:{mode}', area)}”权限范围")
