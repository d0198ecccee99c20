"""Dead-link checking: the engine vs LinkChecker on the same link set (prints figures only).

    python3 -m venv /tmp/lcvenv && /tmp/lcvenv/bin/pip install linkchecker==10.6.0
    .venv/bin/python bench/scan_linkchecker.py --sites 200 --linkchecker /tmp/lcvenv/bin/linkchecker

Link set: every distinct link, image and attachment on the homepages of --sites synthetic sites
(links to unresolvable hosts left out). LinkChecker is not a project dependency.

Fairness notes:
- LinkChecker throttles each host to one request per 0.1-0.6 s unless the host answers with a
  "LinkChecker" response header (linkcheck/checker/httpurl.py -> Aggregate.set_maxrated_for_host);
  the synthetic server sends that header here and maxrequestspersecond is raised, so only
  LinkChecker's own speed is measured.
- LinkChecker resolves names with the system resolver, so it reaches the virtual hosts through
  http_proxy pointing at the synthetic server (which serves by Host header).
- Both check each URL once; the engine uses HEAD with a ranged-GET fallback, concurrency 64,
  per-host 2; LinkChecker runs with --threads as given.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitecensus.scanner.engine import ScanConfig  # noqa: E402
from sitecensus.scanner.engine.extract import parse_page  # noqa: E402
from sitecensus.scanner.engine.fetch import Fetcher  # noqa: E402
from sitecensus.scanner.engine.scan import _check_link, _link_dead  # noqa: E402
from sitecensus.scanner.engine.testing.synthetic import SyntheticWeb  # noqa: E402


async def collect_links(web: SyntheticWeb, cfg: ScanConfig) -> list[str]:
    async with Fetcher(cfg) as f:
        async def one(h):
            r = await f.fetch(web.homepage_url(h))
            p = parse_page(r.body or b"", url=r.final_url, as_of=web.as_of)
            return [l.url for l in p.links]
        lists = await asyncio.gather(*(one(h) for h in web.hosts()))
    urls = dict.fromkeys(u for ls in lists for u in ls if ".gov.test" in u and "offline-" not in u)
    return list(urls)


async def engine_check(urls: list[str], cfg: ScanConfig) -> tuple[int, float]:
    async with Fetcher(cfg) as f:
        t0 = time.perf_counter()
        res = await asyncio.gather(*(_check_link(f, u, cfg) for u in urls))
        return sum(1 for r in res if _link_dead(r)), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=200)
    ap.add_argument("--linkchecker", default="/tmp/lcvenv/bin/linkchecker")
    ap.add_argument("--threads", type=int, default=10, help="LinkChecker threads (its default is 10)")
    a = ap.parse_args()
    print(f"# {' '.join([os.path.basename(sys.executable)] + sys.argv)}")
    proc = subprocess.Popen([sys.executable, "-m", "sitecensus.scanner.engine.testing.synthetic", "--sites",
                             str(a.sites), "--linkchecker-header"], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    port = int(proc.stdout.readline())
    try:
        web = SyntheticWeb(a.sites, 1, port=port)
        cfg = ScanConfig(allow_private=True, host_map=web.host_map(), concurrency=64, per_host=2, as_of=web.as_of)
        urls = asyncio.run(collect_links(web, cfg))
        hosts = len({u.split("/")[2] for u in urls})
        dead, t_engine = asyncio.run(engine_check(urls, cfg))
        print(f"link set          : {len(urls)} distinct URLs on {hosts} hosts")
        print(f"engine            : {t_engine:.2f} s, {len(urls) / t_engine:.0f} URLs/s, {dead} dead")

        with tempfile.TemporaryDirectory() as td:
            page = Path(td) / "links.html"
            page.write_text("<html><body>" + "".join(f'<a href="{u}">x</a>\n' for u in urls) + "</body></html>")
            rc = Path(td) / "linkcheckerrc"
            rc.write_text("[checking]\nmaxrequestspersecond=10000\nrecursionlevel=1\n[filtering]\ncheckextern=1\n")
            os.chmod(td, 0o755)
            for p in (page, rc):
                os.chmod(p, 0o644)
            env = dict(os.environ, http_proxy=f"http://127.0.0.1:{port}", HTTP_PROXY=f"http://127.0.0.1:{port}",
                       no_proxy="", NO_PROXY="")
            cmd = [a.linkchecker, "-f", str(rc), "--no-robots", "--check-extern", "-r", "1", "-t", str(a.threads),
                   "--no-status", "-o", "text", f"file://{page}"]
            t0 = time.perf_counter()
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
            t_lc = time.perf_counter() - t0
        m = re.search(r"(\d+) links? in (\d+) URLs? checked.*?(\d+) errors? found", out.stdout, re.S)
        summary = m.group(0).replace("\n", " ") if m else out.stdout[-300:] + out.stderr[-300:]
        print(f"LinkChecker       : {t_lc:.2f} s, {len(urls) / t_lc:.0f} URLs/s  ({summary}; threads {a.threads})")
        print(f"speed-up          : engine is {t_lc / t_engine:.1f}x faster")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
