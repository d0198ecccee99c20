"""The long jobs of the product, each a thin wrapper around its app's service
function (which owns the transactions, the audit events and the typed errors)."""

from __future__ import annotations

from .registry import job
from .services import progress


@job("import_commit")
def import_commit(job, *, batch_id: int, valid_only: bool = False) -> dict:
    from sitecensus.registry import imports
    from sitecensus.registry.models import ImportBatch

    batch = ImportBatch.objects.get(pk=batch_id)
    return imports.commit(actor=job.requested_by, batch=batch, valid_only=valid_only,
                          progress=lambda done, total: progress(job, done, total, f"已写入 {done} / {total} 个网站"))


@job("spotcheck_scan")
def spotcheck_scan(job, *, batch_id: int) -> dict:
    from sitecensus.spotcheck import services
    from sitecensus.spotcheck.models import Batch

    batch = Batch.objects.get(pk=batch_id)
    run = services.scan(actor=job.requested_by, batch=batch,
                        progress=lambda done, total: progress(job, done, total, f"已扫描 {done} / {total} 个网站"))
    return {"run": run.pk, "sites": run.total}


@job("site_scan")
def site_scan(job, *, website_ids: list[int], run_id: int | None = None) -> dict:
    from sitecensus.scanner import services
    from sitecensus.scanner.models import ScanRun

    run = ScanRun.objects.filter(pk=run_id).first() if run_id else None
    run = services.scan(website_ids, trigger="manual", run=run, requested_by=job.requested_by)
    return {"run": run.pk}


@job("statistics_refresh")
def statistics_refresh(job) -> dict:
    from sitecensus.reports.services import refresh_tallies

    at = refresh_tallies(force=True)
    return {"refreshed_at": at.isoformat()}
