"""Deadline-week load on the national data set, through the production server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench .venv/bin/python bench/national.py --sites
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench .venv/bin/python bench/load.py [--users 50 --seconds 60]

Starts the production stack of deploy/ (nginx with TLS → gunicorn with the shipped config →
PostgreSQL, Redis for cache, sessions and broker, a Celery job worker; deploy/localstack.py) on
loopback, then runs USERS concurrent users for SECONDS, twice: once **paced** (each person pauses
--think seconds, default 1–3, between clicks) and once **without pause** (capacity: every user
clicks again the moment a page arrives), and prints both beside each other (--modes to run one).

Who does what: the national office, a province, a county office and a reporting unit each open
their home page and their usual pages (review queue, site lists first and deep pages, searches,
statistics), the public browses the public pages, two county offices import workbooks through
HTTP upload (dry run, confirm as a job) and two reviewers approve from the province's queue.
**Logins are timed**: LOGINS people (default 50) log in within the first minute of each mode through
the real pages — login page, password, second-factor page, code (each an organizing unit's own
account from `national.py --accounts`, the bench password, the demo device's code) — and then
browse as their unit. Every page view must answer 200 (a redirect to a login or second-factor form
is an error); a login must go password → second factor → home. The per-address login rate is
raised for the run (every bench client comes from one address; real users have their own).
The other users' sessions are made directly in the session store, second factor verified.
Halfway through each mode the statistics rebuild is queued (as the scheduler does every
STATISTICS_MAX_AGE). Per page: the request count, median, p95 and max; the targets are 0 errors,
p95 < 1 s on every page including home and login, national statistics p95 < 300 ms.
STACK_PORT_BASE=N pins the stack's ports, LOAD_REDIS_DB its Redis database.
"""

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = int(os.environ.get("LOAD_REDIS_DB", "14"))
STACK_ENV = {"REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}", "CACHE_PREFIX": "loadbench",
             "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
             "SECRET_KEY": "load-bench-" + "k" * 50,
             # Every bench client comes through nginx from one address: the per-address login rate
             # (a guard against floods from one client) would measure the throttle, not the logins.
             "LOGIN_RATE_PER_ADDRESS": os.environ.get("LOAD_LOGIN_RATE", "100000")}
os.environ.update(STACK_ENV)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402
import aiohttp  # noqa: E402
from national import (BENCH_PASSWORD, QUEUE_PROVINCE, account_username, ensure_national_accounts,  # noqa: E402
                      ensure_national_sites)

from deploy.localstack import WORKER_NICE, LocalStack  # noqa: E402
from sitecensus.accounts import roles  # noqa: E402
from sitecensus.accounts.models import User  # noqa: E402
from sitecensus.orgs.models import Unit  # noqa: E402
from sitecensus.registry import imports, siteclass  # noqa: E402
from sitecensus.registry.testing import fill_workbook, sample_filing  # noqa: E402

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def account(username, unit, role):
    user, _ = User.objects.update_or_create(username=username, defaults={
        "unit": unit, "role": role, "must_change_password": False, "is_active": True})
    return user


