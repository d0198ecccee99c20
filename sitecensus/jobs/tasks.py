"""The Celery task that runs any job (scaled-out mode); services.dispatch sends it by name."""

from celery import shared_task

from . import services


@shared_task(name="jobs.run", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> str:
    return services.run(job_id)
