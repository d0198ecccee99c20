"""Inventory-phase benchmarks on the national-scale data (bench/national.py --sites).

    .venv/bin/python bench/national.py --sites && .venv/bin/python bench/inventory.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench sh -c \
        '.venv/bin/python bench/national.py --sites && .venv/bin/python bench/inventory.py'

1. Import through the web UI: 1,000 sites with 30,000 columns, as 40 filled workbooks
   (25 sites × 30 columns each, one per reporting unit of one county) in one ZIP,
   uploaded by the county's organizing unit (logged in with the second factor): the
   dry run is one background job (the embedded worker pool), followed as its page does,
   then the summary page, then the confirm (another job), followed the same way
   (target < 30 s). While each job runs, its status and the home page are requested
   in turn; the slowest answer of each is printed (target < 1 s), with the load
   average, and the CPU seconds of the dry run and of the confirm (this process: the
   jobs' threads and the page requests). The created records are removed afterwards,
   so the script can run again.
   `--steps import --units-only` needs only the unit tree (bench/national.py).
2. A province's review queue with ~5,000 pending (the Hebei office): the queue's
   first page, a deep page reached by the UI's ?after= key and a search, median
   of 7 (target < 150 ms, constant number of queries). The reviewer logs in
   through the real login and second-factor pages first, and every timed view
   must answer 200 (a redirect to the second-factor form is not the queue).
3. Export of every site (~85,000) to Excel as the national administrator (logged
   in the same way): the export view starts a job (above EXPORT_INLINE_MAX sites),
   the bench follows it as the job page does (polling its status) and downloads
   the file (target < 60 s, memory bounded): time, file size, the process's peak
   RSS and the peak of Python allocations while the job writes a province's.
"""

import io
import os
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
from national import BENCH_PASSWORD, QUEUE_PROVINCE, ensure_national_sites, ensure_national_units  # noqa: E402

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


def logged_in(user) -> Client:
    """A client logged in through the real pages: password, then the second factor when the
    role needs one (the demo device's code), as a person would."""
    from sitecensus.accounts import otp

    user.set_password(BENCH_PASSWORD)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    if otp.required_for(user) and not otp.has_device(user):
        otp.install_demo_device(user)
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": BENCH_PASSWORD})
    if response.status_code != 302:
        sys.exit(f"login of {user.username} refused (HTTP {response.status_code})")
    if "/accounts/otp/" in response["Location"]:
        response = client.post(response["Location"], {"token": otp.demo_code_for(user)})
        if response.status_code != 302 or "/accounts/" in response["Location"]:
            sys.exit(f"second factor of {user.username} refused (HTTP {response.status_code})")
    return client


def ok(client, path, params=None):
    """A timed view must be the page itself (HTTP 200), never a redirect."""
    response = client.get(path, params or {})
    if response.status_code != 200:
        sys.exit(f"{path} {params or ''}: HTTP {response.status_code} {response.get('Location', '')}")
    return response


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def follow_job(client, location: str, pages=("/",)) -> dict:
    """Follow a job as its page does (polling its JSON status), and meanwhile time the pages a
    user would open: the slowest answer of each is the stall a person would see."""
    import json

    job = int(location.rstrip("/").split("/")[-1])
    slowest = {"status": 0.0, **dict.fromkeys(pages, 0.0)}
    polls, failed = 0, []
    status = {"status": "running"}
    while True:
        for name, path in [("status", f"/jobs/{job}.json")] + [(p, p) for p in pages]:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            slowest[name] = max(slowest[name], elapsed)
            polls += 1
            if response.status_code != 200:  # counted and shown, never hidden: a stalled page is the finding
                failed.append(f"{path} HTTP {response.status_code} after {elapsed:.0f} ms")
                continue
            if name == "status":
                status = json.loads(response.content)
        if status["status"] == "failed":
            sys.exit(f"job {job} failed: {status['error']}")
        if status["status"] == "done":
            return {"job": job, "slowest": slowest, "polls": polls, "next": status["next"], "failed": failed}
        time.sleep(0.25)


