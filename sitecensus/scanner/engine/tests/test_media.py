"""The new-media page reader (engine/media.py) on synthetic platform pages served on 127.0.0.1:
every tuning shape read right, with its evidence; what cannot be read is 无法判定 with a reason. The
held-out shapes are checked for completeness only; their score is printed by bench/media_shapes.py."""

from datetime import date

import pytest

from sitecensus.scanner.engine.media import READ, UNDECIDABLE, read_matrix, read_page
from sitecensus.scanner.engine.testing.media import heldout, tuning
from sitecensus.scanner.engine.testing.media.corpus import run
from sitecensus.scanner.engine import aio


@pytest.fixture(scope="module")
def scored():
    return aio.run(run(tuning.SHAPES))


@pytest.mark.parametrize("name", [s.name for s in tuning.SHAPES])
def test_tuning_shape_read_right(scored, name):
    wrong, reading = scored[name]
    assert wrong == [], (name, wrong, reading)


def test_a_reading_carries_its_evidence_or_its_reason(scored):
    for wrong, reading in scored.values():
        assert reading.evidence["url"].startswith("http://")
        if reading.verdict == READ:
            assert reading.evidence["date_excerpt"]
        else:
            assert reading.verdict == UNDECIDABLE and reading.reason and reading.latest is None
    _w, weibo = scored["t1-weibo-cards"]
    assert "2025-06-20" in weibo.evidence["date_excerpt"] and "评论 3" in weibo.evidence["interaction_excerpt"]
    assert scored["t4-login-wall"][1].label == "无法判定" and "登录" in scored["t4-login-wall"][1].reason


def test_dates_that_are_not_posts_are_left_out():
    page = "<html><body><p>注册时间 2025-06-01</p><p>认证时间：2025-06-02</p><div>通知 2025-01-03</div></body></html>"
    reading = read_page(page, url="http://x.test/", as_of=date(2025, 6, 30))
    assert reading.latest == date(2025, 1, 3) and reading.interaction is None


def test_held_out_part_is_apart_and_complete():
    assert len(heldout.SHAPES) >= 6 and not {s.name for s in heldout.SHAPES} & {s.name for s in tuning.SHAPES}
    assert any(s.latest is None for s in heldout.SHAPES) and any(s.interaction is False for s in heldout.SHAPES)


def test_matrix_page_lists_the_accounts_it_names():
    entries = read_matrix(tuning.MATRIX_PAGE, url="http://www.laishui.example.cn/xmtjz/")
    assert [(e.platform, e.name) for e in entries] == [("微信公众号", "涞水发布"), ("微博", "涞水发布"),
                                                       ("抖音", "涞水发布"), ("客户端", "冀云·涞水")]
    assert entries[1].url == "https://weibo.example.cn/laishuifabu" and entries[0].url is None
