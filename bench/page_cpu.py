"""CPU per request of every page in bench/load.py's mix, per role, and of each login step
(in process, Django's test Client, no server; the stack's settings: DEBUG off, cached
templates, Redis cache and sessions). Prints figures; asserts nothing.

    createdb -h 127.0.0.1 -U postgres -T sitecensus_bench sc_pagebench   # a copy: the bench writes sessions, logins
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_pagebench LOAD_REDIS_DB=7 \\
        .venv/bin/python bench/page_cpu.py [--runs 9] [--logins 5] [--only 首页] [--profile 首页：全国]

CPU is this process's (time.process_time: the application's Python, template rendering, the
database driver's side; not PostgreSQL's own work): on a shared, loaded machine it moves far
less than wall time, and on the stack's 2 cores it is what bounds requests per second. Each
page is viewed once to warm (caches, the first-request checks), then RUNS times; the median
is printed with the query count of the last view and the median wall time for reference.
Logins go through the real pages as load.py's do (login page, password, second-factor page,
code, home), each with an organizing unit's own account (a different one per login: a code
is accepted once per device and time step). --profile LABEL prints cProfile's top functions
for that page (or login step).
"""

import argparse
import cProfile
import io
import pstats
import re
import statistics
import time

import load  # noqa: F401 - sets the stack's environment (Redis cache and sessions) and Django up
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from national import BENCH_PASSWORD, QUEUE_PROVINCE

from sitecensus.accounts import roles
from sitecensus.orgs.models import Unit

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOST = {"HTTP_HOST": "localhost", "secure": True}


class Figures:
    def __init__(self, profile: str):
        self.cpu, self.wall, self.queries = {}, {}, {}
        self.profile_label, self.profiler = profile, None

    def timed(self, label, call):
        profiling = self.profile_label and self.profile_label == label
        if profiling:
            self.profiler = self.profiler or cProfile.Profile()
            self.profiler.enable()
        with CaptureQueriesContext(connection) as ctx:
            cpu, wall = time.process_time(), time.perf_counter()
            response = call()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if profiling:
            self.profiler.disable()
        self.cpu.setdefault(label, []).append(cpu * 1000)
        self.wall.setdefault(label, []).append(wall * 1000)
        self.queries[label] = len(ctx.captured_queries)
        return response

    def row(self, label):
        return (f"  {label:<24}{statistics.median(self.cpu[label]):>8.1f}{statistics.median(self.wall[label]):>9.1f}"
                f"{self.queries[label]:>9}{len(self.cpu[label]):>5}")


def page(figures, client, label, path, runs):
    response = client.get(path, **HOST)  # warm-up (not counted)
    if response.status_code != 200:
        raise SystemExit(f"{label} {path}: HTTP {response.status_code} {response.get('Location', '')}")
    for _ in range(runs):
        figures.timed(label, lambda: client.get(path, **HOST))


