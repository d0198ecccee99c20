"""What the compliance scan (footer set, domain, accessibility, IPv6) adds to a site scan's requests, on the
same synthetic web scanned twice: without and with it (prints figures, asserts nothing; the test
sitecensus/scanner/engine/tests/test_compliance_cost.py asserts the ratio).

    .venv/bin/python bench/scan_compliance.py --sites 50
    .venv/bin/python bench/scan_compliance.py --sites 50 --no-links   # scans without the dead-link check
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitecensus.scanner.engine.testing.compliance_web import request_counts  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=50)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--no-links", action="store_true", help="scan without the dead-link check")
    a = ap.parse_args()
    c = asyncio.run(request_counts(a.sites, a.seed, links=not a.no_links))
    print(f"sites: {c['sites']} (each with an AAAA record, served over 127.0.0.1 and ::1; "
          f"IPv6 supported: {c['ipv6_supported']})")
    print(f"requests without compliance: {c['without']} ({c['without'] / c['sites']:.1f} per site)")
    print(f"requests with compliance:    {c['with']} ({c['with'] / c['sites']:.1f} per site)")
    print(f"added: {c['added']} ({c['added'] / c['sites']:.1f} per site) = {c['ratio']:.1%} of the site scan")
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
