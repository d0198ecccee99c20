"""The footer set and accessibility basics read from real saved government pages (fixtures/govpages) against
hand-read truth (fixtures/compliance/truth.json): the tuning part the code was developed on, and the held-out
part written with its truth before the code ran on it (never tuned on). Both scores are printed
(`pytest -s`) and reported in the README; the floors were set before the held-out part was first scored."""
import json
from datetime import date
from pathlib import Path

import pytest

from sitecensus.scanner.engine.compliance import norm_icp, norm_psb
from sitecensus.scanner.engine.extract import parse_page

HERE = Path(__file__).parent / "fixtures"
TRUTH = json.loads((HERE / "compliance" / "truth.json").read_text("utf-8"))
FIELDS = ("footer_code", "jiucuo", "jiucuo_code", "emblem", "icp", "psb", "lang", "a11y_entry")


def read(name: str) -> dict:
    p = parse_page((HERE / "govpages" / name).read_bytes(), url="https://www.example.gov.cn/a/b.html",
                   as_of=date(2025, 6, 30))
    f = p.compliance
    from sitecensus.scanner.engine.compliance import psb_from_links
    psb_from_links(f, p.links)
    kinds = {k for k, _ in f.emblem}
    icp = norm_icp(p.icp)
    return {"footer_code": f.footer_code, "jiucuo": bool(f.jiucuo),
            "jiucuo_code": f.jiucuo_codes[0][0] if f.jiucuo_codes else None,
            "emblem": "error" if "error" in kinds else ("present" if kinds else "absent"),
            "icp": icp, "psb": norm_psb(f.psb), "lang": bool(f.lang), "a11y_entry": bool(f.a11y_entry)}


def score(part: str) -> tuple[float, list[str]]:
    right, total, wrong = 0, 0, []
    for name, want in TRUTH[part].items():
        got = read(name)
        for k in FIELDS:
            w = norm_icp(want[k]) if k == "icp" else want[k]
            total += 1
            if got[k] == w:
                right += 1
            else:
                wrong.append(f"{name} {k}: read {got[k]!r}, truth {w!r}")
    return right / total, wrong


@pytest.mark.parametrize("part,floor", [("tuning", 0.97), ("held_out", 0.9)])
def test_corpus_scores(part, floor):
    s, wrong = score(part)
    print(f"\ncompliance corpus {part}: {s:.3f} ({len(TRUTH[part])} pages × {len(FIELDS)} fields)", *wrong, sep="\n  ")
    assert s >= floor, wrong


def test_the_held_out_part_is_apart_from_tuning():
    assert not set(TRUTH["tuning"]) & set(TRUTH["held_out"])
    assert len(TRUTH["held_out"]) >= 10
