"""The long jobs of the product, each a thin wrapper around its app's service
function (which owns the transactions, the audit events and the typed errors)."""

from __future__ import annotations

from sitecensus.core.db import background

from .registry import job
from .services import progress


@job("import_commit")
def import_commit(job, *, batch_id: int, valid_only: bool = False) -> dict:
    from sitecensus.registry import imports
    from sitecensus.registry.models import ImportBatch

    batch = ImportBatch.objects.get(pk=batch_id)
    return imports.commit(actor=job.requested_by, batch=batch, valid_only=valid_only,
                          progress=lambda done, total: progress(job, done, total, f"已写入 {done} / {total} 个网站"))


@job("import_dry_run")
def import_dry_run(job, *, batch_id: int) -> dict:
    """The dry run of an upload (every workbook of it), its analysis stored for the confirm."""
    from sitecensus.registry import imports
    from sitecensus.registry.models import ImportBatch

    batch = imports.analyse(actor=job.requested_by, batch=ImportBatch.objects.get(pk=batch_id),
                            progress=lambda done, total, message: progress(job, done, total, message))
    return {"batch": batch.pk, "totals": batch.summary.get("totals") or {}}


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
    from sitecensus.stats.selectors import warm_cache
    from sitecensus.stats.services import refresh_tallies

    with background():
        at = refresh_tallies(force=True)
        return {"refreshed_at": at.isoformat(), "scopes_warmed": warm_cache()}


@job("site_export")
def site_export(job, *, filters: dict) -> dict:
    """A large scope's site list as an Excel file kept for its requester (var/exports)."""
    from django.conf import settings
    from django.utils import timezone

    from sitecensus.audit.services import record
    from sitecensus.core.excel import write_sheets
    from sitecensus.registry import selectors
    from sitecensus.registry.export import export_sheets

    user = job.requested_by
    sites = selectors.website_list(user, **filters)
    folder = settings.VAR_DIR / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"job-{job.pk}.xlsx"
    with open(path, "wb") as out:
        # Every field of every site, and a 栏目 sheet with all their columns.
        rows = write_sheets(out, export_sheets(
            sites, progress=lambda n: progress(job, n, message=f"已写出 {n} 行")))[0]
    record("websites_exported", actor=user, filters=filters, rows=rows)
    return {"file": path.name, "filename": f"政府网站-{timezone.localdate():%Y%m%d}.xlsx", "rows": rows}
