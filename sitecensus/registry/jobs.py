"""The registry's long jobs (registered with sitecensus.jobs from RegistryConfig.ready): thin
wrappers around the registry's services, which own the transactions, audit events and errors."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core.excel import write_sheets
from sitecensus.jobs.registry import job
from sitecensus.jobs.services import progress

from . import imports, selectors
from .export import export_sheets
from .models import ImportBatch


@job("import_commit")
def import_commit(job, *, batch_id: int, valid_only: bool = False) -> dict:
    batch = ImportBatch.objects.get(pk=batch_id)
    return imports.commit(actor=job.requested_by, batch=batch, valid_only=valid_only,
                          progress=lambda done, total: progress(job, done, total, f"已写入 {done} / {total} 个网站"))


@job("import_dry_run")
def import_dry_run(job, *, batch_id: int) -> dict:
    """The dry run of an upload (every workbook of it), its analysis stored for the confirm."""
    batch = imports.analyse(actor=job.requested_by, batch=ImportBatch.objects.get(pk=batch_id),
                            progress=lambda done, total, message: progress(job, done, total, message))
    return {"batch": batch.pk, "totals": batch.summary.get("totals") or {}}


@job("site_export")
def site_export(job, *, filters: dict) -> dict:
    """A large scope's site list as an Excel file kept for its requester (var/exports)."""
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
