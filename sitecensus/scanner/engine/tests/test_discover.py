"""Discovery heuristics (government-domain filter, homepage attribution) scored on a corpus with a
TUNING part and a HELD-OUT part (fixtures/discover/; the held-out part was written before the code was
tuned and is never tuned on). Both scores are printed and must stay perfect; bench/discovery.py prints them."""

import json
from pathlib import Path

import pytest

from sitecensus.scanner.engine import discover
from sitecensus.scanner.engine.extract import parse_page

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "discover"
DATA = Path(__file__).resolve().parents[3] / "discovery" / "data"


def load(part: str) -> dict:
    return json.loads((FIXTURES / f"{part}.json").read_text("utf-8"))


def gov_for(corpus: dict) -> discover.GovDomains:
    base = json.loads((DATA / "government_domains.json").read_text("utf-8"))
    return discover.GovDomains.from_data({k: (base.get(k) or []) + (corpus["config"].get(k) or [])
                                          for k in ("suffixes", "hosts", "excluded")})


def score(corpus: dict) -> tuple[list, list]:
    """The corpus's misses: (domain filter misses, attribution misses)."""
    gov = gov_for(corpus)
    host_misses = [h["url"] for h in corpus["hosts"] if gov.is_government(h["url"]) != h["gov"]]
    provinces = json.loads((DATA / "province_domains.json").read_text("utf-8"))["labels"]
    index = discover.Index(provinces=provinces, **corpus["index"])
    page_misses = []
    for page in corpus["pages"]:
        url = f"http://{page['host']}/"
        got = discover.attribute(discover.read_page(url, page["html"].encode()), index)
        if (got.kind, got.ref) != (page["truth"]["kind"], page["truth"]["ref"]):
            page_misses.append((page["host"], got.kind, got.ref, got.reason))
    return host_misses, page_misses


@pytest.mark.parametrize("part", ["tuning", "heldout"])
def test_corpus_scores(part, capsys):
    corpus = load(part)
    hosts, pages = score(corpus)
    with capsys.disabled():
        print(f"\n[discover {part}] domain filter {len(corpus['hosts']) - len(hosts)}/{len(corpus['hosts'])}, "
              f"attribution {len(corpus['pages']) - len(pages)}/{len(corpus['pages'])}")
    assert hosts == [] and pages == []


def test_the_footer_sponsor_is_read_by_the_page_extractor():
    info = parse_page("<html><body><p>主办单位：涞水县教育局 承办：信息中心</p></body></html>")
    assert info.sponsor == "涞水县教育局"
    assert parse_page("<html><body><p>欢迎</p></body></html>").sponsor is None


def test_harvest_keeps_government_hosts_only_and_never_the_registered():
    gov = discover.GovDomains.from_data({})
    homepage = {"url": "http://www.laishui.gov.cn", "final_url": "http://new.laishui.gov.cn/",
                "redirects": ["http://www.laishui.gov.cn"],
                "outbound": ["http://jyj2.laishui.gov.cn/", "http://www.baidu.com/", "http://known.hebei.gov.cn/"]}
    named = discover.harvest(homepage, gov, registered=lambda key: key == "known.hebei.gov.cn")
    assert {(n.key, n.source) for n in named} == {("jyj2.laishui.gov.cn", "link"), ("new.laishui.gov.cn", "redirect")}


def test_the_evidence_digest_changes_with_the_evidence_only():
    a = discover.read_page("http://a.gov.cn/", "<p>主办单位：某县教育局</p>".encode())
    b = discover.read_page("http://a.gov.cn/", "<p>主办单位：某县教育局</p>".encode())
    c = discover.read_page("http://a.gov.cn/", "<p>主办单位：某县卫生健康局</p>".encode())
    assert a.digest() == b.digest() != c.digest()


def test_a_sponsor_two_units_could_be_matches_neither():
    index = discover.Index(units={"甲县教育局": "u:1", "乙县教育局": "u:2", "教育局": "u:3"})
    assert index.unit_for("甲县教育局") == ("u:1", "甲县教育局")
    assert index.unit_for("某省甲县教育局") == ("u:1", "甲县教育局")
    assert index.unit_for("丙县教育局") == (None, "")  # 教育局 alone is too short to stand for a unit
    reading = discover.read_page("http://x.zj.gov.cn/", "<p>主办单位：丙县教育局</p>".encode())
    assert discover.attribute(reading, index).kind == "national"  # zj is no configured label here
