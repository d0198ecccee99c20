"""The production stack on one machine, as the README's command sequence sets it up:
nginx (TLS, static files) → gunicorn (deploy/gunicorn.conf.py) → PostgreSQL, with Redis
for the cache, the sessions and the Celery broker, and a Celery worker for the jobs.

Used by the smoke test (tests/e2e/test_production_stack.py) and by bench/load.py:
    with LocalStack(database_url, redis_db=14) as stack:
        stack.url  # https://localhost:PORT

Ports are free ones picked at start; STACK_PORT_BASE=N (or ports=(https, http, app)) pins them to
N, N+1, N+2 instead. The Celery worker runs at the lower CPU priority of its systemd unit (Nice=5).
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
                 celery: bool = True, extra_env: dict | None = None, ports: tuple[int, int, int] | None = None):
        self.database_url, self.redis_db = database_url, redis_db
        self.workers, self.threads, self.celery = workers, threads, celery
        self.extra_env = extra_env or {}
        self.dir = Path(tempfile.mkdtemp(prefix="sitecensus-stack-"))
        self.dir.chmod(0o755)  # nginx's workers (an unprivileged user) read the static files
        base = os.environ.get("STACK_PORT_BASE")
        if ports is None and base:
            ports = (int(base), int(base) + 1, int(base) + 2)
        self.https_port, self.http_port, self.app_port = ports or (free_port(), free_port(), free_port())
        self.url = f"https://localhost:{self.https_port}"
        self.procs: list[subprocess.Popen] = []

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

    def _spawn(self, name: str, *args) -> subprocess.Popen:
        log = open(self.dir / f"{name}.out", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append(proc)
        return proc

    def start(self) -> LocalStack:
        # The README's sequence: static files, certificate, gunicorn, worker, nginx.
        self._run(str(BIN / "python"), "-m", "sitecensus.cli", "collectstatic", "--noinput", "-v", "0")
        cert, key = self.dir / "cert.pem", self.dir / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=localhost", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        self._spawn("gunicorn", str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"))
        if self.celery:
            # As deploy/systemd/sitecensus-worker.service: background work yields the CPU to page views.
            self._spawn("worker", "nice", "-n", str(WORKER_NICE), str(BIN / "celery"), "-A", "sitecensus", "worker", "-Q", "sitecensus,scan",
                        "-n", f"stack{self.https_port}@%h", "--concurrency=2", "--without-gossip",
                        "--without-mingle", "-l", "warning")
        conf = self.dir / "nginx.conf"
        subprocess.run([str(ROOT / "deploy" / "render-nginx"), str(conf), "localhost", str(self.https_port),
                        str(self.http_port), str(cert), str(key), str(self.dir / "var" / "static"),
                        f"127.0.0.1:{self.app_port}", str(self.dir / "nginx")], check=True)
        self._spawn("nginx", nginx_binary(), "-c", str(conf), "-g", "daemon off;")
        self._wait()
        return self

    def _wait(self, seconds: float = 60) -> None:
        import ssl

        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
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
