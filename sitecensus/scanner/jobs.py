"""The scanner's long job (registered with sitecensus.jobs from ScannerConfig.ready)."""

from __future__ import annotations

from sitecensus.jobs.registry import job

from . import services
from .models import ScanRun


@job("site_scan")
def site_scan(job, *, website_ids: list[int], run_id: int | None = None) -> dict:
    run = ScanRun.objects.filter(pk=run_id).first() if run_id else None
    run = services.scan(website_ids, trigger="manual", run=run, requested_by=job.requested_by)
    return {"run": run.pk}
