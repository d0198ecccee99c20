"""The spot check's long job (registered with sitecensus.jobs from SpotcheckConfig.ready)."""

from __future__ import annotations

from sitecensus.jobs.registry import daily, job
from sitecensus.jobs.services import progress

from . import services
from .models import Batch


@job("spotcheck_scan")
def spotcheck_scan(job, *, batch_id: int) -> dict:
    batch = Batch.objects.get(pk=batch_id)
    run = services.scan(actor=job.requested_by, batch=batch,
                        progress=lambda done, total: progress(job, done, total, f"已扫描 {done} / {total} 个网站"))
    return {"run": run.pk, "sites": run.total}


@daily("spotcheck_open_rounds")
def open_rounds() -> dict:
    """Every plan's round of the current period, made where missing (`sitecensus open-rounds`, daily)."""
    made = services.open_due_rounds()
    return {"opened": [batch.name for batch in made]}
