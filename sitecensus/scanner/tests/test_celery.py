"""A real Celery worker on the local Redis scans through the same task code;
a worker killed mid-task loses no task (late ack: the broker redelivers it)."""

import json
import os
import signal
import time
import uuid

import pytest
from django.db import connection

from sitecensus.core.testing import redis_up
from sitecensus.scanner.engine.testing.synthetic import SyntheticWeb, serve_in_thread
from sitecensus.scanner.models import ScanRun, SiteScan
from sitecensus.scanner.testing import register_synthetic, start_celery_worker, stop_celery_worker, use_broker


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs the test database: PostgreSQL"),
    pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379"),
]


@pytest.fixture
def env(live_demo):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    broker = "redis://127.0.0.1:6379/7"
    from sitecensus.celery import app

    use_broker(app, broker)
    app.conf.task_default_queue = queue
    return {"queue": queue, "broker": broker}


def start_worker(env, web, name, vantage="电信"):
    return start_celery_worker(name, env["queue"], CELERY_BROKER_URL=env["broker"], CELERY_QUEUE=env["queue"],
                               SITECENSUS_VANTAGE=vantage, SCANNER_HOST_MAP_JSON=json.dumps(web.host_map()),
                               CELERY_VISIBILITY_TIMEOUT="4", CELERY_RESTORE_THROTTLE="1", SCANNER_TIMEOUT="6")


def wait_for(predicate, seconds):
    started = time.time()
    deadline = started + seconds
    while time.time() < deadline:
        if predicate():
            print(f"waited {time.time() - started:.1f} s")
            return True
        time.sleep(0.3)
    return False


def test_worker_scans_and_a_killed_worker_loses_no_task(env):
    from sitecensus.accounts.models import User
    from sitecensus.scanner.tasks import scan_task

    users = {u.username: u for u in User.objects.select_related("unit")}
    synthetic = SyntheticWeb(n_sites=2, seed=3, bad_kinds=["hang"])
    with serve_in_thread(synthetic) as web:
        sites = register_synthetic(web, users["laishui_lsz"].unit, users["laishui"].unit)
        good = [s for s in sites if "bad" not in s.homepage_url]
        slow = next(s for s in sites if "bad-hang" in s.homepage_url)

        worker = start_worker(env, web, "w1")
        try:
            scan_task.apply_async(args=[[s.pk for s in good]], queue=env["queue"])
            assert wait_for(lambda: SiteScan.objects.filter(website__in=good).count() == len(good), 90), \
                worker.stdout.read1().decode() if worker.poll() is not None else "worker did not finish"
            run = ScanRun.objects.filter(site_scans__website=good[0]).first()
            assert run.vantage == "电信" and run.status == "done"

            # Mid-task kill: the hanging site keeps the worker busy; SIGKILL it, start another.
            scan_task.apply_async(args=[[slow.pk]], queue=env["queue"])
            assert wait_for(lambda: ScanRun.objects.filter(status="running", total=1).exists(), 60)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        finally:
            stop_celery_worker(worker)
        second = start_worker(env, web, "w2", vantage="联通")
        try:
            assert wait_for(lambda: SiteScan.objects.filter(website=slow).exists(), 120), "task was lost"
            finished = ScanRun.objects.get(site_scans__website=slow)
            assert finished.vantage == "联通" and finished.status == "done"
        finally:
            stop_celery_worker(second)
