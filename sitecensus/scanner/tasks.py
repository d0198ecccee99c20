"""Background work, one code path for both modes: with no broker configured the
scheduler calls these in-process (embedded mode); with CELERY_BROKER_URL set it
sends them to Celery workers on any number of machines."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(name="scanner.probe", acks_late=True, reject_on_worker_lost=True)
def probe_task(website_ids: list[int], round_id: str = "", vantage: str | None = None) -> int:
    from . import services

    run = services.probe(website_ids, round_id=round_id, vantage=vantage)
    return run.pk


@shared_task(name="scanner.scan", acks_late=True, reject_on_worker_lost=True)
def scan_task(website_ids: list[int], as_of: str | None = None, trigger: str = "schedule",
              vantage: str | None = None) -> int:
    from datetime import date

    from . import services

    run = services.scan(website_ids, trigger=trigger, vantage=vantage,
                        as_of=date.fromisoformat(as_of) if as_of else None)
    return run.pk


@shared_task(name="scanner.daily_life")
def daily_life_task() -> dict:
    """Once a day (celery beat, RECONCILE_HOUR): closures in their notice period checked, and the
    registry against reality (scanner.life)."""
    from . import life

    return life.daily()


def probe_queue(vantage: str) -> str:
    return f"probe.{vantage}" if vantage else "probe"


def send_probes(website_ids: list[int], round_id: str) -> None:
    """One probe round: to every vantage point's own queue (each worker of a vantage
    point consumes only its queue, so every vantage point probes every site)."""
    for vantage in settings.SCANNER_VANTAGES or [""]:
        probe_task.apply_async(args=[website_ids, round_id], kwargs={"vantage": vantage or None},
                               queue=probe_queue(vantage))


def dispatch(task, *args, **kwargs):
    """Run now in this process (embedded) or queue it for a worker (scaled out)."""
    if settings.CELERY_BROKER_URL:
        return task.delay(*args, **kwargs)
    return task(*args, **kwargs)
