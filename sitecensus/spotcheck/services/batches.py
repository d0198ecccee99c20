"""A batch's run: started (monitoring), the machine scan of its sample queued as
a background job and recorded (scanned)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidState
from sitecensus.registry.models import Website

from .. import policy
from ..models import Batch


@transaction.atomic
def start(*, actor, batch: Batch, request=None) -> Batch:
    policy.check_organize(actor, batch)
    if batch.status != Batch.Status.DRAFT or not batch.sites.exists():
        raise InvalidState("请先抽样；已启动的批次不能再次启动")
    batch.status = Batch.Status.MONITORING
    batch.save(update_fields=["status"])
    record("spotcheck_started", actor=actor, request=request, obj=batch)
    return batch


def check_scannable(*, actor, batch: Batch) -> None:
    policy.check_organize(actor, batch)
    if batch.status != Batch.Status.MONITORING:
        raise InvalidState("只有检查中的批次可以扫描")


def start_scan(*, actor, batch: Batch, request=None):
    """Queue the machine check of the sample (a background job: a 1 % national
    sample is hundreds of sites); returns the job whose page shows its progress."""
    from django.urls import reverse

    from sitecensus.jobs.services import enqueue

    check_scannable(actor=actor, batch=batch)
    return enqueue("spotcheck_scan", actor=actor, label=f"系统扫描：{batch.name}", params={"batch_id": batch.pk},
                   total=batch.sites.count(), next_url=reverse("spotcheck:batch", args=[batch.pk]))


def scan(*, actor, batch: Batch, request=None, progress=None):
    """The machine check of the sample (freshness judged at the window's end)."""
    from sitecensus.scanner import services as scanner

    check_scannable(actor=actor, batch=batch)
    ids = list(batch.sites.values_list("website_id", flat=True))
    run = scanner.scan(ids, trigger="spotcheck", as_of=min(batch.window_end, timezone.localdate()),
                       requested_by=actor, progress=progress)
    for website in Website.objects.filter(pk__in=ids):
        scanner.suggest_availability(website)
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.SCANNED)
    record("spotcheck_scanned", actor=actor, request=request, obj=batch, run=run.pk)
    return run
