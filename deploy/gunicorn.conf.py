"""gunicorn for sitecensus (WSGI, threaded workers). Every value may be overridden
from the environment; behind nginx on the loopback address."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes per core, each with a few threads: the pages are database-bound, and
# threads share one process's memory and its reused database connections.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A worker takes only the connections it has threads for; the others wait in the listening socket's
# queue for whichever worker frees a thread first. (gthread's default, 1,000, let one worker take
# requests it could not start while another sat idle: bench/load.py without pause, p95 1.3–1.5 s on
# every page; with this 0.7–1.0 s at the same throughput.)
worker_connections = threads
# A page never waits on a long job (jobs go to the queue), so a request over 60 s is a fault.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Load the application once in the master and fork warm workers from it: a new or recycled
# worker answers its first requests without importing the whole project first (the cold
# first seconds were the slowest requests of the load bench), and the workers share its memory.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in ("0", "false", "no")
# Recycle workers now and then (bounded memory over weeks of uptime).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
# nginx on the same host is the only trusted proxy (its X-Forwarded-* headers are believed).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
proc_name = "sitecensus"
wsgi_app = "sitecensus.wsgi:application"
