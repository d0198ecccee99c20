"""Writing audit events. Callers invoke `record` inside their own transaction,
so the event and the change it describes commit (or roll back) together.
Each event is chained to the previous one (see chain.py); the chain's tail is
taken under a lock so concurrent writers cannot fork it."""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.utils import timezone

from sitecensus.core.clientip import client_ip

from . import chain
from .models import AuditEvent

_CHAIN_LOCK = 7_310_001  # advisory lock id (PostgreSQL); SQLite's write lock serializes already


def _client(request):
    if request is None:
        return None, ""
    return client_ip(request), (request.META.get("HTTP_USER_AGENT") or "")[:300]


def record(action: str, *, actor=None, request=None, obj=None, outcome: str = "success",
           object_repr: str | None = None, username: str | None = None, **details) -> AuditEvent:
    ip, agent = _client(request)
    actor_ok = actor is not None and getattr(actor, "pk", None) is not None
    event = AuditEvent(
        at=timezone.now(),
        actor_id=actor.pk if actor_ok else None,
        actor_username=(actor.get_username() if actor_ok else (username or ""))[:150],
        actor_unit=(str(actor.unit) if actor_ok and actor.unit_id else "")[:200],
        role=(actor.role if actor_ok else ""),
        action=action,
        object_type=(obj._meta.label_lower if obj is not None else ""),
        object_id=(str(obj.pk) if obj is not None else ""),
        object_repr=(object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[:300],
        outcome=outcome,
        ip=AuditEvent._meta.get_field("ip").get_prep_value(ip),
        user_agent=agent,
        # As stored and read back (tuples become lists…), so the hash verifies later.
        details=json.loads(json.dumps(details, ensure_ascii=False, default=str)),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        event.prev_hash = (AuditEvent.objects.order_by("-id").values_list("chain_hash", flat=True).first()
                           or "")
        event.chain_hash = chain.digest(chain.row_values(event))
        event.save(force_insert=True)
    return event


def record_refusal(sender, request, status, reason, code="", **kwargs):
    """Every refused request: who, which URL, why (ASVS 7.2)."""
    user = getattr(request, "user", None)
    record("request_refused", actor=user if user is not None and user.is_authenticated else None,
           request=request, outcome="failure", url=request.get_full_path()[:500], method=request.method,
           status=status, reason=reason, code=code)
