"""Real vantage points: two Celery workers, each consuming only its own vantage point's
probe queue (Redis db 14), probe every site of a round; one of them is cut off from a site
(its host map sends that site to an address nobody listens on). The availability verdict
counts a failure only when both agree. A third worker scans (its own queue): a probe round
sent while a long scan runs is answered at once — probing never waits behind scanning."""

import json
import time
import uuid

import pytest
from django.db import connection

from sitecensus.core.testing import redis_up
from sitecensus.scanner.engine.testing.synthetic import SyntheticWeb, serve_in_thread
from sitecensus.scanner.models import Probe, ScanRun
from sitecensus.scanner.testing import register_synthetic, start_celery_worker, stop_celery_worker, use_broker

BROKER = "redis://127.0.0.1:6379/14"


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the workers need the test database: PostgreSQL"),
    pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379"),
]


def worker(name: str, queues: str, host_map: dict, vantage: str = ""):
    return start_celery_worker(name, queues, CELERY_BROKER_URL=BROKER, SITECENSUS_VANTAGE=vantage,
                               SCANNER_HOST_MAP_JSON=json.dumps(host_map), SCANNER_TIMEOUT="8")


def wait_for(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_every_vantage_point_probes_and_a_failure_needs_agreement(settings, live_demo):
    from sitecensus.accounts.models import User
    from sitecensus.scanner import services
    from sitecensus.scanner.tasks import scan_task, send_probes
    from sitecensus.celery import app

    tag = uuid.uuid4().hex[:6]
    va, vb = f"a{tag}", f"b{tag}"
    settings.SCANNER_VANTAGES = [va, vb]
    settings.AVAILABILITY_REQUIRE_AGREEMENT = True
    use_broker(app, BROKER)
    users = {u.username: u for u in User.objects.select_related("unit")}
    synthetic = SyntheticWeb(n_sites=2, seed=11, bad_kinds=["hang", "reset"], slow_s=0.1)
    with serve_in_thread(synthetic) as web:
        sites = register_synthetic(web, users["laishui_lsz"].unit, users["laishui"].unit)
        good = [s for s in sites if "bad" not in s.homepage_url]
        cut, ok = good
        down = next(s for s in sites if "bad-reset" in s.homepage_url)
        hang = next(s for s in sites if "bad-hang" in s.homepage_url)
        full = web.host_map()
        # Vantage B cannot reach `cut`: its route to that host goes nowhere (connection refused).
        cut_host = cut.homepage_url.split("//")[1].split(":")[0].split("/")[0]
        partial = {**full, cut_host: "127.0.0.2"}
        procs = [worker("pa", f"probe.{va}", full, va), worker("pb", f"probe.{vb}", partial, vb),
                 worker("scan", f"scan{tag}", full)]
        try:
            ids = [cut.pk, ok.pk, down.pk]
            send_probes(ids, "r1")
            assert wait_for(lambda: Probe.objects.filter(round="r1").count() == 6, 90), \
                list(Probe.objects.values_list("website_id", "vantage", "success"))
            seen = {(p.website_id, p.vantage): p.success for p in Probe.objects.filter(round="r1")}
            assert seen == {(cut.pk, va): True, (cut.pk, vb): False, (ok.pk, va): True, (ok.pk, vb): True,
                            (down.pk, va): False, (down.pk, vb): False}
            assert services.availability(cut).failures == 0  # only B failed: not a failure
            assert services.availability(down).failures == 1  # both agree: a failure
            settings.AVAILABILITY_REQUIRE_AGREEMENT = False
            assert services.availability(cut).failures == 1  # (without agreement B's failure would count)

            # A long scan on the scan queue; a probe round sent meanwhile is answered at once.
            scan_task.apply_async(args=[[hang.pk, ok.pk]], kwargs={"trigger": "schedule"}, queue=f"scan{tag}")
            assert wait_for(lambda: ScanRun.objects.filter(kind="scan", status="running", total=2).exists(), 60)
            sent = time.time()
            send_probes([ok.pk], "r2")
            assert wait_for(lambda: Probe.objects.filter(round="r2").count() == 2, 30)
            answered = time.time() - sent
            scan = ScanRun.objects.get(kind="scan", total=2)
            assert scan.status == "running", "the probes came only after the scan"
            print(f"probe round answered in {answered:.1f} s during a scan")
        finally:
            for proc in procs:
                stop_celery_worker(proc)
