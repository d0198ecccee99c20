"""The page-shape corpus (testing/corpus.py): every tuning shape gets every verdict right, served by Host
header on 127.0.0.1 and reached through a host map only. The held-out part is checked for completeness
here; its score is reported apart by bench/scan_shapes.py and never used to tune the engine."""
import os
from collections import Counter

import pytest

from sitecensus.scanner.engine.testing.corpus import run_corpus
from sitecensus.scanner.engine.testing.shapes import heldout, tuning
from sitecensus.scanner.engine import aio

HAVE_CHROMIUM = os.access("/usr/bin/chromium", os.X_OK)


@pytest.fixture(scope="module")
def scored():
    return aio.run(run_corpus(tuning.SHAPES))


@pytest.mark.parametrize("part", [tuning, heldout], ids=["tuning", "heldout"])
def test_every_class_has_two_different_shapes(part):
    by_class = Counter(s.cls for s in part.SHAPES)
    assert all(by_class[c] >= 2 for c in range(1, 7)), by_class
    assert len({s.name for s in part.SHAPES}) == len(part.SHAPES)
    assert not {s.name for s in tuning.SHAPES} & {s.name for s in heldout.SHAPES}


@pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian's Chromium absent")
@pytest.mark.parametrize("name", [s.name for s in tuning.SHAPES])
def test_tuning_shape_gets_every_verdict_right(scored, name):
    wrong, r, p = scored[name]
    assert wrong == [], (name, wrong)


@pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian's Chromium absent")
def test_findings_and_vetoes_carry_their_evidence_and_reading(scored):
    _, r, _ = scored["t1-hidden-spam"]
    f = next(f for f in r.findings if f.code == "暗链")
    assert f.items and all(u.startswith("http://bc-yule88.test") for u in f.items) and "娱乐城" in f.snippet
    ve = {v.veto: v for v in r.veto_evidence}
    assert ve["网站不更新"].reading == "static" and ve["网站不更新"].evidence[0].date == r.homepage.latest_date
    assert "bc-yule88" not in (ve["网站不更新"].evidence[0].item_url or "")
    _, r, p = scored["t4-waf-tool-ua"]
    f = next(f for f in r.findings if f.code == "拒绝扫描器访问")
    assert f.status == 403 and p.success and r.homepage.reachable and r.homepage.error is None
    _, r, _ = scored["t3-script-column"]
    assert r.columns[0].reading == "rendered" and r.renders >= 1 and r.render_ms > 0
    _, r, p = scored["t5-maintenance"]
    assert r.homepage.evidence.source == "maintenance" and p.error == "maintenance"
    d = r.to_dict()
    assert d["veto_evidence"][0]["reading"] == "static" and d["findings"][0]["code"] == "网站维护中"


@pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian's Chromium absent")
def test_render_budget_is_per_site_not_per_run():
    """Three script-built columns on three sites, one render each: every one is read (a run-wide cap of one
    would leave two of them 无法判定)."""
    from dataclasses import replace
    base = next(s for s in tuning.SHAPES if s.name == "t3-script-column")
    shapes = [replace(base, name=f"t3-script-column-{k}") for k in range(3)]
    out = aio.run(run_corpus(shapes, render_per_site=1))
    for name, (wrong, r, _) in out.items():
        assert wrong == [] and r.renders == 1 and r.columns[0].rendered, (name, wrong)
    out = aio.run(run_corpus(shapes[:1], render_per_site=0))
    _, r, _ = out[shapes[0].name]
    assert r.columns[0].undetermined == "render_budget" and not r.columns[0].blank and r.vetoes == []


@pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian's Chromium absent")
def test_a_site_whose_pages_read_the_same_in_the_browser_keeps_its_column_veto_within_its_budget():
    """Six stale 通知公告 columns, every page carrying a script: two are confirmed by Chromium, the rest stand
    on their static reading — a budget of three renders still gives the true 栏目不更新."""
    from sitecensus.scanner.engine.testing.corpus import Shape, Truth
    from sitecensus.scanner.engine.testing.shapes.kit import doc, days, li_list
    script = "<script>var _hmt = _hmt || []; document.title = document.title;</script>"
    pages = {"/": doc("东湖区人民政府", tuning.HOME_NEWS + script), **tuning.HOME_ARTS}
    cols = []
    for k in range(6):
        pages[f"/col/t{k}/"] = doc("通知公告", li_list(f"/art/t{k}-", days(200 + k, 6, 7)) + script)
        cols.append((f"通知公告{k}", f"/col/t{k}/", "通知公告"))
    shape = Shape("t1-scripted-stale-columns", 1, pages=pages, columns=cols,
                  truth=Truth(vetoes={"栏目不更新"}, columns={p: "stale" for _, p, _ in cols}))
    (wrong, r, _), = aio.run(run_corpus([shape], render_per_site=3)).values()
    assert wrong == [], wrong
    assert r.renders == 2 and sum(c.rendered for c in r.columns) == 2
    assert {v.veto: v.reading for v in r.veto_evidence} == {"栏目不更新": "rendered"}
