"""Full national export: every field of every site plus the 栏目 sheet, for the
national administrator's scope, on the national-scale data set.

    .venv/bin/python bench/national.py --sites && .venv/bin/python bench/export_national.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench sh -c \
        '.venv/bin/python bench/national.py --sites && .venv/bin/python bench/export_national.py'

Writes the workbook the export job writes (registry.export.export_sheets through
core.excel.write_sheets) to a temporary file and prints the wall time, the CPU
time of this process (less dependent on the machine's load than the wall time),
the load average, the sheets and rows written, the file size and the process's
peak RSS (targets: < 60 s, < 500 MB). `--trace-allocations` adds the peak of
Python allocations (tracemalloc slows every allocation several-fold, so the
times printed with it are not the export's).
"""

import argparse
import os
import re
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402
from national import ensure_national_sites  # noqa: E402

from sitecensus.accounts import roles  # noqa: E402
from sitecensus.accounts.models import User  # noqa: E402
from sitecensus.core.excel import write_sheets  # noqa: E402
from sitecensus.orgs.models import Unit  # noqa: E402
from sitecensus.registry import selectors  # noqa: E402
from sitecensus.registry.export import export_sheets  # noqa: E402
from sitecensus.registry.models import Website, WebsiteColumn  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trace-allocations", action="store_true")
    args = parser.parse_args()
    _setup.migrate()
    ensure_national_sites()
    root = Unit.objects.get(depth=1)
    user, _ = User.objects.get_or_create(username=f"bench_{root.pk}", defaults={
        "unit": root, "role": roles.NATIONAL_ADMIN, "must_change_password": False})
    print(f"database: {_setup.describe_database()}; websites {Website.objects.count():,}, "
          f"columns {WebsiteColumn.objects.count():,}")
    sites = selectors.website_list(user)
    rss_before = rss_mb()
    if args.trace_allocations:
        tracemalloc.start()
    load = os.getloadavg()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        counts = write_sheets(out, export_sheets(sites))
        size = out.tell()
        out.seek(0)
        with zipfile.ZipFile(out) as package:
            sheets = re.findall(r'<sheet name="([^"]+)"', package.read("xl/workbook.xml").decode())
    elapsed = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_SELF)
    print(f"national export: {counts[0]:,} sites × {len(export_sheets(sites)[0][1])} fields + "
          f"{counts[1]:,} columns in {elapsed:.1f} s wall (target < 60 s), {size / 1048576:.1f} MB xlsx")
    print(f"  sheets: {'、'.join(sheets)}")
    print(f"  CPU of this process: user {used.ru_utime - cpu.ru_utime:.1f} s, system {used.ru_stime - cpu.ru_stime:.1f} s; "
          f"load average {load[0]:.2f} before, {os.getloadavg()[0]:.2f} after (2 cores, shared)")
    print(f"  process max RSS {rss_before:.0f} MB before, {rss_mb():.0f} MB after (target < 500 MB)")
    if args.trace_allocations:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  peak Python allocations {peak / 1048576:.1f} MB (times above include tracemalloc's overhead)")

if __name__ == "__main__":
    main()
