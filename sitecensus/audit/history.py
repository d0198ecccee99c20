"""An object's own history, read from the audit log: what happened to it, when,
by whom (the label of each event, its reason when it has one)."""

from __future__ import annotations

from .events import LABELS
from .models import AuditEvent


def history(obj, limit: int = 200) -> list[dict]:
    events = (AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), outcome="success")
              .order_by("id")[:limit])
    return [{"at": e.at, "label": LABELS.get(e.action, "其他操作"), "actor": e.actor_username,
             "unit": e.actor_unit, "reason": (e.details or {}).get("reason", "")} for e in events]
