"""Shared start-up for benchmark scripts: a database of their own (never the
demo's), migrated, with Django set up. Import this before any model."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitecensus.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
(ROOT / "var").mkdir(exist_ok=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def migrate() -> None:
    call_command("migrate", verbosity=0, interactive=False)


def describe_database() -> str:
    settings = connection.settings_dict
    return f"{connection.vendor} ({settings['NAME']})"


def measure(fn, runs: int = 7) -> tuple[float, int]:
    """Median milliseconds of `runs` calls, and the queries of the last one."""
    import statistics
    import time

    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def serve_pages() -> None:
    """Let the test client render pages here (no HTTPS redirect, any host)."""
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False