def session_for(user) -> str:
    """A logged-in session in the store the server reads (Redis), as a login would make it:
    password checked and, for the roles that need it, the second factor verified with the
    account's confirmed TOTP device (so the pages measured are the real pages, not the
    redirect to the second-factor form)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cache import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sitecensus.accounts import otp
    from sitecensus.accounts.signals import LOGIN_AT

    store = SessionStore()
    store[SESSION_KEY], store[HASH_SESSION_KEY] = str(user.pk), user.get_session_auth_hash()
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.AllowAllUsersModelBackend"
    store[LOGIN_AT] = time.time()
    if otp.required_for(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
            TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


def workbooks(unit, county_code: str, n: int, per: int) -> list[bytes]:
    out = []
    blank = imports.workbook_for(unit)
    for k in range(n):
        stamp = f"{int(time.time())}{k}"
        filings = [sample_filing(name=f"{unit.name}负载网站{stamp}-{i}", url=f"http://load{stamp}-{i}.{county_code}.gov.cn",
                                 unit_name=unit.name, site_class=siteclass.default_for(unit), columns=10) for i in range(per)]
        out.append(fill_workbook(blank, filings))
    return out


class Recorder:
    def __init__(self):
        self.times, self.errors = defaultdict(list), []
        self.slow: list[tuple[float, float, str]] = []  # (seconds, started at, label) of every request
        self.t0 = time.time()

    def note(self, label, started):
        elapsed = time.perf_counter() - started
        self.times[label].append(elapsed)
        self.slow.append((elapsed, time.time() - elapsed - self.t0, label))

    async def get(self, http, label, url, **kw):
        started = time.perf_counter()
        try:
            async with http.get(url, allow_redirects=False, **kw) as r:
                body = await r.text()
                ok = r.status == 200  # a page view: a redirect (login, second factor) is a failure
        except Exception as exc:  # noqa: BLE001 - counted as an error
            body, ok = f"{type(exc).__name__}: {exc}", False
            r = None
        self.note(label, started)
        if not ok:
            self.errors.append(f"{label} {url}: {r.status if r is not None else body}")
        return body

    async def post(self, http, label, url, data, **kw):
        started = time.perf_counter()
        try:
            async with http.post(url, data=data, allow_redirects=False, **kw) as r:
                body, status, location = await r.text(), r.status, r.headers.get("Location", "")
        except Exception as exc:  # noqa: BLE001
            body, status, location = f"{type(exc).__name__}: {exc}", 0, ""
        self.note(label, started)
        if status not in (200, 302):
            message = re.search(r'<(?:p|div)[^>]*class="[^"]*error[^"]*"[^>]*>(.*?)</', body, re.S)
            self.errors.append(f"{label} {url}: HTTP {status} {message.group(1).strip() if message else body[:120]}")
        return status, location, body


THINK = (0.0, 0.0)  # seconds a person pauses between two clicks (--think)


async def think():
    if THINK[1]:
        await asyncio.sleep(random.uniform(*THINK))


async def browse(rec, base, cookie, pages, until):
    async with aiohttp.ClientSession(cookies={"sessionid": cookie} if cookie else None,
                                     connector=aiohttp.TCPConnector(ssl=False, limit=2)) as http:
        await think()  # people arrive spread over the first seconds, not all in the same millisecond
        while time.time() < until:
            label, path = random.choice(pages)
            await rec.get(http, label, base + path)
            await think()


async def login_then_browse(rec, base, username, pages, until, start_after):
    """A person logging in through the real pages (timed), then browsing as their unit."""
    from sitecensus.accounts.otp import demo_code  # every bench account has the demo device

    await asyncio.sleep(start_after)
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, connector=aiohttp.TCPConnector(ssl=False, limit=2)) as http:
        started = time.perf_counter()
        page = await rec.get(http, "登录：登录页", base + "/accounts/login/")
        token = TOKEN.search(page)
        if token is None:
            return
        status, location, _ = await rec.post(
            http, "登录：密码", base + "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": BENCH_PASSWORD},
            headers={"Referer": base + "/accounts/login/"})
        if status != 302 or "/accounts/otp/verify/" not in location:
            rec.errors.append(f"登录：密码 {username}: HTTP {status} → {location or '(no redirect)'}")
            return
        otp_url = base + location
        page = await rec.get(http, "登录：动态口令页", otp_url)
        token = TOKEN.search(page)
        if token is None:
            return
        status, location, _ = await rec.post(http, "登录：动态口令", otp_url,
                                             {"csrfmiddlewaretoken": token.group(1), "token": demo_code()},
                                             headers={"Referer": otp_url})
        if status != 302 or "/accounts/" in location:
            rec.errors.append(f"登录：动态口令 {username}: HTTP {status} → {location or '(no redirect)'}")
            return
        await rec.get(http, "首页：登录后", base + location)
        rec.times["登录：全程（四步 + 首页）"].append(time.perf_counter() - started)
        while time.time() < until:
            await think()
            label, path = random.choice(pages)
            await rec.get(http, label, base + path)


async def importer(rec, base, cookie, files, until):
    async with aiohttp.ClientSession(cookies={"sessionid": cookie}, connector=aiohttp.TCPConnector(ssl=False)) as http:
        for data in files:
            if time.time() >= until:
                return
            token = TOKEN.search(await rec.get(http, "导入：上传页", base + "/sites/import/"))
            if token is None:
                return
            form = aiohttp.FormData()
            form.add_field("csrfmiddlewaretoken", token.group(1))
            form.add_field("files", data, filename="load.xlsx",
                           content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            status, location, _ = await rec.post(http, "导入：上传", base + "/sites/import/", form,
                                                 headers={"Referer": base + "/sites/import/"})
            if status != 302:
                continue
            # The dry run is a job: follow it as its page does, to the batch's summary page.
            job = await follow_job(rec, http, base, location, until)
            if job is None or job["status"] != "done":
                continue
            batch = base + job["next"]
            token = TOKEN.search(await rec.get(http, "导入：批次页", batch))
            if token is None:
                return
            token = token.group(1)
            status, location, _ = await rec.post(http, "导入：确认（排队）", batch,
                                                 {"csrfmiddlewaretoken": token, "action": "commit", "valid_only": "1"},
                                                 headers={"Referer": batch})
            job = await follow_job(rec, http, base, location, until)
            if job is not None and job["status"] == "done":
                rec.times["导入：完成（条）"].append(job["done"])


async def follow_job(rec, http, base, location, until):
    """Poll a job's status as its page does until it ends; a failed job is an error."""
    match = re.search(r"/jobs/(\d+)/", location or "")
    while match and time.time() < until + 60:
        async with http.get(f"{base}/jobs/{match.group(1)}.json") as r:
            job = await r.json()
        if job["status"] in ("done", "failed"):
            if job["status"] == "failed":
                rec.errors.append(f"import job failed: {job['error']}")
            return job
        await asyncio.sleep(0.5)
    return None


