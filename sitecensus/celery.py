"""Celery for the scaled-out mode: the same task code as the embedded mode,
on workers (with a vantage-point label) fed by a Redis broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitecensus.settings")

app = Celery("sitecensus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["sitecensus.scanner", "sitecensus.jobs"])