def login(figures, username):
    """The four steps of a login and the home page after it, as bench/load.py times them."""
    from sitecensus.accounts.models import User
    from sitecensus.accounts.otp import demo_code_for

    client = Client()
    started = (time.process_time(), time.perf_counter())
    body = figures.timed("登录：登录页", lambda: client.get("/accounts/login/", **HOST)).content.decode()
    data = {"csrfmiddlewaretoken": TOKEN.search(body).group(1), "username": username, "password": BENCH_PASSWORD}
    response = figures.timed("登录：密码", lambda: client.post("/accounts/login/", data, **HOST))
    if response.status_code != 302 or "/accounts/otp/verify/" not in response["Location"]:
        raise SystemExit(f"登录：密码 {username}: HTTP {response.status_code} {response.get('Location', '')}")
    otp_url = response["Location"]
    body = figures.timed("登录：动态口令页", lambda: client.get(otp_url, **HOST)).content.decode()
    code = demo_code_for(User.objects.get(username=username))  # outside the timing: the person's phone
    data = {"csrfmiddlewaretoken": TOKEN.search(body).group(1), "token": code}
    response = figures.timed("登录：动态口令", lambda: client.post(otp_url, data, **HOST))
    if response.status_code != 302 or "/accounts/" in response["Location"]:
        raise SystemExit(f"登录：动态口令 {username}: HTTP {response.status_code} {response.get('Location', '')}")
    home = response["Location"]
    response = figures.timed("首页：登录后", lambda: client.get(home, **HOST))
    if response.status_code != 200:
        raise SystemExit(f"首页：登录后 {username}: HTTP {response.status_code}")
    figures.cpu.setdefault("登录：全程（四步 + 首页）", []).append((time.process_time() - started[0]) * 1000)
    figures.wall.setdefault("登录：全程（四步 + 首页）", []).append((time.perf_counter() - started[1]) * 1000)
    figures.queries["登录：全程（四步 + 首页）"] = sum(figures.queries[k] for k in (
        "登录：登录页", "登录：密码", "登录：动态口令页", "登录：动态口令", "首页：登录后"))
    return client


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="timed views per page after one warm-up")
    parser.add_argument("--logins", type=int, default=5, help="timed logins (a different account each)")
    parser.add_argument("--only", default="", help="pages whose label contains this text")
    parser.add_argument("--profile", default="", metavar="LABEL", help="cProfile this page's timed views")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/page_cpu.py runs on PostgreSQL (a copy of the national data set): set DATABASE_URL")
    load._setup.serve_pages()
    root = Unit.objects.get(depth=1)
    hebei = Unit.objects.get(org_code=QUEUE_PROVINCE)
    county = Unit.objects.filter(kind=Unit.Kind.COUNTY_OFFICE, path__startswith=hebei.path).order_by("path").first()
    users = {"national": load.account("load_guoban", root, roles.NATIONAL_ADMIN),
             "province": load.account("load_hebei", hebei, roles.ORGANIZER),
             "county": load.account("load_county", county, roles.ORGANIZER),
             "reporter": load.account("load_reporter", Unit.objects.filter(
                 path__startswith=county.path, depth=county.depth + 1, is_organizer=False).order_by("path").first(),
                 roles.REPORTER)}
    load.resolve_pages(load.deep_pages(users["national"], users["province"]))
    figures = Figures(args.profile)
    print(f"database: {load._setup.describe_database()}; {args.runs} views per page after one warm-up")
    print(f"  {'page':<24}{'cpu ms':>8}{'wall ms':>9}{'queries':>9}{'n':>5}")
    for kind, pages in load.PAGES.items():
        client = Client()
        if kind in users:
            client.cookies["sessionid"] = load.session_for(users[kind])
        for label, path in pages:
            if args.only in label:
                page(figures, client, label, path, args.runs)
                print(figures.row(label), flush=True)
    if args.logins and (not args.only or "登录" in args.only):
        usernames = load.login_accounts(args.logins + 1, set())
        if not usernames:
            print("  (no organizing-unit accounts: bench/national.py --accounts)")
        else:
            client = login(figures, usernames[0])  # warm-up (not counted)
            for label in list(figures.cpu):
                if label.startswith("登录") or label == "首页：登录后":
                    del figures.cpu[label], figures.wall[label]
            for username in usernames[1:]:
                client = login(figures, username)
            for label in ("登录：登录页", "登录：密码", "登录：动态口令页", "登录：动态口令", "首页：登录后",
                          "登录：全程（四步 + 首页）"):
                if label in figures.cpu:
                    print(figures.row(label))
            for label, path in load.AFTER_LOGIN:  # the organizing unit's pages, as the logged-in person sees them
                page(figures, client, label, path, args.runs)
                print(figures.row(label), flush=True)
    total = [statistics.median(v) for k, v in figures.cpu.items() if k != "登录：全程（四步 + 首页）"]
    print(f"pages: {len(total)}; CPU ms per request, mean of the pages' medians {statistics.mean(total):.1f}")
    if figures.profiler is not None:
        out = io.StringIO()
        pstats.Stats(figures.profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())


if __name__ == "__main__":
    main()