async def approver(rec, base, cookie, until, after):
    async with aiohttp.ClientSession(cookies={"sessionid": cookie}, connector=aiohttp.TCPConnector(ssl=False)) as http:
        await think()
        while time.time() < until:
            page = await rec.get(http, "审核：待审核队列", base + f"/sites/review/?after={after}")
            ids = re.findall(r'href="/sites/(\d+)/"', page)
            if not ids:
                await asyncio.sleep(1)
                continue
            site = random.choice(ids)
            await think()
            detail = await rec.get(http, "审核：网站页", f"{base}/sites/{site}/")
            token = TOKEN.search(detail)
            await think()
            if token:
                await rec.post(http, "审核：通过", f"{base}/sites/{site}/review/",
                               {"csrfmiddlewaretoken": token.group(1), "action": "approve"},
                               headers={"Referer": f"{base}/sites/{site}/"})


# The browsing mix: who looks at what (label, path). Every one must answer 200 (a redirect
# to a login or second-factor form would be measuring the wrong page).
PAGES = {
    "national": [("首页：全国", "/"), ("统计：全国", "/stats/"), ("网站列表：全国首页", "/sites/"),
                 ("网站列表：全国深页", "/sites/?after={national_deep}"), ("网站列表：全国搜索", "/sites/?q=%E5%8E%BF%E4%BA%BA%E6%B0%91")],
    "province": [("首页：河北", "/"), ("待审核队列：河北", "/sites/review/"),
                 ("待审核队列：河北深页", "/sites/review/?after={review_deep}"),
                 ("统计：河北", "/stats/"), ("网站列表：河北", "/sites/?status=submitted")],
    "county": [("网站列表：县", "/sites/"), ("统计：县", "/stats/"), ("首页：县", "/")],
    "reporter": [("首页：填报单位", "/"), ("网站列表：填报单位", "/sites/"), ("评分：填报单位", "/checks/")],
    "public": [("公开：普查专题", "/pucha/"), ("公开：网站名录", "/pucha/sites/"),
               ("公开：名录搜索", "/pucha/sites/?q=%E6%95%99%E8%82%B2"), ("公开：通报", "/pucha/notices/")],
}
# What a person who logged in opens afterwards, by the kind of their unit.
AFTER_LOGIN = [("首页：登录者", "/"), ("待审核队列：登录者", "/sites/review/"), ("网站列表：登录者", "/sites/"),
               ("统计：登录者", "/stats/")]


