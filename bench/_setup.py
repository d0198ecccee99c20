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
