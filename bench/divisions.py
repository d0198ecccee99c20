"""Loading the national division data (target < 60 s).

    python bench/divisions.py                      # SQLite, a fresh file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench python bench/divisions.py

Loads 31 + 342 + 2,978 + 41,352 divisions into an empty table, then loads
again (the idempotent no-op run) and prints both times.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'divisions.sqlite3'}"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402

from sitecensus.orgs.models import Division  # noqa: E402
from sitecensus.orgs.services import load_divisions  # noqa: E402


def main():
    _setup.migrate()
    from sitecensus.orgs.models import Unit

    if Unit.objects.filter(division__isnull=False).exists():
        sys.exit("this database holds units: point DATABASE_URL at an empty database")
    Division.objects.all().delete()
    started = time.perf_counter()
    first = load_divisions()
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = load_divisions()
    second_s = time.perf_counter() - started
    print(f"database: {_setup.describe_database()}")
    print(f"first load: {first.created:,} divisions created in {first_s:.2f} s (target < 60 s)")
    print(f"second load: {second.created} created, {second.updated} updated, "
          f"{second.unchanged:,} unchanged in {second_s:.2f} s")


if __name__ == "__main__":
    main()