def deep_pages(national_user, province_user) -> dict:
    """The deep pages as the UI reaches them: its 下一页 link carries the last row's key
    (?after=…); these are the keys that open page 1,500 of the national list and page 200
    of the province's review queue (a typed ?page=N is the paginator's, not the UI's way)."""
    from sitecensus.core.paging import encode
    from sitecensus.registry import selectors

    def key(queryset, fields, page, size=50):
        rows = list(queryset.values_list(*fields)[(page - 1) * size - 1:(page - 1) * size])
        return encode(list(rows[0])) if rows else ""

    return {"national_deep": key(selectors.website_list(national_user), ("unit__path", "id"), 1500),
            "review_deep": key(selectors.review_queue(province_user), ("submitted_at", "id"), 200),
            "review_from": [key(selectors.review_queue(province_user), ("submitted_at", "id"), p) for p in (2, 51)]}


def resolve_pages(deep: dict) -> None:
    for kind, pages in PAGES.items():
        PAGES[kind] = [(label, path.format(**deep)) for label, path in pages]


async def rebuild_midway(delay):
    """The scheduler queues the statistics rebuild every STATISTICS_MAX_AGE: one lands mid-run
    (on the job worker, which then warms the national and provincial figures)."""
    from sitecensus.stats.services import start_refresh

    await asyncio.sleep(delay)
    await asyncio.to_thread(start_refresh)


def page_users() -> dict:
    """The four people of the single-user page benches (load_pages.py, page_cpu.py), their deep pages resolved:
    the national office, Hebei's office, Hebei's first county office and one of its reporting units."""
    root = Unit.objects.get(depth=1)
    hebei = Unit.objects.get(org_code=QUEUE_PROVINCE)
    county = Unit.objects.filter(kind=Unit.Kind.COUNTY_OFFICE, path__startswith=hebei.path).order_by("path").first()
    users = {"national": account("load_guoban", root, roles.NATIONAL_ADMIN),
             "province": account("load_hebei", hebei, roles.ORGANIZER),
             "county": account("load_county", county, roles.ORGANIZER),
             "reporter": account("load_reporter", Unit.objects.filter(
                 path__startswith=county.path, depth=county.depth + 1, is_organizer=False).order_by("path").first(),
                 roles.REPORTER)}
    resolve_pages(deep_pages(users["national"], users["province"]))
    return users


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def run(base, sessions, logins, args):
    rec = Recorder()
    rec.t0 = time.time()
    until = time.time() + args.seconds
    tasks = []
    national, province, county, reporter, approvers, importers = sessions
    kinds = [(national, PAGES["national"]), (province, PAGES["province"]), (county, PAGES["county"]),
             (reporter, PAGES["reporter"]), (None, PAGES["public"])]
    browsers = args.users - len(approvers) - len(importers)
    for i in range(browsers):
        cookie, pages = kinds[i % len(kinds)]
        tasks.append(browse(rec, base, cookie, pages, until))
    for k, (cookie, files) in enumerate(importers):
        tasks.append(importer(rec, base, cookie, files, until))
    for k, cookie in enumerate(approvers):
        tasks.append(approver(rec, base, cookie, until, args.review_from[k % len(args.review_from)]))
    # LOGINS people log in within the first minute (or the run, if shorter), spread evenly.
    window = min(60.0, args.seconds * 0.8)
    for k, username in enumerate(logins):
        tasks.append(login_then_browse(rec, base, username, AFTER_LOGIN, until, window * k / max(1, len(logins))))
    tasks.append(rebuild_midway(args.seconds / 2))
    started = time.time()
    await asyncio.gather(*tasks)
    return rec, time.time() - started


