"""Registering a synthetic government web's sites in the database, for the
Django-side tests and benchmarks of the scanner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.utils import timezone

from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website, WebsiteColumn

ROOT = Path(__file__).resolve().parents[2]

# Engine column classes → the column form's classes.
FORM_CLASS = {"动态要闻": "工作动态/要闻"}


def register_synthetic(web, unit: Unit, organizer: Unit) -> list[Website]:
    sites = []
    for target in web.targets():
        site = Website.objects.create(
            unit=unit, organizer=organizer, name=f"合成网站{target['site_code']}", homepage_url=target["homepage"],
            url_key=target["homepage"].rstrip("/"), site_class="县级政府部门网站", status=Website.Status.APPROVED,
            site_code=target["site_code"][:10], approved_at=timezone.now(), data={})
        columns = [WebsiteColumn(website=site, position=i, name=c["name"], url=c["url"], is_homepage=True,
                                 column_class=FORM_CLASS.get(c["class"], c["class"] or "其他"))
                   for i, c in enumerate(target["columns"], start=1)]
        columns += [WebsiteColumn(website=site, position=len(columns) + i, name=f"在线系统{i}", url=url,
                                  column_class="在线系统") for i, url in enumerate(target["systems"], start=1)]
        WebsiteColumn.objects.bulk_create(columns)
        sites.append(site)
    return sites


def use_broker(app, url: str) -> None:
    """Point the Celery app at a test broker. A connection pool opened earlier
    (another test, another broker) is dropped, or messages would still go there."""
    app.conf.broker_url = url
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def start_celery_worker(name: str, queues: str, **env) -> "subprocess.Popen":
    """A real Celery worker process on the test database (PostgreSQL: the worker
    connects as the test itself does), consuming only `queues`; `env` adds settings."""
    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    worker_env = {**os.environ, "DATABASE_URL": url, "SCANNER_ALLOW_PRIVATE": "1",
                  "DJANGO_SETTINGS_MODULE": "sitecensus.settings", **env}
    worker_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "sitecensus", "worker", "--pool=solo", "-Q", queues,
         "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=worker_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def stop_celery_worker(proc: "subprocess.Popen") -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
