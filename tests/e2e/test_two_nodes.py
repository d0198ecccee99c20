"""The two-node layout (README, "Two app nodes"), simulated on this machine: two app nodes — each a
gunicorn on its own port and a Celery worker — behind one nginx upstream, one PostgreSQL, one Redis.
Under load, one node's gunicorn and the other node's worker are killed as in a crash (SIGKILL):
no request fails (nginx passes them to the live node; the only loss it cannot mend is a page the
killed node had begun to send, at most one per connection at the kill) and no job is lost (late acknowledgement: the
broker hands the killed worker's jobs to the live one)."""

import http.client
import json
import ssl
import threading
import time
import uuid

import pytest
from django.db import connection

from deploy.localstack import LocalStack, nginx_binary
from sitecensus.core.testing import redis_up, wait_until
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.scanner.engine.testing.synthetic import SyntheticWeb, serve_in_thread

from .test_production_stack import _login_post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the production stack runs on PostgreSQL"),
    pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379"),
    pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (.ci/run installs it)"),
]

JOB_SECONDS = 8        # each job scans a site that never answers: it runs for the scanner's page timeout
VISIBILITY = 12        # a killed worker's job returns to the queue this long after it was handed out
PAGES = ("/accounts/login/", "/pucha/", "/static/css/app.css")


class Load:
    """Clients requesting pages through nginx over keep-alive HTTPS connections, counting every answer."""

    def __init__(self, stack, clients: int = 4):
        self.stack, self.clients = stack, clients
        self.answers: list[int | str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(clients)]

    def client(self, n: int) -> None:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", self.stack.https_port, context=context, timeout=60)
        k = n
        while not self.stop.is_set():
            path = PAGES[k % len(PAGES)]
            k += 1
            try:
                conn.request("GET", path, headers={"Host": f"localhost:{self.stack.https_port}"})
                response = conn.getresponse()
                response.read()
                answer: int | str = response.status
            except (OSError, http.client.HTTPException) as error:  # the client saw no answer: a failure
                answer = f"{path}: {type(error).__name__}: {error}"
                conn.close()
            with self.lock:
                self.answers.append(answer)

    def count(self) -> int:
        with self.lock:
            return len(self.answers)

    def wait_for(self, more: int, seconds: float = 60) -> None:
        target = self.count() + more
        assert wait_until(lambda: self.count() >= target, seconds), f"load stalled at {self.count()} answers"

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(60)


def test_an_app_node_and_a_worker_killed_under_load_fail_no_request_and_lose_no_job(live_demo):
    from sitecensus.accounts.models import User
    from sitecensus.celery import app
    from sitecensus.jobs.models import Job
    from sitecensus.jobs.tasks import run_job
    from sitecensus.registry.models import Website
    from sitecensus.scanner.testing import use_broker

    requester = User.objects.select_related("unit").get(username="laishui")
    redis_db, scan_queue = 12, f"scan-two-nodes-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    with serve_in_thread(SyntheticWeb(n_sites=0, seed=4, bad_kinds=["hang"])) as web:
        [target] = web.targets()
        site = Website.objects.create(
            unit=requester.unit, organizer=requester.unit, name="不应答的网站", homepage_url=target["homepage"],
            url_key=target["homepage"].rstrip("/"), site_class="县级政府部门网站", status=Website.Status.APPROVED,
            site_code=target["site_code"][:10], data={})
        env = {"SCAN_QUEUE": scan_queue, "SCANNER_ALLOW_PRIVATE": "1", "SCANNER_TIMEOUT": str(JOB_SECONDS),
               "SCANNER_HOST_MAP_JSON": json.dumps(web.host_map()), "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
               "CELERY_RESTORE_THROTTLE": "1"}
        with LocalStack(url, redis_db=redis_db, workers=1, threads=4, nodes=2, extra_env=env) as stack:
            use_broker(app, f"redis://127.0.0.1:6379/{redis_db}")
            jobs = [Job.objects.create(kind="site_scan", label=f"扫描 {n}", params={"website_ids": [site.pk]},
                                       requested_by=requester) for n in range(4)]
            for job in jobs:
                run_job.apply_async(args=[job.pk], queue=scan_queue)
            with Load(stack) as load:
                load.wait_for(20)
                # Both workers (two processes each) are busy: every job runs.
                assert wait_until(lambda: Job.objects.filter(pk__in=[j.pk for j in jobs],
                                                             status=Job.Status.RUNNING).count() == 4, 60), \
                    stack.logs()
                killed_at = time.time()
                stack.kill_app(0)
                stack.kill_worker(1)
                load.wait_for(60)
                # A POST the dead node never received goes to the live node.
                logins = [_login_post(stack, "127.0.0.1", "laishui", DEMO_PASSWORD) for _ in range(4)]
                load.wait_for(20)
            # The one answer nginx can neither complete nor pass on: a page the killed node had begun to
            # send (its headers out, its body not: gunicorn writes the two apart). At most one per client
            # connection, at the kill; any other failure (refused, reset before an answer, 502…) fails the test.
            failed = [a for a in load.answers if a != 200]
            cut = [a for a in failed if isinstance(a, str) and "IncompleteRead" in a]
            assert failed == cut and len(cut) <= load.clients and logins == [302] * 4, (failed[:5], logins)

            assert wait_until(lambda: Job.objects.filter(pk__in=[j.pk for j in jobs],
                                                         status=Job.Status.DONE).count() == 4,
                              VISIBILITY + 10 + 3 * JOB_SECONDS + 15), \
                [(j.pk, j.status) for j in Job.objects.filter(pk__in=[j.pk for j in jobs])]
            # The killed worker's jobs were run again (started after the kill) by the live node's worker.
            rerun = Job.objects.filter(pk__in=[j.pk for j in jobs], started_at__gt=_aware(killed_at))
            assert rerun.exists()
        print(f"{len(load.answers)} requests, {len(failed)} cut mid-answer by the kill, none other failed; "
              f"{rerun.count()} job(s) handed to the live worker")


def _aware(ts: float):
    from datetime import datetime, timezone

    return datetime.fromtimestamp(ts, tz=timezone.utc)
