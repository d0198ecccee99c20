"""Score of the scanner on the page-shape corpus, the held-out part reported apart from the tuning part.

    .venv/bin/python bench/scan_shapes.py            # both parts (Chromium at /usr/bin/chromium)

Prints per part: shapes, right, false vetoes, missed vetoes, 无法判定 where a person decides at a glance,
and what was wrong on each shape; then render cost per rendered page and share of pages rendered."""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitecensus.scanner.engine.testing.corpus import run_corpus, summary  # noqa: E402
from sitecensus.scanner.engine.testing.shapes import heldout, tuning  # noqa: E402


def main() -> None:
    for name, part in (("tuning", tuning), ("HELD-OUT", heldout)):
        t0 = time.perf_counter()
        scored = asyncio.run(run_corpus(part.SHAPES))
        wall = time.perf_counter() - t0
        s = summary(scored)
        pages = sum(r.requests + r.renders for _, r, _ in scored.values())
        renders = sum(r.renders for _, r, _ in scored.values())
        rms = sum(getattr(r, "render_ms", 0) for _, r, _ in scored.values())
        print(f"{name:9}: {s['right']}/{s['shapes']} right; false vetoes {s['false_vetoes']}, missed vetoes "
              f"{s['missed_vetoes']}, 无法判定 at a glance {s['undetermined_at_a_glance']}; {renders} of {pages} pages "
              f"rendered ({renders / max(1, pages) * 100:.1f} %), {rms / max(1, renders):.0f} ms per rendered page; "
              f"{wall:.1f} s", flush=True)
        for k, w in s["wrong"].items():
            print(f"   {k}: {'; '.join(w)}")


if __name__ == "__main__":
    main()
