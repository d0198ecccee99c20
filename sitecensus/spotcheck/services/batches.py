"""A batch's run: started (monitoring), the machine scan of its sample queued as
a background job and recorded (scanned), or skipped with a reason."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput
from sitecensus.registry.models import Website

from .. import policy
from ..models import Batch


@transaction.atomic
def start(*, actor, batch: Batch, request=None) -> Batch:
    policy.check_organize(actor, batch)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    lifecycle.fire(batch, "start", actor=actor, request=request)
    batch.save(update_fields=["status"])
    return batch


def check_scannable(*, actor, batch: Batch) -> None:
    policy.check_organize(actor, batch)
    lifecycle.check(batch, "record_scan")


@transaction.atomic
def skip_scan(*, actor, batch: Batch, reason: str, request=None) -> Batch:
    """No machine scan for this batch, with the reason (audited, shown on the batch page):
    the re-check and the notice may follow without one."""
    policy.check_organize(actor, batch)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("不经系统扫描时请填写原因", field="reason")
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    lifecycle.fire(batch, "skip_scan", actor=actor, request=request, reason=reason[:300])
    batch.save(update_fields=["status", "scan_skipped_reason"])
    return batch


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
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        lifecycle.fire(batch, "record_scan", actor=actor, request=request, run=run.pk)
        batch.save(update_fields=["status"])
    return run
