"""The Celery task that runs any job (scaled-out mode); services.dispatch sends it by name."""

from celery import shared_task

from . import services


@shared_task(name="jobs.run", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> str:
    return services.run(job_id)


@shared_task(name="jobs.daily")
def run_daily(name: str) -> dict:
    """One of the apps' daily work (registry.daily) by name: what celery beat sends once a day."""
    from .registry import DAILY

    return DAILY[name]()
