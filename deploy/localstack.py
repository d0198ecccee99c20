"""The production stack on one machine, as the README's command sequence sets it up:
nginx (TLS, static files) → gunicorn (deploy/gunicorn.conf.py) → PostgreSQL, with Redis
for the cache, the sessions and the Celery broker, and a Celery worker for the jobs.

Used by the smoke test (tests/e2e/test_production_stack.py) and by bench/load.py:
    with LocalStack(database_url, redis_db=14) as stack:
        stack.url  # https://localhost:PORT

Ports are free ones picked at start; STACK_PORT_BASE=N (or ports=(https, http, app)) pins them to
N, N+1, N+2 instead. The Celery worker runs at the lower CPU priority of its systemd unit (Nice=5).

Each node also runs the reports lane (a one-worker gunicorn on its own port, as
deploy/systemd/sitecensus-reports.service) that nginx sends the statistics pages to;
reports=False leaves it out (nginx then sends those pages to the app nodes).

nodes=2 simulates the two-node layout (README, "Two app nodes"): two app nodes — each its own gunicorns
on their own ports and its own Celery worker — behind one nginx, one PostgreSQL, one Redis.
kill_app(i) and kill_worker(i) end a node's processes as a crash would (SIGKILL, whole process group).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER_NICE = 5  # the worker units' Nice=
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shipped_env(name: str) -> str | None:
    """A value of deploy/sitecensus.env.example (the stack runs with the shipped defaults)."""
    for line in (ROOT / "deploy" / "sitecensus.env.example").read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == name and not key.lstrip().startswith("#"):
            return value.strip()
    return None


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


class LocalStack:
    def __init__(self, database_url: str, *, redis_db: int = 14, workers: int | None = None,
                 threads: int | None = None,
                 celery: bool = True, extra_env: dict | None = None, ports: tuple[int, int, int] | None = None,
                 nodes: int = 1, reports: bool = True):
        self.database_url, self.redis_db = database_url, redis_db
        self.workers, self.threads, self.celery = workers, threads, celery
        self.extra_env = extra_env or {}
        self.dir = Path(tempfile.mkdtemp(prefix="sitecensus-stack-"))
        self.dir.chmod(0o755)  # nginx's workers (an unprivileged user) read the static files
        base = os.environ.get("STACK_PORT_BASE")
        if ports is None and base:
            ports = (int(base), int(base) + 1, int(base) + 2)
        self.https_port, self.http_port, self.app_port = ports or (free_port(), free_port(), free_port())
        # Node i's gunicorn listens on app_ports[i] (node 0 on app_port).
        self.app_ports = [self.app_port] + [free_port() for _ in range(max(1, nodes) - 1)]
        # Each node's reports lane (deploy/systemd/sitecensus-reports.service): the statistics pages.
        self.reports_ports = [free_port() for _ in self.app_ports] if reports else []
        self.url = f"https://localhost:{self.https_port}"
        self.procs: list[subprocess.Popen] = []
        self.node_procs: list[dict[str, subprocess.Popen]] = [{} for _ in self.app_ports]

    def env(self) -> dict:
        redis = f"redis://127.0.0.1:6379/{self.redis_db}"
        env = {**os.environ, "DATABASE_URL": self.database_url, "DB_CONN_MAX_AGE": "60",
               "DB_CONN_HEALTH_CHECKS": "1", "REDIS_URL": redis, "CACHE_PREFIX": f"stack{self.https_port}",
               "CELERY_BROKER_URL": redis, "SITECENSUS_HTTPS": "1", "BEHIND_PROXY": "1",
               "SITECENSUS_VAR": str(self.dir / "var"), "SECRET_KEY": "stack-test-" + "x" * 50,
               "ALLOWED_HOSTS": "localhost,127.0.0.1", "CSRF_TRUSTED_ORIGINS": self.url,
               "GUNICORN_BIND": f"127.0.0.1:{self.app_port}", "GUNICORN_ACCESS_LOG": str(self.dir / "gunicorn.log"),
               "DJANGO_SETTINGS_MODULE": "sitecensus.settings",
               "TRUSTED_PROXIES": shipped_env("TRUSTED_PROXIES") or "", **self.extra_env}
        # Unset: the shipped config's own numbers (deploy/gunicorn.conf.py).
        if self.workers is not None:
            env["GUNICORN_WORKERS"] = str(self.workers)
        if self.threads is not None:
            env["GUNICORN_THREADS"] = str(self.threads)
        for key in ("DJANGO_ALLOW_ASYNC_UNSAFE", "JOBS_MODE", "DEBUG"):
            env.pop(key, None)
        return env

    def gunicorn_shape(self) -> tuple[int, int]:
        """(workers, threads) gunicorn runs with: the shipped config read with this stack's environment."""
        import runpy

        saved = dict(os.environ)
        try:
            os.environ.update({k: v for k, v in self.env().items() if k.startswith("GUNICORN_")})
            conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return conf["workers"], conf["threads"]

    def _run(self, *args, **kwargs):
        return subprocess.run(args, cwd=ROOT, env=self.env(), check=True, capture_output=True, timeout=300, **kwargs)

    def _spawn(self, name: str, *args, env: dict | None = None) -> subprocess.Popen:
        log = open(self.dir / f"{name}.out", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(args, cwd=ROOT, env={**self.env(), **(env or {})}, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def queues(self) -> str:
        """The jobs and scan queues the workers serve (the settings' names, as this stack's environment sets them)."""
        env = self.env()
        jobs = env.get('JOBS_QUEUE') or env.get('CELERY_QUEUE') or 'sitecensus'
        return f"{jobs},{env.get('SCAN_QUEUE') or 'scan'}"

    def _node_name(self, i: int, name: str) -> str:
        return name if len(self.app_ports) == 1 else f"{name}{i + 1}"

    def kill_app(self, i: int) -> None:
        """Node i's gunicorns (masters and workers: the app's and the reports lane's) die as in a crash."""
        for name in ("gunicorn", "reports"):
            if name in self.node_procs[i]:
                self._kill(self.node_procs[i][name])

    def kill_reports(self, i: int) -> None:
        """Node i's reports lane alone dies (nginx then sends its pages to the app nodes)."""
        self._kill(self.node_procs[i]["reports"])

    def kill_worker(self, i: int) -> None:
        """Node i's Celery worker (main process and pool) dies as in a crash, mid-task."""
        self._kill(self.node_procs[i]["worker"])

    @staticmethod
    def _kill(proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(15)

    def start(self) -> LocalStack:
        # The README's sequence: static files, certificate, gunicorn, worker, nginx.
        self._run(str(BIN / "python"), "-m", "sitecensus.cli", "collectstatic", "--noinput", "-v", "0")
        cert, key = self.dir / "cert.pem", self.dir / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=localhost", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        for i, port in enumerate(self.app_ports):
            node = self.node_procs[i]
            gunicorn = self._node_name(i, "gunicorn")
            node["gunicorn"] = self._spawn(gunicorn, str(BIN / "gunicorn"), "-c",
                                           str(ROOT / "deploy" / "gunicorn.conf.py"),
                                           env={"GUNICORN_BIND": f"127.0.0.1:{port}",
                                                "GUNICORN_ACCESS_LOG": str(self.dir / f"{gunicorn}.log")})
            if self.reports_ports:
                # As deploy/systemd/sitecensus-reports.service: one worker of the shipped config, its own port.
                reports = self._node_name(i, "reports")
                node["reports"] = self._spawn(reports, str(BIN / "gunicorn"), "-c",
                                              str(ROOT / "deploy" / "gunicorn.conf.py"),
                                              "--bind", f"127.0.0.1:{self.reports_ports[i]}", "--workers", "1", "--name", "sitecensus-reports",
                                              "--access-logfile", str(self.dir / f"{reports}.log"))
            if self.celery:
                # As deploy/systemd/sitecensus-worker.service: background work yields the CPU to page views.
                node["worker"] = self._spawn(
                    self._node_name(i, "worker"), "nice", "-n", str(WORKER_NICE), str(BIN / "celery"), "-A",
                    "sitecensus", "worker", "-Q", self.queues(), "-n",
                    f"{self._node_name(i, 'stack')}-{self.https_port}@%h", "--concurrency=2", "--without-gossip",
                    "--without-mingle", "-l", "warning")
        conf = self.dir / "nginx.conf"
        subprocess.run([str(ROOT / "deploy" / "render-nginx"), str(conf), "localhost", str(self.https_port),
                        str(self.http_port), str(cert), str(key), str(self.dir / "var" / "static"),
                        ",".join(f"127.0.0.1:{port}" for port in self.app_ports), str(self.dir / "nginx"),
                        ",".join(f"127.0.0.1:{port}" for port in self.reports_ports)],
                       check=True)
        self._spawn("nginx", nginx_binary(), "-c", str(conf), "-g", "daemon off;")
        self._wait()
        return self

    def _wait(self, seconds: float = 60) -> None:
        import ssl

        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        deadline = time.time() + seconds
        waiting = [*self.app_ports, *self.reports_ports]
        while time.time() < deadline:
            try:
                # Every app node listens (gunicorn binds once its preloaded application is ready) …
                while waiting:
                    socket.create_connection(("127.0.0.1", waiting[0]), timeout=1).close()
                    waiting.pop(0)
                # … and a page comes through nginx.
                with urllib.request.urlopen(f"{self.url}/accounts/login/", context=context, timeout=5) as r:
                    if r.status == 200:
                        return
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.3)
        raise RuntimeError("the stack did not come up:\n" + self.logs())

    def logs(self) -> str:
        return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.dir.glob("*.out"))

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> LocalStack:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
