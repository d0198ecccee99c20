"""Long jobs: the request only queues them; a worker runs them and the requester
follows the progress page (JSON for the page's script)."""

import threading

import pytest
from django.db import connection

from sitecensus.core.testing import wait_until
from sitecensus.jobs import services
from sitecensus.jobs.models import Job
from sitecensus.jobs.registry import job

RELEASE = threading.Event()


@job("test_wait")
def _wait(job, *, steps: int = 2):
    for i in range(steps):
        services.progress(job, i + 1, steps, f"第 {i + 1} 步")
    RELEASE.wait(10)
    return {"ok": True}


@job("test_fail")
def _fail(job):
    from sitecensus.core.errors import InvalidState

    raise InvalidState("批次状态不允许")


def test_inline_job_runs_and_its_page_follows_it(client, demo_users):
    RELEASE.set()
    user = demo_users["laishui"]
    done = services.enqueue("test_wait", actor=user, label="测试任务", params={"steps": 3}, next_url="/sites/")
    assert done.status == "done" and done.result == {"ok": True} and done.done == 3
    client.force_login(user)
    assert client.get(f"/jobs/{done.pk}/").headers["Location"] == "/sites/"  # done: on to the result
    page = client.get(f"/jobs/{done.pk}/?stay=1").content.decode()
    assert "测试任务" in page and "已完成" in page
    failed = services.enqueue("test_fail", actor=user, label="失败的任务")
    status = client.get(f"/jobs/{failed.pk}.json").json()
    assert status["status"] == "failed" and status["error"] == "批次状态不允许"
    client.force_login(demo_users["baoding"])  # another user's job does not exist for them
    assert client.get(f"/jobs/{done.pk}.json").status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the in-memory SQLite test database locks whole tables "
                    "between threads; the embedded WAL file is tested through a real server "
                    "(sitecensus/registry/tests/test_import_concurrency.py)")
def test_embedded_worker_runs_jobs_without_holding_the_request(client, settings, live_demo):
    from sitecensus.accounts.models import User

    settings.JOBS_MODE = "thread"
    RELEASE.clear()
    user = User.objects.get(username="laishui")
    queued = services.enqueue("test_wait", actor=user, label="后台任务", params={"steps": 2})
    assert queued.status in ("queued", "running")  # returned while the job waits for RELEASE
    client.force_login(user)
    seen = []

    def at_step_two():
        seen.append(client.get(f"/jobs/{queued.pk}.json").json())
        return seen[-1]["done"] == 2

    # Budgets a loaded machine meets (the waits end as soon as the condition holds).
    assert wait_until(at_step_two, 120, every=0.1), seen[-1]
    status = seen[-1]
    assert status["status"] == "running" and status["message"] == "第 2 步"
    RELEASE.set()
    assert wait_until(lambda: Job.objects.get(pk=queued.pk).status == "done", 120, every=0.1)
    assert Job.objects.get(pk=queued.pk).result == {"ok": True}


def test_a_large_export_is_a_job_with_a_file_for_its_requester(client, demo_users, settings, tmp_path):
    import io

    from openpyxl import load_workbook

    settings.VAR_DIR = tmp_path
    settings.EXPORT_INLINE_MAX = 2
    client.force_login(demo_users["guoban"])
    response = client.get("/sites/export/")
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="job-file"' in page and "已完成" in page
    download = client.get(response["Location"] + "file/")
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "网站标识码" and len(rows) > 3
    client.force_login(demo_users["hebei"])
    assert client.get(response["Location"] + "file/").status_code == 404
    settings.EXPORT_INLINE_MAX = 100000  # small scopes stay a direct download
    client.force_login(demo_users["guoban"])
    assert client.get("/sites/export/")["Content-Type"].startswith("application/vnd.openxml")


def test_every_kind_is_registered_by_its_own_app():
    """The jobs app imports no app (import-linter): each app's jobs.py registers its kinds
    from its AppConfig.ready, so they are all there once Django is set up."""
    from sitecensus.jobs.registry import JOBS

    homes = {"import_commit": "registry", "site_export": "registry", "spotcheck_scan": "spotcheck",
             "site_scan": "scanner", "statistics_refresh": "stats"}
    for kind, app in homes.items():
        assert JOBS[kind].__module__ == f"sitecensus.{app}.jobs", kind
    assert all(not fn.__module__.startswith("sitecensus.jobs.") or ".tests" in fn.__module__
               for fn in JOBS.values())
