"""Tamper evidence for the audit log: every event carries the keyed hash
(HMAC-SHA256) of its own content and of the previous event's hash. Editing,
deleting or inserting a row breaks the chain, and a forged row cannot be given
a valid hash without the key (`AUDIT_CHAIN_KEY`, by default derived from
SECRET_KEY; it never lives in the database)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timezone as dt_timezone

FIELDS = ("actor_id", "actor_username", "actor_unit", "role", "action", "object_type", "object_id",
          "object_repr", "outcome", "ip", "user_agent", "details")


def key() -> bytes:
    from django.conf import settings

    explicit = getattr(settings, "AUDIT_CHAIN_KEY", "")
    if explicit:
        return explicit.encode()
    return hashlib.sha256(b"sitecensus-audit-chain:" + settings.SECRET_KEY.encode()).digest()


def canonical(values: dict) -> bytes:
    at = values["at"]
    payload = {name: values.get(name) for name in FIELDS}
    payload["at"] = at.astimezone(dt_timezone.utc).isoformat(timespec="microseconds") if at else ""
    payload["actor_id"] = int(payload["actor_id"]) if payload["actor_id"] is not None else None
    payload["prev"] = values.get("prev_hash") or ""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def digest(values: dict, secret: bytes | None = None) -> str:
    return hmac.new(secret or key(), canonical(values), hashlib.sha256).hexdigest()


def row_values(event) -> dict:
    values = {name: getattr(event, name) for name in FIELDS}
    values["at"], values["prev_hash"] = event.at, event.prev_hash
    return values


def verify(queryset, secret: bytes | None = None, chunk: int = 5000) -> tuple[int, list[str], str]:
    """Walk the log in id order: (rows checked, problems in Chinese, head hash)."""
    secret = secret or key()
    problems: list[str] = []
    previous, count = "", 0
    for event in queryset.order_by("id").iterator(chunk_size=chunk):
        count += 1
        if event.prev_hash != previous:
            problems.append(f"第 {event.pk} 条：与前一条记录的链接断开（其前的记录被删除、插入或修改）")
        if not hmac.compare_digest(digest(row_values(event), secret), event.chain_hash or ""):
            problems.append(f"第 {event.pk} 条：内容与其哈希不符（记录被修改或伪造）")
        previous = event.chain_hash
    return count, problems, previous


# ------------------------------------------------------------ anchors
# The chain's length and tail hash at a moment, kept outside the database (printed by
# `backup` and by `audit verify`): a cut tail or the restore of an older copy leaves a
# chain that verifies by itself, but not against a later anchor.

def anchor(count: int, head: str) -> str:
    return f"{count}:{head or '-'}"


def check_anchor(queryset, value: str) -> list[str]:
    """Problems (in Chinese) of the log against an anchor "COUNT:HASH"."""
    count_text, _, head = (value or "").strip().partition(":")
    try:
        count = int(count_text)
    except ValueError:
        return [f"锚点“{value}”格式不正确，应为 条数:链尾哈希（由 sitecensus backup 或 audit verify 打印）"]
    if count <= 0:
        return []
    ordered = queryset.order_by("id").values_list("chain_hash", flat=True)
    present = ordered[count - 1:count]
    present = list(present)
    if not present:
        total = queryset.count()
        return [f"审计日志只有 {total} 条，少于锚点记录的 {count} 条：日志尾部被截去，或恢复了更早的备份"]
    if present[0] != head:
        return [f"第 {count} 条（按顺序）记录的哈希与锚点不符：日志被改写，或恢复了另一份备份"]
    return []
