"""The page-shape corpus (testing/corpus.py): every tuning shape gets every verdict right, served by Host
header on 127.0.0.1 and reached through a host map only. The held-out part is checked for completeness
here; its score is reported apart by bench/scan_shapes.py and never used to tune the engine."""
import asyncio
import os
from collections import Counter

import pytest

from sitecensus.scanner.engine.testing.corpus import run_corpus
from sitecensus.scanner.engine.testing.shapes import heldout, tuning

HAVE_CHROMIUM = os.access("/usr/bin/chromium", os.X_OK)


@pytest.fixture(scope="module")
def scored():
    return asyncio.run(run_corpus(tuning.SHAPES))


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
