"""The Celery task that runs any job (scaled-out mode)."""

from celery import shared_task


@shared_task(name="jobs.run", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> str:
    from . import services

    return services.run(job_id)
