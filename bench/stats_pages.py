"""Statistics and public-page benchmarks on the national-scale data.

    .venv/bin/python bench/national.py --sites && .venv/bin/python bench/stats_pages.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench .venv/bin/python bench/stats_pages.py

Prints the time to rebuild the statistics summary tables, then (median of 7 requests
through the Django test client, and the queries of one):
1. the national statistics page /stats/ for the national admin (target < 300 ms), and a
   province's (Hebei) for comparison, plus the Excel export of the region table;
2. the public progress page /pucha/ (普查专题, target < 100 ms);
3. the public directory: first page, a name search, an identifier-code search, a deep
   page, and the same search through the API (/api/public/sites).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup
from django.test import Client
from national import QUEUE_PROVINCE, ensure_national_sites

from sitecensus.accounts import roles
from sitecensus.accounts.models import User
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website
from sitecensus.registry.services import active_websites
from sitecensus.scoring.models import Scorecard


def operator(username, unit, role):
    user, _ = User.objects.get_or_create(username=username, defaults={
        "unit": unit, "role": role, "must_change_password": False})
    return user


def show(label, fn, target=None):
    ms, queries = _setup.measure(fn)
    response = fn()
    status = response.status_code
    goal = f"  (target < {target} ms)" if target else ""
    print(f"  {label}: {ms:.1f} ms, {queries} queries, HTTP {status}{goal}")


def main():
    _setup.migrate()
    ensure_national_sites()
    _setup.serve_pages()
    print(f"database: {_setup.describe_database()}")
    print(f"units: {Unit.objects.count():,}; websites: {Website.objects.count():,} "
          f"(listed publicly: {active_websites().count():,}); scorecards: {Scorecard.objects.count():,}")

    root = Unit.objects.get(depth=1)
    national = Client()
    national.force_login(operator("bench_guoban", root, roles.NATIONAL_ADMIN))
    province = Client()
    province.force_login(operator("bench_stats_hebei", Unit.objects.get(org_code=QUEUE_PROVINCE), roles.ORGANIZER))
    import time

    from sitecensus.stats.services import refresh_tallies

    started = time.perf_counter()
    refresh_tallies(force=True)
    print(f"summary tables rebuilt (manage.py refresh_statistics) in {(time.perf_counter() - started) * 1000:.0f} ms")
    print("statistics")
    show("national /stats/", lambda: national.get("/stats/"), 300)
    show("Hebei /stats/", lambda: province.get("/stats/"))
    show("national export of the region table", lambda: national.get("/stats/export/region.xlsx"))

    public = Client()
    print("public pages (anonymous)")
    show("progress /pucha/", lambda: public.get("/pucha/"), 100)
    code = active_websites().order_by("site_code").values_list("site_code", flat=True)[5000]
    show("directory, first page", lambda: public.get("/pucha/sites/"))
    show("directory search '河北'", lambda: public.get("/pucha/sites/", {"q": "河北"}))
    show(f"directory search by code {code}", lambda: public.get("/pucha/sites/", {"q": code}))
    show("directory, page 2000", lambda: public.get("/pucha/sites/", {"page": 2000}))
    show("API /api/public/sites?q=河北", lambda: public.get("/api/public/sites", {"q": "河北"}))


if __name__ == "__main__":
    main()