def bench_import():
    """Through the web UI, as the county's operator: upload the ZIP (the dry run of all 40
    workbooks is one background job), follow it, open the summary, confirm (a job), follow it."""
    from sitecensus.jobs.models import Job

    settings.JOBS_MODE = "thread"  # the embedded worker pool, as in the single-machine layout
    county = next(u for u in Unit.objects.filter(kind=Unit.Kind.COUNTY_OFFICE).order_by("path")
                  if Unit.objects.filter(path__startswith=u.path, depth=u.depth + 1, is_organizer=False).count() >= 40)
    units = list(Unit.objects.filter(path__startswith=county.path, depth=county.depth + 1,
                                     is_organizer=False).order_by("path")[:40])
    Website.objects.filter(unit__in=units, name__contains="专题网站").delete()  # an interrupted earlier run
    operator = account(county, roles.ORGANIZER)
    client = logged_in(operator)
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
    load_before = os.getloadavg()
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post("/sites/import/", {"files": [SimpleUploadedFile("批量.zip", data)]})
    if response.status_code != 302 or "/jobs/" not in response["Location"]:
        sys.exit(f"upload: HTTP {response.status_code} {response.get('Location', '')}")
    upload_s = time.perf_counter() - started
    dry = follow_job(client, response["Location"])
    batch_page = dry["next"]
    ok(client, batch_page)
    dry_s, dry_cpu = time.perf_counter() - started, time.process_time() - cpu
    batch = ImportBatch.objects.get(pk=batch_page.rstrip("/").split("/")[-1])
    totals = batch.summary["totals"]
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(batch_page, {"action": "commit"})
    if response.status_code != 302 or "/jobs/" not in response["Location"]:
        sys.exit(f"confirm: HTTP {response.status_code} {response.get('Location', '')}")
    confirm = follow_job(client, response["Location"])
    ok(client, batch_page)
    commit_s, commit_cpu = time.perf_counter() - started, time.process_time() - cpu
    load_after = os.getloadavg()
    result = ImportBatch.objects.get(pk=batch.pk).summary.get("result") or {}
    jobs = Job.objects.filter(pk__in=[dry["job"], confirm["job"]]).count()
    print(f"import through the web UI: {len(units)} workbooks, {totals['sites']:,} sites, {totals['columns']:,} columns, "
          f"ZIP {len(data) / 1048576:.1f} MB (built in {build_s:.1f} s); {jobs} jobs (one dry run, one confirm)")
    print(f"  upload {upload_s:.1f} s, dry run (job) done and summary shown at {dry_s:.1f} s; "
          f"confirm (job) {commit_s:.1f} s; total {dry_s + commit_s:.1f} s (target < 30 s); "
          f"created {result.get('created', 0):,}, errors {totals['error_count']}")
    # CPU seconds hold still when the machine is shared (wall time does not): the jobs' threads
    # and the page requests made meanwhile, all in this process.
    print(f"  CPU of this process: dry run {dry_cpu:.1f} s, confirm {commit_cpu:.1f} s, "
          f"total {dry_cpu + commit_cpu:.1f} s")
    for name, step in (("dry run", dry), ("confirm", confirm)):
        worst = ", ".join(f"{page} {ms:.0f} ms" for page, ms in step["slowest"].items())
        print(f"  slowest answer while the {name} job ran ({step['polls']} requests): {worst} (target < 1000 ms)"
              + (f"; FAILED {len(step['failed'])}: {'; '.join(step['failed'][:3])}" if step["failed"] else ""))
    print(f"  load average before {load_before[0]:.2f} / after {load_after[0]:.2f} "
          f"(1-minute; {os.cpu_count()} CPUs, machine shared)")
    Website.objects.filter(unit__in=units, name__contains="专题网站").delete()
    ImportBatch.objects.filter(pk=batch.pk).delete()


