"""Writing audit events. Callers invoke `record` inside their own transaction,
so the event and the change it describes commit (or roll back) together."""

from __future__ import annotations

from .models import AuditEvent


def _client(request):
    if request is None:
        return None, ""
    ip = request.META.get("REMOTE_ADDR") or None
    return ip, (request.META.get("HTTP_USER_AGENT") or "")[:300]


def record(action: str, *, actor=None, request=None, obj=None, outcome: str = "success",
           object_repr: str | None = None, username: str | None = None, **details) -> AuditEvent:
    ip, agent = _client(request)
    actor_ok = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEvent.objects.create(
        actor=actor if actor_ok else None,
        actor_username=(actor.get_username() if actor_ok else (username or ""))[:150],
        actor_unit=(str(actor.unit) if actor_ok and actor.unit_id else "")[:200],
        role=(actor.role if actor_ok else ""),
        action=action,
        object_type=(obj._meta.label_lower if obj is not None else ""),
        object_id=(str(obj.pk) if obj is not None else ""),
        object_repr=(object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[:300],
        outcome=outcome,
        ip=ip,
        user_agent=agent,
        details=details,
    )
