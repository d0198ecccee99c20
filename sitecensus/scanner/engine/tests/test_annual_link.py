"""The annual-report link check against its corpus served on 127.0.0.1: the tuning part and
the held-out part (written with its truth before the check, never tuned on) scored apart."""

import json
from pathlib import Path

import pytest

from sitecensus.scanner.engine import ScanConfig
from sitecensus.scanner.engine.annual import check_report_links_sync, matches, url_key
from sitecensus.scanner.engine.testing.pages import PageServer

CORPUS = Path(__file__).parent / "fixtures" / "annual_links"
REPORT = "http://zc.test/pucha/annual/1306230001/2026/"


def _verdicts(part: str) -> list[tuple[str, str, object]]:
    cases = json.loads((CORPUS / f"{part}.json").read_text("utf-8"))["cases"]
    items, truth = [], {}
    servers = []
    try:
        for n, case in enumerate(cases):
            server = PageServer(case["pages"]).__enter__()
            servers.append(server)
            pages = {path: page.replace("SITE_PORT_1", f"http://www{n}.site.test:1") if isinstance(page, str)
                     else page for path, page in case["pages"].items()}
            server.pages = pages
            items.append((n, f"http://www{n}.site.test:{server.port}/", REPORT))
            truth[n] = case
        config = ScanConfig(allow_private=True, timeout=20.0, retries=0, render=False,
                            host_map={f"www{n}.site.test": "127.0.0.1" for n in truth})
        got = check_report_links_sync(items, config)
    finally:
        for server in servers:
            server.__exit__(None, None, None)
    return [(truth[n]["name"], truth[n]["truth"], got[n]) for n in truth]


@pytest.mark.parametrize("part", ["tuning", "heldout", "heldout2"])
def test_corpus(part):
    results = _verdicts(part)
    wrong = [(name, want, got.verdict, got.reason) for name, want, got in results if got.verdict != want]
    print(f"{part}: {len(results) - len(wrong)}/{len(results)} right")
    assert not wrong, wrong
    for _, _, got in results:  # evidence or no verdict
        assert got.evidence and got.reason
        if got.verdict == "linked":
            assert any(matches(e["url"], REPORT) and e["found_on"] for e in got.evidence)


def test_one_key_for_every_spelling():
    spellings = ["http://zc.test/pucha/annual/1/2026/", "https://ZC.test:443/pucha/annual/1/2026",
                 "//zc.test/pucha/annual/1/2026/?a=1#x", "http://zc.test:80/pucha/annual/1/2026/"]
    assert len({url_key(s) for s in spellings}) == 1
    assert not matches("http://zc.test:8080/pucha/annual/1/2026/", spellings[0])
    assert matches("http://any.host/pucha/annual/1/2026/", "/pucha/annual/1/2026/")
