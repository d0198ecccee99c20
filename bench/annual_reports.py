"""Every site's pre-filled 政府网站工作年度报表 at national scale, as the job the national office
starts (annual_generate), on the national data set.

    .venv/bin/python bench/national.py --sites && .venv/bin/python bench/annual_reports.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench sh -c \
        '.venv/bin/python bench/national.py --sites && .venv/bin/python bench/annual_reports.py'

Adds (once) a year of what the report is pre-filled from — a scan of `--scanned` sites with ten
columns each and one 找错 report per `--zhaocuo`-th site — then runs the job twice: a first
generation (every report created) and a second (every report refreshed). Prints for each the
wall time, this process's CPU time, the reports written, the job's progress rows, the peak RSS
of the process and, with --trace-allocations, the peak of Python allocations (slower). Target:
< 10 minutes in bounded memory for ~88,000 sites.
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402
from national import ensure_national_sites  # noqa: E402

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from sitecensus.accounts import roles  # noqa: E402
from sitecensus.accounts.models import User  # noqa: E402
from sitecensus.annual.models import SiteReport  # noqa: E402
from sitecensus.annual.services import sites_in_scope  # noqa: E402
from sitecensus.jobs.models import Job  # noqa: E402
from sitecensus.jobs.services import enqueue  # noqa: E402
from sitecensus.orgs.models import Unit  # noqa: E402
from sitecensus.public.models import PublicReport  # noqa: E402
from sitecensus.scanner.models import ColumnScan, SiteScan  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_history(year: int, scanned: int, zhaocuo_every: int) -> None:
    """A scan of the first `scanned` running sites (ten columns each) and 找错 reports, once."""
    ids = list(sites_in_scope(None).order_by("id").values_list("id", "unit_id"))
    at = timezone.now().replace(year=year, month=6, day=15)
    if not SiteScan.objects.filter(at__year=year).exists():
        for start in range(0, min(scanned, len(ids)), 2000):
            part = ids[start:min(start + 2000, scanned)]
            scans = SiteScan.objects.bulk_create([SiteScan(
                website_id=pk, at=at, as_of=at.date(), reachable=True,
                summary={"interaction": [{"messages_in_window": pk % 7, "overdue": [{}] * (pk % 2)}]})
                for pk, _ in part])
            ColumnScan.objects.bulk_create([ColumnScan(site_scan=s, name=f"栏目{c}", url=f"http://x/{s.website_id}/{c}/",
                                                       item_count=(s.website_id + c) % 40)
                                            for s in scans for c in range(10)], batch_size=5000)
    if not PublicReport.objects.filter(receipt__startswith="BENCH").exists():
        PublicReport.objects.bulk_create([PublicReport(
            receipt=f"BENCH{pk}", website_id=pk, unit_id=unit_id, category="stale", description="bench",
            deadline=at.date() + timedelta(days=5)) for pk, unit_id in ids[::zhaocuo_every]], batch_size=5000)
        PublicReport.objects.filter(receipt__startswith="BENCH").update(created_at=at)


def run(actor, year: int, label: str) -> None:
    cpu, started = time.process_time(), time.perf_counter()
    job = enqueue("annual_generate", actor=actor, label=f"bench {label}", params={"year": year})
    job = Job.objects.get(pk=job.pk)
    wall = time.perf_counter() - started
    print(f"{label}: {wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU; job {job.status} "
          f"({job.done:,}/{job.total:,}, {job.message}); result {job.result or job.error}; "
          f"peak RSS so far {rss_mb():.0f} MB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=timezone.localdate().year)
    parser.add_argument("--scanned", type=int, default=20000)
    parser.add_argument("--zhaocuo", type=int, default=20, help="one 找错 report per N sites")
    parser.add_argument("--trace-allocations", action="store_true")
    parser.add_argument("--every-site", action="store_true",
                        help="first give every site of the data set a code and open status (the bench database only), "
                             "so the job covers all ~88,000 (by default: the coded running ones)")
    args = parser.parse_args()
    settings.JOBS_MODE = "inline"  # the job runs here, measured (the worker runs the same function)
    _setup.migrate()
    ensure_national_sites()
    if args.every_site:
        from django.db.models import F, Value
        from django.db.models.functions import Concat, LPad, Cast
        from django.db.models import CharField

        from sitecensus.registry.models import Website

        Website.objects.filter(site_code__isnull=True).update(
            site_code=Concat(Value("z"), LPad(Cast(F("id"), CharField()), 9, Value("0"))))
        Website.objects.exclude(life="open").update(life="open")
    ensure_history(args.year, args.scanned, args.zhaocuo)
    root = Unit.objects.get(depth=1)
    actor, _ = User.objects.get_or_create(username="bench_annual", defaults={"unit": root,
                                                                             "role": roles.NATIONAL_ADMIN})
    SiteReport.objects.filter(year=args.year).delete()
    print(f"database: {_setup.describe_database()}; running coded sites: {sites_in_scope(None).count():,}; "
          f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; RSS before: {rss_mb():.0f} MB")
    if args.trace_allocations:
        tracemalloc.start()
    run(actor, args.year, "first generation")
    run(actor, args.year, "second generation (refresh)")
    if args.trace_allocations:
        print(f"peak Python allocations: {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MB")
    print(f"reports: {SiteReport.objects.filter(year=args.year).count():,}; "
          f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
