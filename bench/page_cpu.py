"""CPU per request of every page in bench/load.py's mix, per role, and of each login step
(in process, Django's test Client, no server; the stack's settings: DEBUG off, cached
templates, Redis cache and sessions). Prints figures; asserts nothing.

    createdb -h 127.0.0.1 -U postgres -T sitecensus_bench sc_pagebench   # a copy: the bench writes sessions, logins
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_pagebench LOAD_REDIS_DB=7 \\
        .venv/bin/python bench/page_cpu.py [--runs 9] [--logins 5] [--only 首页] [--profile 首页：全国]

CPU is this process's (time.process_time: the application's Python, template rendering, the
database driver's side) and, beside it, the PostgreSQL backend's serving the request (read from
/proc: the database runs on this machine): on a shared, loaded machine both move far less than
wall time, and on the stack's 2 cores their sum is what bounds requests per second. Each
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
import os
import pstats
import re
import statistics
import time

# As the stack runs (deploy/localstack.py): connections kept between requests, checked before reuse.
os.environ.setdefault("DB_CONN_MAX_AGE", "60")
os.environ.setdefault("DB_CONN_HEALTH_CHECKS", "1")

import load  # noqa: F401 - sets the stack's environment (Redis cache and sessions) and Django up
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from national import BENCH_PASSWORD


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOST = {"HTTP_HOST": "localhost", "secure": True}


def backend_cpu_ms() -> float:
    """CPU time so far of the PostgreSQL backend serving this connection (0 if it cannot be read)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


class Figures:
    def __init__(self, profile: str):
        self.cpu, self.wall, self.queries, self.sql, self.db = {}, {}, {}, {}, {}
        self.profile_label, self.profiler = profile, None

    def timed(self, label, call):
        profiling = self.profile_label and self.profile_label == label
        if profiling:
            self.profiler = self.profiler or cProfile.Profile(time.process_time)  # CPU, not waiting on PostgreSQL
            self.profiler.enable()
        db = backend_cpu_ms()
        with CaptureQueriesContext(connection) as ctx:
            cpu, wall = time.process_time(), time.perf_counter()
            response = call()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        self.db.setdefault(label, []).append(backend_cpu_ms() - db)
        if profiling:
            self.profiler.disable()
        self.cpu.setdefault(label, []).append(cpu * 1000)
        self.wall.setdefault(label, []).append(wall * 1000)
        self.queries[label] = len(ctx.captured_queries)
        self.sql[label] = [q["sql"] for q in ctx.captured_queries]
        return response

    def row(self, label):
        db = self.db.get(label) or [0.0]
        return (f"  {label:<24}{statistics.median(self.cpu[label]):>8.1f}{statistics.mean(db):>8.1f}"
                f"{statistics.median(self.wall[label]):>9.1f}{self.queries[label]:>9}{len(self.cpu[label]):>5}")


def page(figures, client, label, path, runs):
    response = client.get(path, **HOST)  # warm-up (not counted)
    if response.status_code != 200:
        raise SystemExit(f"{label} {path}: HTTP {response.status_code} {response.get('Location', '')}")
    for _ in range(runs):
        figures.timed(label, lambda: client.get(path, **HOST))


def login(figures, client, username):
    """The four steps of a login and the home page after it, as bench/load.py times them (a new
    person: no cookies; the same client, whose handler, like a server process's, is built once)."""
    from sitecensus.accounts.models import User
    from sitecensus.accounts.otp import demo_code_for

    client.cookies.clear()
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
    figures.db.setdefault("登录：全程（四步 + 首页）", []).append(sum(figures.db[k][-1] for k in (
        "登录：登录页", "登录：密码", "登录：动态口令页", "登录：动态口令", "首页：登录后")))
    figures.queries["登录：全程（四步 + 首页）"] = sum(figures.queries[k] for k in (
        "登录：登录页", "登录：密码", "登录：动态口令页", "登录：动态口令", "首页：登录后"))


