"""政务新媒体 at national scale (issue 22): the account list, the review queue and the statistics, as a
single user sees them (p95 target < 300 ms, PostgreSQL), on the national data set with ~300,000
accounts (bench/national.py --media).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench .venv/bin/python bench/national.py --media
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench .venv/bin/python bench/newmedia.py [--runs 20]

Each page is requested through the test client by users logged in through the real login and
second-factor pages (the national administrator; the Hebei office with ~5,000 accounts waiting);
every timed response must be HTTP 200. Prints median, p95 and the first request per page (the
statistics are kept until an account changes: the first request computes them) and the query count.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from inventory import account, logged_in, ok  # noqa: E402
from national import QUEUE_PROVINCE, ensure_national_media  # noqa: E402

from sitecensus.accounts import roles  # noqa: E402
from sitecensus.newmedia.models import MediaAccount  # noqa: E402
from sitecensus.orgs.models import Unit  # noqa: E402


def timed(client, path, params, runs):
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            ok(client, path, params)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    first = times[0]
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, queries, first


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    _setup.migrate()
    _setup.serve_pages()
    ensure_national_media()
    from sitecensus.core.db import analyze

    analyze()
    print(f"database: {_setup.describe_database()}; accounts: {MediaAccount.objects.count():,}; "
          f"units: {Unit.objects.count():,}")
    nation = logged_in(account(Unit.objects.get(depth=1), roles.NATIONAL_ADMIN))
    hebei = logged_in(account(Unit.objects.get(org_code=QUEUE_PROVINCE), roles.ORGANIZER))
    waiting = MediaAccount.objects.filter(pending_at__org_code=QUEUE_PROVINCE, status="submitted").count()
    cases = [
        ("account list, nation, first page", nation, "/media/", {}),
        ("account list, nation, platform + status filter", nation, "/media/", {"platform": "抖音", "status": "approved"}),
        ("account list, nation, search", nation, "/media/", {"q": "人民政府"}),
        ("account list, region 河北省", nation, "/media/", {"region": "河北省"}),
        (f"review queue, Hebei office ({waiting:,} waiting)", hebei, "/media/review/", {}),
        ("statistics, nation (platform and region)", nation, "/media/stats/", {}),
        ("statistics, Hebei office", hebei, "/media/stats/", {}),
        ("problem lists, Hebei office", hebei, "/media/problems/", {}),
    ]
    worst = 0.0
    for label, client, path, params in cases:
        median, p95, queries, first = timed(client, path, params, args.runs)
        worst = max(worst, p95)
        print(f"  {label:<52} median {median:7.1f} ms  p95 {p95:7.1f} ms  first {first:7.1f} ms  ({queries} queries)")
    print(f"worst p95 {worst:.1f} ms (target < 300 ms, single user)")


if __name__ == "__main__":
    main()