def prepare() -> None:
    """Migrated, the national sites present, statistics built and the planner's statistics fresh."""
    _setup.migrate()
    ensure_national_sites()
    from sitecensus.core.db import analyze
    from sitecensus.stats.services import refresh_tallies

    started = time.perf_counter()
    refresh_tallies(force=True)
    created = ensure_national_accounts()  # the organizing units' own accounts: the timed logins use them
    analyze()
    if created:
        print(f"accounts: {len(created):,} organizing-unit accounts created (bench/national.py --accounts)")
    print(f"database: {_setup.describe_database()}; statistics rebuilt + ANALYZE in {time.perf_counter() - started:.1f} s")


def login_accounts(count: int, used: set) -> list[str]:
    """Organizing units' own accounts (national.py --accounts), a different one per login: county
    and city offices first (most of the country's logins), each used once per run."""
    usernames = []
    for unit in (Unit.objects.filter(is_organizer=True, closed_at__isnull=True, depth__gte=3)
                 .order_by("-depth", "path").iterator()):
        name = account_username(unit)
        if name not in used and User.objects.filter(username=name, is_active=True).exists():
            usernames.append(name)
            used.add(name)
        if len(usernames) >= count:
            break
    return usernames


def importer_sessions(county_units) -> list:
    from django.db.models import Count

    importers = []
    for k, office in enumerate(county_units[1:3]):
        # The unit below with the fewest sites: its workbook (existing sites + 50 new) stays
        # under the 500-row limit however often the bench has run on this database.
        child = (Unit.objects.filter(path__startswith=office.path, depth=office.depth + 1, is_organizer=False)
                 .annotate(n=Count("websites")).order_by("n", "path").first())
        importers.append((session_for(account(f"load_import{k}", office, roles.ORGANIZER)),
                          workbooks(child, office.org_code or f"c{office.pk}", 6, 50)))
    return importers


