"""Celery for the scaled-out mode: the same task code as the embedded mode, on
workers fed by a Redis broker. Queues: `sitecensus` (users' long jobs), `scan`
(scans), `probe.<vantage>` (one per vantage point) and `tick` (the scheduler's
one-minute tick, sent by `celery beat`)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitecensus.settings")

app = Celery("sitecensus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["sitecensus.scanner", "sitecensus.jobs"])
app.autodiscover_tasks(["sitecensus.scanner"], related_name="scheduler")  # scanner.tick
app.conf.task_routes = {"scanner.tick": {"queue": "tick"}}
app.conf.beat_schedule = {
    # Probe rounds of every vantage point, the day's scans, the statistics rebuild when due.
    "scheduler-tick": {"task": "scanner.tick", "schedule": 60.0, "options": {"expires": 55}},
    # A site's life, daily: closure notices checked, the registry against reality (scanner.life).
    "site-life-daily": {"task": "scanner.daily_life", "schedule": crontab(hour=int(os.environ.get("RECONCILE_HOUR", 3)),
                                                                         minute=15),
                        "options": {"queue": "scan", "expires": 3600}},
    # The apps' daily work (sitecensus.jobs.registry.daily; embedded, the scheduler's tick runs it):
    # every spot-check plan's round of the current period, made where missing (spotcheck.jobs.open_rounds).
    "spotcheck-open-rounds-daily": {"task": "jobs.daily", "args": ["spotcheck_open_rounds"],
                                    "schedule": crontab(hour=int(os.environ.get("DAILY_JOBS_HOUR", 1)), minute=5),
                                    "options": {"expires": 3600}},
}
