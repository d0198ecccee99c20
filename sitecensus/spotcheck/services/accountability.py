"""Accountability (问责) per problem site (issue 24): a measure (约谈, 书面检查, 通报批评, 诫勉谈话, 调离岗位,
党纪政务处分, 其他) against the responsible unit, recorded by the organizing unit of the spot check —
one transaction, one audit event; shown on the notice and the site's spot-check page."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidInput
from sitecensus.orgs.models import Unit

from .. import policy
from ..models import Accountability, BatchSite

NOTE_MAX = 1000


@transaction.atomic
def record_measure(*, actor, website, unit: Unit | None = None, measure: str, decided_at: date | None = None,
                   note: str = "", persons=1, batch_site: BatchSite | None = None, request=None) -> Accountability:
    """A measure recorded against `unit` (default: the site's unit) for a problem site, by the
    organizing unit (国办, or the province for its region); a spot-check record, when named, must be
    one of the recorder's own batches and of this site."""
    policy.ACCOUNTABILITY.check(policy.may_record_accountability(actor, website))
    if measure not in Accountability.Measure.values:
        raise InvalidInput(f"请选择问责方式（{'、'.join(Accountability.Measure.values)}）", field="measure")
    unit = unit or website.unit
    if not (policy.is_national_office(actor) or unit.path.startswith(actor.unit.path)):
        raise InvalidInput(f"“{unit.name}”不在本单位的管辖范围内", field="unit")
    if batch_site is not None and (batch_site.website_id != website.pk or batch_site.batch.organizer_id != actor.unit_id):
        raise InvalidInput("所选抽查记录不是本单位对该网站的抽查", field="batch_site")
    decided_at = decided_at or timezone.localdate()
    if decided_at > timezone.localdate():
        raise InvalidInput("决定日期不能晚于今天", field="decided_at")
    try:
        persons = int(persons)
    except (TypeError, ValueError):
        raise InvalidInput(f"问责人次“{persons}”不是整数", field="persons") from None
    if not 1 <= persons <= 999:
        raise InvalidInput("问责人次应在 1 到 999 之间", field="persons")
    note = str(note or "").replace("\x00", "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"说明不能超过 {NOTE_MAX} 字（当前 {len(note)} 字）", field="note")
    found = Accountability.objects.create(website=website, batch_site=batch_site, unit=unit, measure=measure,
                                          persons=persons, decided_at=decided_at, note=note, recorded_by=actor,
                                          recorder_unit=actor.unit)
    record("accountability_recorded", actor=actor, request=request, obj=website, measure=measure, unit=unit.name,
           persons=persons, decided_at=str(decided_at), batch_site=batch_site.pk if batch_site else None)
    return found