def bench_queue():
    from sitecensus.core.paging import encode

    office = Unit.objects.get(org_code=QUEUE_PROVINCE)
    user = account(office, roles.ORGANIZER)
    client = logged_in(user)
    pending = Website.objects.filter(pending_at=office, status="submitted").count()
    deep = pending // 50
    rows = list(selectors.review_queue(user).values_list("submitted_at", "id")[(deep - 1) * 50 - 1:(deep - 1) * 50])
    after = encode(list(rows[0])) if rows else ""
    page_ms, page_q = _setup.measure(lambda: ok(client, "/sites/review/"))
    deep_ms, deep_q = _setup.measure(lambda: ok(client, "/sites/review/", {"after": after}))
    search_ms, search_q = _setup.measure(lambda: ok(client, "/sites/review/", {"q": "局"}))
    print(f"review queue of {office.name}: {pending:,} pending (reviewer logged in with the second factor)")
    print(f"  first page {page_ms:.1f} ms ({page_q} queries); page {deep} by its ?after= key {deep_ms:.1f} ms "
          f"({deep_q} queries); search {search_ms:.1f} ms ({search_q} queries)  (target < 150 ms)")


def follow_export(client, params) -> tuple[int, int, float]:
    """Start the export as the page does, follow its job to the end, download the file:
    (bytes, job id, seconds)."""
    import json

    started = time.perf_counter()
    response = client.get("/sites/export/", params)
    if response.status_code == 200:  # a small scope is written inline
        return sum(len(chunk) for chunk in response.streaming_content), 0, time.perf_counter() - started
    if response.status_code != 302 or "/jobs/" not in response["Location"]:
        sys.exit(f"export: HTTP {response.status_code} {response.get('Location', '')}")
    job = int(response["Location"].rstrip("/").split("/")[-1])
    while True:
        status = json.loads(ok(client, f"/jobs/{job}.json").content)
        if status["status"] == "failed":
            sys.exit(f"export job {job} failed: {status['error']}")
        if status["status"] == "done":
            break
        time.sleep(0.5)
    response = ok(client, f"/jobs/{job}/file/")
    size = sum(len(chunk) for chunk in response.streaming_content)
    return size, job, time.perf_counter() - started


def bench_export():
    root = Unit.objects.get(depth=1)
    user = account(root, roles.NATIONAL_ADMIN)
    client = logged_in(user)
    total = Website.objects.count()
    rss_before = rss_mb()
    size, job, elapsed = follow_export(client, {})
    print(f"export of {total:,} sites (job {job}, followed to its file): {elapsed:.1f} s (target < 60 s), "
          f"{size / 1048576:.1f} MB xlsx; process max RSS {rss_before:.0f} MB before, {rss_mb():.0f} MB after")
    # Memory stays bounded: the peak of Python allocations while a province is exported (tracing
    # every allocation slows the writer several times over, so the whole country is measured by
    # the process's peak RSS above instead).
    rows = selectors.website_list(user, region="130000").count()
    tracemalloc.start()
    follow_export(client, {"region": "130000"})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak Python allocations exporting one province ({rows:,} rows, job and download): {peak / 1048576:.1f} MB")


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", default="queue,import,export", help="which of queue, import, export to run")
    parser.add_argument("--units-only", action="store_true",
                        help="the national unit tree without its ~85,000 sites (enough for the import step)")
    args = parser.parse_args()
    steps = set(args.steps.split(","))
    _setup.migrate()
    if args.units_only:
        ensure_national_units()
    else:
        ensure_national_sites()
    _setup.serve_pages()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # bench accounts only
    print(f"database: {_setup.describe_database()}; websites {Website.objects.count():,}")
    for name, step in (("queue", bench_queue), ("import", bench_import), ("export", bench_export)):
        if name in steps:
            step()


if __name__ == "__main__":
    main()
