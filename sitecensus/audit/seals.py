"""Tamper evidence for protected records, not only for the audit log.

When a record becomes final — a scorecard (or an inspection & rectification report) is
submitted, a site passes its final approval, a spot-check result is signed, a notice is
published — a `record_sealed`
audit event carries a digest of the record's content, its child rows included
(entries and evidence files of a card). The event sits in the HMAC chain (chain.py),
so the digest cannot be replaced without the key. `sitecensus audit verify`
recomputes every record's latest seal and names each one whose content changed
(an edit with the guard triggers dropped, SQLite's `UPDATE OR REPLACE`, a restore
of doctored rows …), on both databases.

A later declared transition that legitimately reopens a record (a change request on
an approved site) releases its seal until the next one. The records are declared
here by app label (the audit app sits below the apps it seals: no import edges)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

SEALED = "record_sealed"


@dataclass(frozen=True)
class Seal:
    event: str  # the transition event that makes the record final
    model: str  # "app_label.ModelName"
    label: str  # what verify calls it
    include: tuple[str, ...] = ()  # only these fields (attnames); default: every field but auto_now ones
    children: tuple[tuple[str, str], ...] = ()  # (child model, its foreign key attname to the record)
    released_by: tuple[str, ...] = ()  # later transition events on the record that reopen it
    only_when: tuple[str, ...] = ()  # seal only if the record's status is then one of these


SEALS: dict[str, Seal] = {}


def declare(seal: Seal) -> None:
    SEALS[seal.event] = seal


declare(Seal("scorecard_submitted", "scoring.Scorecard", "评分表",
             children=(("scoring.ScoreEntry", "scorecard_id"), ("evidence.EvidenceFile", "scorecard_id"))))
# The fields sealed since the first release (a later column, e.g. `sequence`, guarded by the
# triggers, would otherwise change the digest of every report sealed before it).
declare(Seal("report_submitted", "scoring.InspectionReport", "检查整改情况报告",
             include=("id", "organizer_id", "campaign_id", "figures", "narrative", "status", "is_late",
                      "submitted_by_id", "submitted_at")))
declare(Seal("website_final_approved", "registry.Website", "网站",
             include=("name", "homepage_url", "url_key", "site_class", "is_portal", "data", "unit_id",
                      "organizer_id", "site_code", "status", "version", "life", "merged_into_id"),
             released_by=("website_change_requested", "website_life_requested")))
# A returned change request leaves the approved record as it was: sealed again.
declare(Seal("website_returned", "registry.Website", "网站", include=SEALS["website_final_approved"].include,
             released_by=SEALS["website_final_approved"].released_by, only_when=("approved",)))
# ---- a site's life (registry.services.life): a step of an approved site's life seals it again as it now is ----
for _event in ("website_offline", "website_back_online", "website_closed", "website_merged", "website_migrated",
               "website_closure_withdrawn"):
    declare(Seal(_event, "registry.Website", "网站", include=SEALS["website_final_approved"].include,
                 released_by=SEALS["website_final_approved"].released_by, only_when=("approved",)))
# ---- end: a site's life ----
declare(Seal("spotcheck_signed", "spotcheck.BatchSite", "抽查复核结果"))
declare(Seal("notice_published", "spotcheck.Notice", "通报",
             include=("batch_id", "corrects_id", "correction_reason", "title", "figures", "unqualified", "typical",
                      "body", "status", "published_at", "published_by_id")))


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _fields(model, seal_include=()) -> list[str]:
    if seal_include:
        return list(seal_include)
    return [f.attname for f in model._meta.concrete_fields if not getattr(f, "auto_now", False)]


def _plain(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt_timezone.utc)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (dict, list)):
        return json.loads(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))
    return value


def content(seal: Seal, pk) -> dict | None:
    """The record's content as stored (None if it is gone)."""
    model = _model(seal.model)
    row = model._base_manager.filter(pk=pk).values(*_fields(model, seal.include)).first()
    if row is None:
        return None
    result = {"row": {k: _plain(v) for k, v in sorted(row.items())}, "children": {}}
    for child_label, fk in seal.children:
        child = _model(child_label)
        names = _fields(child)
        rows = child._base_manager.filter(**{fk: pk}).order_by("pk").values(*names)
        result["children"][child_label] = [{k: _plain(v) for k, v in sorted(r.items())} for r in rows]
    return result


def digest(seal: Seal, pk) -> str | None:
    data = content(seal, pk)
    if data is None:
        return None
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


# ------------------------------------------------------------ sealing

_PENDING = "_audit_seal_pending"


def mark(instance, event: str, actor=None, request=None) -> None:
    """Called for each declared transition: a sealing one marks the instance; the seal is
    written right after its save (post_save, same transaction), from the stored rows."""
    seal = SEALS.get(event)
    if seal is None or instance._meta.label != seal.model:
        return
    if seal.only_when and getattr(instance, "status", None) not in seal.only_when:
        return
    setattr(instance, _PENDING, (seal, actor, request))


def take_pending(instance, raw=False):
    """The seal `mark` left on a just-saved instance (taken off it), or None; services.record_seal
    writes it (the seals module reads and computes, the audit service writes)."""
    pending = getattr(instance, _PENDING, None)
    if pending is None or raw:
        return None
    delattr(instance, _PENDING)
    return pending


# ------------------------------------------------------------ verifying

def verify(events) -> tuple[int, list[str]]:
    """(records checked, problems in Chinese) over the audit events (a queryset in the
    chain): each record's latest seal, unless a later reopening event released it."""
    releasing = {event for seal in SEALS.values() for event in seal.released_by}
    latest: dict[tuple[str, str], tuple] = {}
    rows = (events.filter(action__in=[SEALED, *releasing])
            .order_by("id").values_list("id", "at", "action", "object_type", "object_id", "object_repr", "details"))
    for pk, at, action, object_type, object_id, object_repr, details in rows.iterator(chunk_size=5000):
        latest[(object_type, object_id)] = (pk, at, action, object_repr, details or {})
    problems, checked = [], 0
    for (object_type, object_id), (pk, at, action, object_repr, details) in sorted(latest.items()):
        if action != SEALED:
            continue
        seal = SEALS.get(details.get("event", ""))
        if seal is None or seal.model.lower() != object_type:
            problems.append(f"第 {pk} 条封存记录：对象类型“{object_type}”与封存事件不符")
            continue
        checked += 1
        now = digest(seal, object_id)
        if now is None:
            problems.append(f"{seal.label}（编号 {object_id}，{object_repr}）已被删除（第 {pk} 条审计记录封存）")
        elif now != details.get("digest"):
            problems.append(f"{seal.label}（编号 {object_id}，{object_repr}）的内容与第 {pk} 条审计记录"
                            f"（{at:%Y-%m-%d %H:%M:%S}）封存时不符：记录或其明细被改动")
    return checked, problems
