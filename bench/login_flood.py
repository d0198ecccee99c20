"""A bounded login flood against a real server process on loopback.

    .venv/bin/python bench/login_flood.py [--clients 50] [--seconds 30] [--mode fresh|sticky]

Starts `sitecensus runserver` (threaded, one thread per connection) on a fresh
demo database in a temporary directory, behind a pretend reverse proxy
(TRUSTED_PROXIES=127.0.0.1, so each flooder can claim its own client address
with X-Forwarded-For: the worst case for per-address limits). Then, for the
given time:
- N flooders post wrong passwords as fast as they can. `--mode fresh` (the default, the
  worst case for memory): every attempt a fresh username, a fresh client address and a
  fresh session (new cookies, new CSRF token). `--mode sticky`: random and real usernames,
  each flooder from its own address keeping its session;
- the owner of `laishui_lsz` logs in with the right password every 2 s from
  the office address, where they had logged in before the flood (a real
  account, the one the flooders keep guessing: it must keep working).
Prints the server's resident memory (sampled every 0.2 s, and its peak), the
flood's requests by status, and the owner's logins: succeeded / tried, latency.
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Pucha@2015Demo"
TARGET_MB = 500


def sitecensus(*args) -> list[str]:
    """The management command line of this checkout (not whatever `sitecensus` is installed)."""
    return [sys.executable, "-m", "sitecensus.cli", *args]


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session(address: str):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("X-Forwarded-For", address), ("User-Agent", "login-flood")]
    return opener


def attempt(opener, base: str, username: str, password: str) -> int:
    try:
        page = opener.open(f"{base}/accounts/login/", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                       "password": password}).encode()
        request = urllib.request.Request(f"{base}/accounts/login/", data=data,
                                         headers={"Referer": f"{base}/accounts/login/"})
        return opener.open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code
    except Exception:
        return -1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--mode", choices=["fresh", "sticky"], default="fresh")
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="sitecensus-flood-")
    env = {**os.environ, "SITECENSUS_VAR": var, "DEBUG": "0", "SITECENSUS_HTTPS": "0",
           "TRUSTED_PROXIES": "127.0.0.1", "DJANGO_SETTINGS_MODULE": "sitecensus.settings",
           "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)  # the embedded set-up: counters in the process
    for command in (["migrate", "--noinput", "-v0"], ["load-demo"]):
        subprocess.run(sitecensus(*command), env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    server = subprocess.Popen(sitecensus("runserver", "--noreload", "--insecure", f"127.0.0.1:{args.port}"),
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        # The owner has logged in from the office before (that address is known for the account).
        assert attempt(session("198.51.100.7"), base, "laishui_lsz", PASSWORD) == 302
        idle = rss_kb(server.pid)
        stop = time.monotonic() + args.seconds
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        samples = []
        owner = {"ok": 0, "tried": 0, "latency": []}

        counter = iter(range(10**9))

        def fresh_address() -> str:
            return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"

        def flooder(n: int):
            opener = session(f"10.{n // 250}.{n % 250}.{random.randint(1, 250)}")
            names = ["laishui_lsz", "guoban", "secadmin", "hebei", f"nobody{n}"]
            while time.monotonic() < stop:
                if args.mode == "fresh":  # a new name, address and session every time
                    status = attempt(session(fresh_address()), base, f"flood{next(counter)}x{n}",
                                     f"guess-{random.random()}")
                else:
                    status = attempt(opener, base, random.choice(names), f"guess-{random.random()}")
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

        def owner_logins():
            while time.monotonic() < stop:
                started = time.monotonic()
                status = attempt(session("198.51.100.7"), base, "laishui_lsz", PASSWORD)
                owner["tried"] += 1
                owner["ok"] += status == 302
                owner["latency"].append(time.monotonic() - started)
                time.sleep(max(0.0, 2 - (time.monotonic() - started)))

        def sampler():
            while time.monotonic() < stop:
                samples.append(rss_kb(server.pid))
                time.sleep(0.2)

        threads = [threading.Thread(target=flooder, args=(n,)) for n in range(args.clients)]
        threads += [threading.Thread(target=owner_logins), threading.Thread(target=sampler)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        peak = rss_kb(server.pid, "VmHWM")
        total = sum(statuses.values())
        how = ("a fresh username, X-Forwarded-For address and session per attempt" if args.mode == "fresh"
               else "one X-Forwarded-For address per flooder")
        print(f"login flood: {args.clients} concurrent clients for {args.seconds} s on loopback "
              f"(runserver, SQLite, {how})")
        print(f"  server memory: idle {idle / 1024:.0f} MB, median {statistics.median(samples) / 1024:.0f} MB, "
              f"peak {peak / 1024:.0f} MB (target < {TARGET_MB} MB)")
        print(f"  flood requests: {total} ({total / args.seconds:.0f}/s); by status: "
              + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
        lat = owner["latency"]
        print(f"  owner's correct login (laishui_lsz from the office address): {owner['ok']} of {owner['tried']} "
              f"succeeded; latency median {statistics.median(lat):.2f} s, max {max(lat):.2f} s")
        return 0 if peak < TARGET_MB * 1024 and owner["ok"] == owner["tried"] else 1
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
