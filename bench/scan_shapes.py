"""Score of the scanner on the page-shape corpus, the held-out part reported apart from the tuning part.

    .venv/bin/python bench/scan_shapes.py                 # both parts (Chromium at /usr/bin/chromium)
    .venv/bin/python bench/scan_shapes.py --scale 1000    # + a run of 1,000 sites, 10 % script-built

Prints per part: shapes, right, false vetoes, missed vetoes, 无法判定 where a person decides at a glance,
and what was wrong on each shape; then render cost per rendered page and share of pages rendered.
--scale N: N sites in one run at the defaults, one in ten a script-built site (its lists only a browser
reads); reports the vetoes and the render-budget 无法判定 among them (both must be 0) and the render cost."""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitecensus.scanner.engine.testing.corpus import run_corpus, summary  # noqa: E402
from sitecensus.scanner.engine.testing.shapes import heldout, tuning  # noqa: E402


def parts() -> None:
    for name, part in (("tuning", tuning), ("HELD-OUT", heldout)):
        t0 = time.perf_counter()
        scored = asyncio.run(run_corpus(part.SHAPES))
        wall = time.perf_counter() - t0
        s = summary(scored)
        pages = sum(r.requests + r.renders for _, r, _ in scored.values())
        renders = sum(r.renders for _, r, _ in scored.values())
        rms = sum(r.render_ms for _, r, _ in scored.values())
        print(f"{name:9}: {s['right']}/{s['shapes']} right; false vetoes {s['false_vetoes']}, missed vetoes "
              f"{s['missed_vetoes']}, 无法判定 at a glance {s['undetermined_at_a_glance']}; {renders} of {pages} pages "
              f"rendered ({renders / max(1, pages) * 100:.1f} %), {rms / max(1, renders):.0f} ms per rendered page; "
              f"{wall:.1f} s", flush=True)
        for k, w in s["wrong"].items():
            print(f"   {k}: {'; '.join(w)}")


def scale(n: int) -> None:
    by = {s.name: s for s in tuning.SHAPES}
    static, scripted = by["t1-sidebar-template"], [by["t3-script-column"], by["t5-spa-shell"]]
    shapes = [replace(scripted[k // 10 % 2] if k % 10 == 0 else static, name=f"scale-{k:05d}") for k in range(n)]
    t0 = time.perf_counter()
    scored = asyncio.run(run_corpus(shapes))
    wall = time.perf_counter() - t0
    s = summary(scored)
    script = [scored[x.name] for k, x in enumerate(shapes) if k % 10 == 0]
    vetoes = sum(1 for _, r, _ in script if r.vetoes)
    budget = sum(1 for _, r, _ in script for u in r.undetermined if u.reason == "render_budget")
    renders = sum(r.renders for _, r, _ in scored.values())
    pages = sum(r.requests + r.renders for _, r, _ in scored.values())
    rms = sum(r.render_ms for _, r, _ in scored.values())
    print(f"scale    : {n} sites ({len(script)} script-built) in {wall:.0f} s; {s['right']}/{n} right; vetoes on "
          f"script-built sites {vetoes}; render budget left 无法判定 {budget}; {renders} of {pages} pages rendered "
          f"({renders / max(1, pages) * 100:.1f} %), {rms / max(1, renders):.0f} ms per rendered page", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=0)
    a = ap.parse_args()
    parts()
    if a.scale:
        scale(a.scale)


if __name__ == "__main__":
    main()
