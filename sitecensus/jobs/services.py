"""Queueing and running jobs. One code path for every mode:

- scaled out (CELERY_BROKER_URL set): the row is created and the Celery task
  `jobs.run` is sent to the jobs queue once the transaction commits;
- embedded (no broker): an in-process worker pool (JOBS_EMBEDDED_WORKERS threads,
  each with its own database connection) runs it;
- inline (JOBS_MODE=inline, the tests): run at once in the caller.

A request never waits: it creates the row and redirects to the progress page."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from celery import current_app
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from sitecensus.core.errors import CensusError, NotFound

from .models import Job
from .registry import JOBS

log = logging.getLogger(__name__)
SCAN_KINDS = {"site_scan", "spotcheck_scan"}  # on the scan workers, not the users' job workers
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def mode() -> str:
    configured = getattr(settings, "JOBS_MODE", "") or ""
    if configured:
        return configured
    return "celery" if settings.CELERY_BROKER_URL else "thread"


def _embedded_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, int(getattr(settings, "JOBS_EMBEDDED_WORKERS", 2))),
                                       thread_name_prefix="sitecensus-job")
        return _pool


def _in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run(job_id)
    finally:
        connection.close()


def dispatch(job: Job) -> None:
    how = mode()
    if how == "inline":
        run(job.pk)
    elif how == "celery":
        queue = settings.SCAN_QUEUE if job.kind in SCAN_KINDS else settings.JOBS_QUEUE
        # Sent by name (tasks.py runs `run` below): the task module depends on this one, not back.
        transaction.on_commit(lambda: current_app.send_task("jobs.run", args=[job.pk], queue=queue))
    else:
        transaction.on_commit(lambda: _embedded_pool().submit(_in_thread, job.pk))


def enqueue(kind: str, *, actor=None, label: str, params: dict | None = None, total: int = 0,
            next_url: str = "") -> Job:
    """Create the job row and queue it; returns at once."""
    if kind not in JOBS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, label=label[:200], params=params or {}, total=total, next_url=next_url,
                             requested_by=actor)
    dispatch(job)
    job.refresh_from_db()
    return job


def progress(job: Job, done: int, total: int | None = None, message: str | None = None) -> None:
    """Report progress (one short UPDATE, outside the job's own transactions)."""
    fields = {"done": done}
    if total is not None:
        fields["total"] = total
    if message is not None:
        fields["message"] = message[:300]
    Job.objects.filter(pk=job.pk).update(**fields)
    for key, value in fields.items():
        setattr(job, key, value)


def run(job_id: int) -> str:
    """Run one job to its end; the outcome is on the row (never raised)."""
    claimed = Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
        status=Job.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return "skipped"
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    try:
        result = JOBS[job.kind](job, **job.params) or {}
    except CensusError as error:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=error.message[:2000],
                                             finished_at=timezone.now())
        return "failed"
    except Exception as error:  # noqa: BLE001 - recorded on the job; the page shows it
        log.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, finished_at=timezone.now(),
                                             error=f"内部错误（{type(error).__name__}），请联系系统管理员")
        return "failed"
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result=result, finished_at=timezone.now(),
                                         done=max(job.done, job.total))
    return "done"


def get_job(user, pk) -> Job:
    job = Job.objects.filter(pk=pk, requested_by=user).first() if str(pk).isdigit() else None
    if job is None:
        raise NotFound("后台任务不存在或不在您的权限范围内")
    return job


def latest_job(user, kind: str, **params) -> Job | None:
    """The user's latest job of `kind` with these params (a page showing a job it started)."""
    lookups = {f"params__{key}": value for key, value in params.items()}
    return Job.objects.filter(requested_by=user, kind=kind, **lookups).order_by("-pk").first()
