"""The shipped production configuration: background workers yield the CPU to page views,
and the local stack (used by the smoke test and bench/load.py) runs them the same way."""

import re
from pathlib import Path

import pytest

from deploy import localstack

DEPLOY = Path(localstack.__file__).resolve().parent


def test_background_worker_units_run_at_lower_cpu_priority_and_the_web_does_not():
    for unit in ("sitecensus-worker.service", "sitecensus-scan.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        assert re.search(rf"^Nice={localstack.WORKER_NICE}$", text, re.M), unit
    assert "Nice=" not in (DEPLOY / "systemd" / "sitecensus-web.service").read_text()


def test_local_stack_runs_its_worker_niced_and_can_pin_its_ports(monkeypatch):
    spawned = []
    stack = localstack.LocalStack("postgres://x/y", ports=(8150, 8151, 8152))
    assert (stack.https_port, stack.http_port, stack.app_port) == (8150, 8151, 8152)
    monkeypatch.setenv("STACK_PORT_BASE", "8155")
    other = localstack.LocalStack("postgres://x/y")
    other.stop()  # (removes its directory)
    assert other.app_port == 8157
    monkeypatch.setattr(stack, "_spawn", lambda name, *args, **kw: spawned.append((name, args)))
    monkeypatch.setattr(stack, "_run", lambda *a, **k: None)
    monkeypatch.setattr(stack, "_wait", lambda *a, **k: None)
    monkeypatch.setattr(localstack.subprocess, "run", lambda *a, **k: None)
    monkeypatch.setattr(localstack, "nginx_binary", lambda: "nginx")
    stack.start()
    stack.stop()
    worker = dict(spawned)["worker"]
    assert worker[:3] == ("nice", "-n", str(localstack.WORKER_NICE)) and worker[3].endswith("celery")
    assert dict(spawned)["gunicorn"][0].endswith("gunicorn")


def test_a_gunicorn_worker_takes_no_more_connections_than_it_has_threads(monkeypatch):
    import runpy

    for threads in ("4", "7"):
        monkeypatch.setenv("GUNICORN_THREADS", threads)
        conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
        assert conf["worker_class"] == "gthread"
        assert conf["worker_connections"] == conf["threads"] == int(threads)


@pytest.mark.django_db
def test_gunicorn_forks_warm_workers_from_a_preloaded_application(monkeypatch):
    """The shipped config preloads the application; the WSGI module warms what a first
    request would pay for (URL configuration, templates) and closes its database connections
    before the fork."""
    import runpy

    from django.template import engines

    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["preload_app"] is True
    import importlib

    import sitecensus.wsgi as wsgi

    from django.db import connections

    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    importlib.reload(wsgi)  # as the master loads it: warmed, then its connections closed
    assert closed
    assert wsgi.warm() > 50
    loader = engines["django"].engine.template_loaders[0]
    assert any(key.startswith("base.html") for key in loader.get_template_cache), "templates not compiled"


def test_the_example_environment_trusts_the_shipped_nginx_only():
    """Unset, every client behind nginx is 127.0.0.1 and every limit is global."""
    import ipaddress

    from deploy.localstack import shipped_env

    networks = [ipaddress.ip_network(n) for n in shipped_env("TRUSTED_PROXIES").split(",")]
    assert any(ipaddress.ip_address("127.0.0.1") in n for n in networks)
    assert not any(ipaddress.ip_address("10.0.0.1") in n or ipaddress.ip_address("127.0.0.2") in n
                   for n in networks)


def test_nginx_names_every_app_node_and_passes_requests_on_when_a_node_fails(tmp_path):
    """The two-node layout: one `server` line per app node; a request no node received goes to the next
    node, an idempotent one also after its node failed; a received POST is not sent again (no
    non_idempotent)."""
    import subprocess

    out = tmp_path / "nginx.conf"
    subprocess.run([str(DEPLOY / "render-nginx"), str(out), "localhost", "8443", "8080", "/c", "/k", "/static",
                    "10.0.0.11:8000,10.0.0.12:8000", str(tmp_path / "run")], check=True)
    text = out.read_text()
    upstream = re.search(r"upstream sitecensus \{([^}]*)\}", text).group(1)
    assert re.findall(r"server (\S+) max_fails=1 fail_timeout=10s;", upstream) == ["10.0.0.11:8000", "10.0.0.12:8000"]
    assert re.search(r"^\s*proxy_next_upstream error timeout http_502 http_503 http_504;", text, re.M)
    assert "non_idempotent" not in text.split("proxy_next_upstream", 1)[1].split(";", 1)[0]


def test_the_statistics_pages_have_a_lane_of_their_own_with_the_app_nodes_as_backups(tmp_path):
    """nginx sends /stats/ to the reports lane (sitecensus-reports: the shipped gunicorn
    config, one worker, its own port) and every other path to the app nodes; the app nodes back the
    lane up. Without a lane the app nodes serve those pages too."""
    import subprocess

    def render(*lanes):
        out = tmp_path / "nginx.conf"
        subprocess.run([str(DEPLOY / "render-nginx"), str(out), "localhost", "8443", "8080", "/c", "/k", "/static",
                        "10.0.0.11:8000,10.0.0.12:8000", str(tmp_path / "run"), *lanes], check=True)
        text = out.read_text()
        return text, re.search(r"upstream sitecensus_reports \{([^}]*)\}", text).group(1)

    text, reports = render("10.0.0.11:8001,10.0.0.12:8001")
    assert re.findall(r"server (\S+) max_fails=1 fail_timeout=10s( backup)?;", reports) == [
        ("10.0.0.11:8001", ""), ("10.0.0.12:8001", ""), ("10.0.0.11:8000", " backup"), ("10.0.0.12:8000", " backup")]
    passes = dict(re.findall(r"location (\S+) \{\s*proxy_pass http://(\w+);\s*\}", text))
    assert passes == {"/": "sitecensus", "/stats/": "sitecensus_reports"}
    _, without = render()
    assert re.findall(r"server (\S+) max_fails", without) == ["10.0.0.11:8000", "10.0.0.12:8000"]

    unit = (DEPLOY / "systemd" / "sitecensus-reports.service").read_text()
    start = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1).split()
    assert start[1:3] == ["-c", "/opt/sitecensus/deploy/gunicorn.conf.py"]
    assert start[start.index("--bind") + 1] == "127.0.0.1:8001" and start[start.index("--workers") + 1] == "1"
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    assert "127.0.0.1:8000 /run/sitecensus-nginx 127.0.0.1:8001\n" in readme  # the set-up's render-nginx line
    assert re.search(r"systemctl enable --now sitecensus-web sitecensus-reports ", readme)
