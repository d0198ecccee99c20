"""Writing audit events. Callers invoke `record` inside their own transaction,
so the event and the change it describes commit (or roll back) together.
Each event is chained to the previous one (see chain.py); the chain's tail is
taken under a lock so concurrent writers cannot fork it."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from sitecensus.core.clientip import client_ip

from . import chain, seals
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
    if getattr(_held, "events", None) is not None:
        _held.events.append(event)
        return event
    _write([event])
    return event


_held = threading.local()


@contextmanager
def deferred():
    """Events recorded inside the block are chained and written together when it ends.
    Use it inside the transaction of the changes they describe (they still commit or roll
    back with them): the chain's lock — one for the whole log — is then held from the end
    of the block to the commit, not through a long block (an import chunk, an approval that
    hashes passwords), so other users' events never wait behind it."""
    if getattr(_held, "events", None) is not None:  # nested: the outer block writes
        yield
        return
    _held.events = []
    try:
        yield
        events = _held.events
    finally:
        _held.events = None
    if events:
        _write(events)


def _write(events: list[AuditEvent]) -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        previous = AuditEvent.objects.order_by("-id").values_list("chain_hash", flat=True).first() or ""
        for event in events:
            event.prev_hash = previous
            event.chain_hash = previous = chain.digest(chain.row_values(event))
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:  # a deferred block's events (an import chunk's): one insert, in chain order
            AuditEvent.objects.bulk_create(events, batch_size=500)


def _count(key: str, ttl: int) -> int:
    from django.core.cache import caches

    store = caches["throttle"]
    if store.add(key, 1, ttl):
        return 1
    try:
        return store.incr(key)
    except ValueError:
        store.set(key, 1, ttl)
        return 1


def anonymous_refusal_budget(request) -> tuple[bool, int]:
    """(write a row?, refusals so far) for an anonymous refused request: each address has
    REFUSAL_AUDIT_PER_ADDRESS_HOUR individual rows an hour, then a summary row at each
    doubling of its count (20, 40, 80 …); all anonymous clients together at most
    REFUSAL_AUDIT_ANONYMOUS_HOUR individual rows an hour — past it only the summaries."""
    import hashlib
    import time

    hour = int(time.time() // 3600)
    ip = client_ip(request) or "-"
    key = "refused:" + hashlib.sha256(f"{ip}|{hour}".encode()).hexdigest()[:32]
    count = _count(key, 3700)
    per_address = settings.REFUSAL_AUDIT_PER_ADDRESS_HOUR
    if count > per_address:
        times, rest = divmod(count, max(1, per_address))
        return rest == 0 and (times & (times - 1)) == 0, count  # 2×, 4×, 8× … the allowance: a summary
    overall = _count(f"refused:all:{hour}", 3700)
    return overall <= settings.REFUSAL_AUDIT_ANONYMOUS_HOUR, count


def record_refusal(sender, request, status, reason, code="", **kwargs):
    """Every refused request of a signed-in user: who, which URL, why (ASVS 7.2).
    Anonymous refusals (a 404 flood) are aggregated per address and hour with a ceiling
    on audit rows (anonymous_refusal_budget): the log cannot be filled by strangers."""
    user = getattr(request, "user", None)
    known = user is not None and user.is_authenticated
    details = dict(url=request.get_full_path()[:500], method=request.method, status=status, reason=reason,
                   code=code)
    if not known:
        write, count = anonymous_refusal_budget(request)
        if not write:
            return
        if count > 1 and count > getattr(settings, "REFUSAL_AUDIT_PER_ADDRESS_HOUR", 20):
            details["refusals_this_hour"] = count
    record("request_refused", actor=user if known else None, request=request, outcome="failure", **details)


def record_transition(sender, instance, name, source, target, method_kwargs=None, exception=None, **kwargs):
    """One audit event per declared transition (sitecensus/core/lifecycle.py): the event its
    declaration names, on the object it names (the instance by default), its details as fields."""
    if exception is not None:
        return  # refused inside the method: nothing changed, the error reaches the caller
    meta = getattr(sender, name)._django_fsm
    declared = meta.get_transition(source)
    details = dict(method_kwargs or {})
    actor, request = details.pop("actor", None), details.pop("request", None)
    obj = details.pop("audit_obj", None) or instance
    record(declared.custom["event"], actor=actor, request=request, obj=obj, **details)
    seals.mark(instance, declared.custom["event"], actor=actor, request=request)


def record_seal(sender, instance, raw=False, **kwargs):
    """After a sealed state was saved (post_save): the seal record with the record's digest."""
    pending = seals.take_pending(instance, raw)
    if pending is None:
        return
    seal, actor, request = pending
    record(seals.SEALED, actor=actor, request=request, obj=instance, event=seal.event, kind=seal.label,
           digest=seals.digest(seal, instance.pk))