def rebuild(times: int) -> None:
    """The statistics job as the worker runs it (sitecensus.stats.jobs): the rebuild, then the
    warm-up of the national and provincial scopes; this process's CPU (the worker's, niced on
    the stack) and the database backend's (not niced: what page views compete with)."""
    from sitecensus.core.db import background
    from sitecensus.stats.selectors import warm_cache
    from sitecensus.stats.services import refresh_tallies

    for _ in range(times):
        with background():
            for name, work in (("rebuild", lambda: refresh_tallies(force=True)), ("warm-up", warm_cache)):
                db, cpu, wall = backend_cpu_ms(), time.process_time(), time.perf_counter()
                with CaptureQueriesContext(connection) as ctx:
                    work()
                print(f"  statistics {name}: cpu {(time.process_time() - cpu) * 1000:.0f} ms, "
                      f"db {backend_cpu_ms() - db:.0f} ms, wall {(time.perf_counter() - wall) * 1000:.0f} ms, "
                      f"{len(ctx.captured_queries)} queries", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="timed views per page after one warm-up")
    parser.add_argument("--logins", type=int, default=5, help="timed logins (a different account each)")
    parser.add_argument("--only", default="", help="pages whose label contains this text")
    parser.add_argument("--profile", default="", metavar="LABEL", help="cProfile this page's timed views")
    parser.add_argument("--rebuild", type=int, default=0, metavar="N",
                        help="also time the statistics job N times: the rebuild and its warm-up of the large scopes")
    parser.add_argument("--sql", action="store_true", help="print each page's queries (its last view)")
    parser.add_argument("--sort", default="cumulative", help="the profile's order (cumulative, tottime)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/page_cpu.py runs on PostgreSQL (a copy of the national data set): set DATABASE_URL")
    load._setup.serve_pages()
    users = load.page_users()
    figures = Figures(args.profile)
    print(f"database: {load._setup.describe_database()}; {args.runs} views per page after one warm-up")
    print(f"  {'page':<24}{'cpu ms':>8}{'db ms':>8}{'wall ms':>9}{'queries':>9}{'n':>5}   "
          "(cpu: median, this process; db: mean, the PostgreSQL backend, at 10 ms ticks)")
    for kind, pages in load.PAGES.items():
        client = Client()
        if kind in users:
            client.cookies["sessionid"] = load.session_for(users[kind])
        for label, path in pages:
            if args.only in label:
                page(figures, client, label, path, args.runs)
                print(figures.row(label), flush=True)
                if args.sql:
                    print("\n".join("      " + sql[:160] for sql in figures.sql[label]))
    if args.logins and (not args.only or "登录" in args.only):
        usernames = load.login_accounts(args.logins + 1, set())
        if not usernames:
            print("  (no organizing-unit accounts: bench/national.py --accounts)")
        else:
            client = Client()
            login(figures, client, usernames[0])  # warm-up (not counted)
            for label in list(figures.cpu):
                if label.startswith("登录") or label == "首页：登录后":
                    figures.cpu.pop(label), figures.wall.pop(label), figures.db.pop(label, None)
            for username in usernames[1:]:
                login(figures, client, username)
            for label in ("登录：登录页", "登录：密码", "登录：动态口令页", "登录：动态口令", "首页：登录后",
                          "登录：全程（四步 + 首页）"):
                if label in figures.cpu:
                    print(figures.row(label))
                    if args.sql and label in figures.sql:
                        print("\n".join("      " + sql[:160] for sql in figures.sql[label]))
            for label, path in load.AFTER_LOGIN:  # the organizing unit's pages, as the logged-in person sees them
                page(figures, client, label, path, args.runs)
                print(figures.row(label), flush=True)
    if args.rebuild:
        rebuild(args.rebuild)
    labels = [k for k in figures.cpu if k != "登录：全程（四步 + 首页）"]
    print(f"pages: {len(labels)}; per request, mean over the pages: "
          f"CPU {statistics.mean(statistics.median(figures.cpu[k]) for k in labels):.1f} ms, "
          f"database CPU {statistics.mean(statistics.mean(figures.db[k]) for k in labels):.1f} ms")
    if figures.profiler is not None:
        out = io.StringIO()
        pstats.Stats(figures.profiler, stream=out).sort_stats(args.sort).print_stats(45)
        print(out.getvalue())


if __name__ == "__main__":
    main()