def report(modes: dict) -> None:
    names = list(modes)
    labels = sorted({label for rec, _ in modes.values() for label in rec.times})
    print("  " + f"{'page':<26}" + "".join(f"{'[' + name + '] n':>12}{'median':>9}{'p95':>9}{'max':>9}"
                                             for name in names))
    for label in labels:
        line = f"  {label:<26}"
        for name in names:
            values = modes[name][0].times.get(label, [])
            if label.endswith("（条）"):
                line += f"{len(values):>12}{'imports':>9}{sum(values):>9,}{'sites':>9}" if values else " " * 39
            elif values:
                line += (f"{len(values):>12}{statistics.median(values) * 1000:>7.0f}ms"
                         f"{pct(values, 95) * 1000:>7.0f}ms{max(values) * 1000:>7.0f}ms")
            else:
                line += " " * 39
        print(line)
    for name, (rec, elapsed) in modes.items():
        total = sum(len(v) for k, v in rec.times.items() if not k.endswith("（条）"))
        timed = {k: v for k, v in rec.times.items() if not k.endswith("（条）")}
        worst = max((pct(v, 95), k) for k, v in timed.items())
        logins = rec.times.get("登录：全程（四步 + 首页）", [])
        stats = rec.times.get("统计：全国", [0])
        print(f"[{name}] {total:,} requests in {elapsed:.0f} s ({total / elapsed:.0f}/s), errors: {len(rec.errors)}; "
              f"worst p95 {worst[0] * 1000:.0f} ms ({worst[1]}; target < 1000 ms); "
              f"logins: {len(logins)} done, whole-login p95 {pct(logins, 95) * 1000 if logins else 0:.0f} ms; "
              f"national statistics p95 {pct(stats, 95) * 1000:.0f} ms (target < 300 ms)")
        for error in rec.errors[:8]:
            print(f"  ! {error}")
        print(f"  [{name}] slowest requests (started at second): " + ", ".join(
            f"{label} {seconds:.1f} s @{at:.0f}" for seconds, at, label in sorted(rec.slow, reverse=True)[:6]))
        # Every page's requests by the 10 seconds they started in: a stall (the rebuild midway) shows as one window.
        windows = defaultdict(list)
        for seconds, at, label in rec.slow:
            if not label.endswith("（条）"):
                windows[int(at // 10) * 10].append(seconds)
        print(f"  [{name}] p95 by start time: " + ", ".join(
            f"{at}–{at + 10} s {pct(v, 95) * 1000:.0f} ms (n {len(v)})" for at, v in sorted(windows.items())))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60, help="per mode")
    parser.add_argument("--logins", type=int, default=50, help="timed logins within each mode's first minute")
    parser.add_argument("--modes", default="paced,capacity",
                        help="paced (people pause --think between clicks), capacity (no pause), or both")
    parser.add_argument("--think", default="1-3", metavar="LO-HI",
                        help="the paced mode's pause between a person's clicks, uniformly drawn (default 1-3 s)")
    parser.add_argument("--gunicorn-workers", type=int, default=None, help="default: the shipped config's")
    parser.add_argument("--gunicorn-threads", type=int, default=None, help="default: the shipped config's")
    parser.add_argument("--reports-lane", action=argparse.BooleanOptionalAction, default=True,
                        help="the statistics pages on their own gunicorn, as shipped (--no-reports-lane: "
                             "every page on the app's)")
    args = parser.parse_args()
    global THINK
    lo, _, hi = args.think.partition("-")
    paced = (float(lo), float(hi or lo))
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - {"paced", "capacity"}:
        sys.exit("--modes: paced, capacity or both")
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/load.py runs on PostgreSQL: set DATABASE_URL")
    prepare()
    root = Unit.objects.get(depth=1)
    hebei = Unit.objects.get(org_code=QUEUE_PROVINCE)
    county_units = [u for u in Unit.objects.filter(kind=Unit.Kind.COUNTY_OFFICE, path__startswith=hebei.path)
                    .order_by("path")[:40]
                    if Unit.objects.filter(path__startswith=u.path, depth=u.depth + 1, is_organizer=False).exists()][:3]
    reporting_unit = Unit.objects.filter(path__startswith=county_units[0].path, depth=county_units[0].depth + 1,
                                         is_organizer=False).order_by("path").first()
    used: set = set()
    with LocalStack(os.environ["DATABASE_URL"], redis_db=REDIS_DB, workers=args.gunicorn_workers,
                    threads=args.gunicorn_threads, extra_env=STACK_ENV, reports=args.reports_lane) as stack:
        national_user = account("load_guoban", root, roles.NATIONAL_ADMIN)
        province_user = account("load_hebei", hebei, roles.ORGANIZER)
        deep = deep_pages(national_user, province_user)
        resolve_pages(deep)
        args.review_from = deep["review_from"]
        national, province = session_for(national_user), session_for(province_user)
        county = session_for(account("load_county", county_units[0], roles.ORGANIZER))
        reporter = session_for(account("load_reporter", reporting_unit, roles.REPORTER))
        approvers = [session_for(account(f"load_review{k}", hebei, roles.ORGANIZER)) for k in range(2)]
        shape = stack.gunicorn_shape()
        lane = (f", statistics pages: reports lane, 1 worker × {shape[1]} threads" if args.reports_lane
                else ", no reports lane (switched off)")
        print(f"stack: {stack.url} (nginx → gunicorn {shape[0]} workers × {shape[1]} threads{lane}, "
              f"Redis db {REDIS_DB}, Celery job worker at nice {WORKER_NICE}); settings at their defaults but "
              f"LOGIN_RATE_PER_ADDRESS={STACK_ENV['LOGIN_RATE_PER_ADDRESS']} (one client address for everyone)")
        print(f"{args.users} users per mode, {args.seconds} s each; {args.logins} timed logins within each mode's "
              f"first minute; paced = {paced[0]:g}–{paced[1]:g} s between a person's clicks, capacity = none")
        results = {}
        for mode in modes:
            THINK = paced if mode == "paced" else (0.0, 0.0)
            importers = importer_sessions(county_units)
            logins = login_accounts(args.logins, used)
            if len(logins) < args.logins:
                print(f"  (only {len(logins)} unused organizing-unit accounts for logins)")
            load_before = os.getloadavg()[0]
            results[mode] = asyncio.run(run(stack.url, (national, province, county, reporter, approvers, importers),
                                            logins, args))
            print(f"[{mode}] load average before {load_before:.1f}, after {os.getloadavg()[0]:.1f} "
                  f"(2 cores; the machine may be shared)")
    report(results)


if __name__ == "__main__":
    main()
