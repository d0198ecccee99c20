"""A run whose worker died does not stay "running" for ever: the next run marks
it failed (superseded), with the reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sitecensus.scanner import services
from sitecensus.scanner.models import ScanRun

pytestmark = pytest.mark.django_db


def test_a_dead_run_is_failed_and_superseded(settings):
    settings.SCAN_RUN_MAX_SECONDS = 3600
    dead = ScanRun.objects.create(kind=ScanRun.Kind.SCAN, total=10, trigger="manual")
    live = ScanRun.objects.create(kind=ScanRun.Kind.SCAN, total=10, trigger="manual")
    ScanRun.objects.filter(pk=dead.pk).update(started_at=timezone.now() - timedelta(hours=2))
    new = services._start_run(ScanRun.Kind.SCAN, 1, trigger="manual", vantage="")
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == ScanRun.Status.FAILED and "已由新的扫描任务取代" in dead.error and dead.finished_at
    assert live.status == ScanRun.Status.RUNNING  # a run still within its time is left alone
    assert new.status == ScanRun.Status.RUNNING
