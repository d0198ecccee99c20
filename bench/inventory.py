"""Inventory-phase benchmarks on the national-scale data (bench/national.py --sites).

    .venv/bin/python bench/national.py --sites && .venv/bin/python bench/inventory.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench sh -c \
        '.venv/bin/python bench/national.py --sites && .venv/bin/python bench/inventory.py'

1. Import: 1,000 sites with 30,000 columns, as 40 filled workbooks (25 sites ×
   30 columns each, one per reporting unit of one county) in one ZIP, uploaded by
   the county's organizing unit: dry run, then confirm (target < 30 s).
   The created records are removed afterwards, so the script can run again.
2. A province's review queue with ~5,000 pending (the Hebei office): the queue
   page (rendered) and the total count, median of 7 (target < 150 ms, constant
   number of queries).
3. Export of every site (~85,000) to Excel as the national administrator,
   streamed through the export view (target < 60 s, memory bounded): time,
   file size and the peak of Python allocations during the export.
"""

import io
import resource
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402
from national import QUEUE_PROVINCE, ensure_national_sites  # noqa: E402

from sitecensus.accounts import roles  # noqa: E402
from sitecensus.accounts.models import User  # noqa: E402
from sitecensus.orgs.models import Unit  # noqa: E402
from sitecensus.registry import imports, selectors, siteclass  # noqa: E402
from sitecensus.registry.models import ImportBatch, Website  # noqa: E402
from sitecensus.registry.testing import fill_workbook, sample_filing  # noqa: E402


def account(unit, role):
    user, _ = User.objects.get_or_create(username=f"bench_{unit.pk}", defaults={
        "unit": unit, "role": role, "must_change_password": False})
    return user


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_import():
    county = next(u for u in Unit.objects.filter(kind=Unit.Kind.COUNTY_OFFICE).order_by("path")
                  if Unit.objects.filter(path__startswith=u.path, depth=u.depth + 1, is_organizer=False).count() >= 40)
    units = list(Unit.objects.filter(path__startswith=county.path, depth=county.depth + 1,
                                     is_organizer=False).order_by("path")[:40])
    operator = account(county, roles.ORGANIZER)
    started = time.perf_counter()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, unit in enumerate(units):
            filings = [sample_filing(name=f"{unit.name}专题网站{i}", url=f"http://bench{n}-{i}.{county.org_code}.gov.cn",
                                     unit_name=unit.name, site_class=siteclass.default_for(unit), columns=30)
                       for i in range(25)]
            zf.writestr(f"{county.name}/{unit.name}.xlsx", fill_workbook(imports.workbook_for(unit), filings))
    data = archive.getvalue()
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    batch = imports.dry_run(actor=operator, uploads=[("批量.zip", SimpleUploadedFile("批量.zip", data))])
    dry_s = time.perf_counter() - started
    totals = batch.summary["totals"]
    started = time.perf_counter()
    result = imports.commit(actor=operator, batch=batch)
    commit_s = time.perf_counter() - started
    print(f"import: {len(units)} workbooks, {totals['sites']:,} sites, {totals['columns']:,} columns, "
          f"ZIP {len(data) / 1048576:.1f} MB (built in {build_s:.1f} s)")
    print(f"  dry run {dry_s:.1f} s + confirm {commit_s:.1f} s = {dry_s + commit_s:.1f} s "
          f"(target < 30 s); created {result['created']:,}, errors {totals['error_count']}")
    Website.objects.filter(unit__in=units, name__contains="专题网站").delete()
    ImportBatch.objects.filter(pk=batch.pk).delete()


def bench_queue():
    office = Unit.objects.get(org_code=QUEUE_PROVINCE)
    client = Client()
    client.force_login(account(office, roles.ORGANIZER))
    pending = Website.objects.filter(pending_at=office, status="submitted").count()
    page_ms, page_q = _setup.measure(lambda: client.get("/sites/review/"))
    last_ms, last_q = _setup.measure(lambda: client.get("/sites/review/", {"page": pending // 50}))
    search_ms, search_q = _setup.measure(lambda: client.get("/sites/review/", {"q": "局"}))
    print(f"review queue of {office.name}: {pending:,} pending")
    print(f"  first page {page_ms:.1f} ms ({page_q} queries); page {pending // 50} {last_ms:.1f} ms "
          f"({last_q} queries); search {search_ms:.1f} ms ({search_q} queries)  (target < 150 ms)")


def bench_export():
    root = Unit.objects.get(depth=1)
    client = Client()
    client.force_login(account(root, roles.NATIONAL_ADMIN))
    total = Website.objects.count()
    rss_before = rss_mb()
    started = time.perf_counter()
    response = client.get("/sites/export/")
    size = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    print(f"export of {total:,} sites: {elapsed:.1f} s (target < 60 s), {size / 1048576:.1f} MB xlsx; "
          f"process max RSS {rss_before:.0f} MB before, {rss_mb():.0f} MB after")
    # Memory stays bounded: the peak of Python allocations does not grow with the number of rows.
    for label, params in (("one province", {"region": "130000"}), ("the whole country", {})):
        rows = selectors.website_list(User.objects.get(username=f"bench_{root.pk}"), **{
            "region": params.get("region", "")}).count()
        tracemalloc.start()
        response = client.get("/sites/export/", params)
        for _ in response.streaming_content:
            pass
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  peak Python allocations exporting {label} ({rows:,} rows): {peak / 1048576:.1f} MB")


def main():
    _setup.migrate()
    ensure_national_sites()
    _setup.serve_pages()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # bench accounts only
    print(f"database: {_setup.describe_database()}; websites {Website.objects.count():,}")
    bench_queue()
    bench_import()
    bench_export()


if __name__ == "__main__":
    main()
