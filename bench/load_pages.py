"""Single-user cost of every page in bench/load.py's mix: cold and warm time, query count
and the slowest queries (in process, no server; same settings, sessions and cache as the stack).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench LOAD_REDIS_DB=5 \\
        .venv/bin/python bench/load_pages.py [--runs 5] [--slow 3] [--explain]

Cold is the first view after the cache is emptied (statistics and public pages are cached);
warm is the median of the next RUNS views. --explain prints EXPLAIN ANALYZE of each page's
slowest query.
"""

import argparse
import statistics
import time

import load  # noqa: F401 - sets the stack's environment (Redis cache and sessions) and Django up
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext



def views(client, path, runs):
    times, ctx = [], None
    for _ in range(runs + 1):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path, HTTP_HOST="localhost", secure=True)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code} {response.get('Location', '')}")
    return times[0], statistics.median(times[1:]), ctx.captured_queries


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slow", type=int, default=2, help="slowest queries to show per page")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--prepare", action="store_true", help="migrate, rebuild statistics, ANALYZE first")
    parser.add_argument("--only", default="", help="labels containing this text")
    args = parser.parse_args()
    if args.prepare:
        load.prepare()
    load._setup.serve_pages()
    users = load.page_users()
    print(f"database: {load._setup.describe_database()}")
    print(f"  {'page':<22}{'cold':>8}{'warm':>8}{'queries':>9}  slowest queries (ms)")
    for kind, pages in load.PAGES.items():
        for label, path in pages:
            if args.only not in label:
                continue
            cache.clear()  # (the sessions too: made afresh)
            client = Client()
            if kind in users:
                client.cookies["sessionid"] = load.session_for(users[kind])
            cold, warm, queries = views(client, path, args.runs)
            slow = sorted(queries, key=lambda q: -float(q["time"]))[: args.slow]
            print(f"  {label:<22}{cold:>6.0f}ms{warm:>6.0f}ms{len(queries):>9}  "
                  + "; ".join(f"{float(q['time']) * 1000:.0f}" for q in slow))
            for q in slow:
                print(f"      {float(q['time']) * 1000:6.0f} ms  {q['sql'][:300]}")
            if args.explain and slow:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + slow[0]["sql"])
                    print("\n".join("        " + row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
