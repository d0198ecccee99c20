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


def test_scan_run_transitions_refused_and_audited(settings):
    from sitecensus.audit.models import AuditEvent
    from sitecensus.core.lifecycle import TransitionRefused, fire

    settings.SCAN_RUN_MAX_SECONDS = 3600
    dead = ScanRun.objects.create(kind=ScanRun.Kind.SCAN, total=10, trigger="manual")
    ScanRun.objects.filter(pk=dead.pk).update(started_at=timezone.now() - timedelta(hours=2))
    services.fail_abandoned_runs()
    dead.refresh_from_db()
    assert AuditEvent.objects.filter(action="scan_run_abandoned", object_id=str(dead.pk)).count() == 1
    for name in ("finish", "fail", "abandon"):  # a finished run is final
        with pytest.raises(TransitionRefused, match="扫描任务已结束") as caught:
            fire(dead, name, error="x")
        assert caught.value.code == f"scanner.scanrun.{name}"
    run = services._start_run(ScanRun.Kind.SCAN, 1, trigger="manual", vantage="")
    services._finish(run)
    assert run.status == ScanRun.Status.DONE
    assert AuditEvent.objects.filter(action="scan_run_finished", object_id=str(run.pk)).count() == 1
    with pytest.raises(AttributeError):
        run.status = ScanRun.Status.RUNNING
