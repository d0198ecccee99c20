"""Every compliance item right on a synthetic web of sites built to pass it and to fail it (IPv6 over ::1
included), each finding with its evidence; and the parts the scan reads without a request."""
import socket

import pytest

from sitecensus.scanner.engine import ScanConfig, parse_targets, scan_sites
from sitecensus.scanner.engine.compliance import judge_domain, norm_icp, norm_psb
from sitecensus.scanner.engine.testing.compliance_web import ComplianceWeb
from sitecensus.scanner.engine import aio

pytestmark = pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 on this machine")


def _scan(check_compliance=True):
    async def go():
        async with ComplianceWeb() as web:
            cfg = ScanConfig(allow_private=True, host_map=web.host_map(), host_map6=web.host_map6(),
                             as_of=web.as_of, render=False, check_https=False, retries=0,
                             check_compliance=check_compliance)
            results = await scan_sites(parse_targets(web.targets()), cfg)
            return web, results
    return aio.run(go())


@pytest.fixture(scope="module")
def scanned():
    return _scan()


def test_every_item_right_on_sites_built_to_pass_and_to_fail_it(scanned):
    web, results = scanned
    wrong = []
    for r in results:
        got = {i.code: i.status for i in r.compliance}
        want = web.truth(r.site_code)
        for code, status in want.items():
            if got.get(code) != status:
                wrong.append(f"{web.site_by_code(r.site_code).name} {code}: {got.get(code)} (want {status}) "
                             + next((i.message for i in r.compliance if i.code == code), ""))
    assert not wrong, "\n".join(wrong)
    # every item is built to fail on some site, and passes on the good one
    failing = {c for s in web.sites for c, v in s.expect.items() if v == "fail"}
    assert failing >= {"site_id", "emblem", "jiucuo", "icp", "psb", "domain_suffix", "domain_parent", "main_domain",
                       "ipv6", "a11y_title", "a11y_lang", "a11y_alt", "a11y_labels", "a11y_entry"}


def test_every_finding_carries_evidence(scanned):
    _, results = scanned
    for r in results:
        for item in r.compliance:
            if item.status == "fail":
                assert item.evidence and all(e.url for e in item.evidence), (r.site_code, item.code)
                assert item.message and not item.message.isascii()


def test_ipv6_over_loopback_records_pages_and_content(scanned):
    web, results = scanned
    by = {web.site_by_code(r.site_code).name: r for r in results}
    good = by["good"].ipv6
    assert good["aaaa"] == ["::1"] and good["supported"] is True
    assert [p["level"] for p in good["pages"]] == [1, 2, 3]
    assert all(p["reachable"] and p["same_content"] for p in good["pages"])
    assert by["no-aaaa"].ipv6["reason"] == "no_aaaa" and by["no-aaaa"].ipv6["pages"] == []
    assert by["v6-down"].ipv6["reason"] == "unreachable"
    assert by["v6-different"].ipv6["reason"] == "different"
    third = by["v6-third"].ipv6["pages"]
    assert [p["reachable"] for p in third] == [True, True, False]
    assert web.requests["v6"] > 0


def test_site_id_evidence_names_each_source(scanned):
    web, results = scanned
    r = next(x for x in results if web.site_by_code(x.site_code).name == "jiucuo-code")
    item = next(i for i in r.compliance if i.code == "site_id")
    assert "找错入口的网站标识码为 1377777777" in item.message
    assert any("jiucuo" in e.snippet for e in item.evidence)


def test_normalising_filing_numbers():
    assert norm_icp("冀ICP备 05029117号-1") == ("冀", "05029117", "1")
    assert norm_icp("冀ICP备05029117号") == ("冀", "05029117", None)
    assert norm_psb("冀公网安备 13042002000523号") == "13042002000523"


@pytest.mark.parametrize("host,cls,portal,status", [
    ("www.bd.gov.cn", "市级政府门户", "", {"domain_suffix": "pass", "main_domain": "pass"}),
    ("www.xn--zfr164b.xn--fiqs8s", "市级政府门户", "", {"domain_suffix": "fail"}),
    ("保定.政务", "市级政府门户", "", {"domain_suffix": "pass"}),
    ("slj.bd.gov.cn", "市级政府部门网站", "www.bd.gov.cn", {"domain_parent": "pass"}),
    ("www.bdslj.gov.cn", "市级政府部门网站", "www.bd.gov.cn", {"domain_parent": "fail"}),
    ("slj.bd.gov.cn", "市级政府部门网站", "", {"domain_parent": "undetermined"}),
])
def test_domain_rules(host, cls, portal, status):
    got = {i.code: i.status for i in judge_domain({"site_class": cls, "portal_host": portal}, f"http://{host}/", None)}
    for k, v in status.items():
        assert got[k] == v, (host, k, got)


def test_two_english_domains_is_not_one_main_domain():
    got = {i.code: i for i in judge_domain({"domains": ["www.bd.gov.cn", "http://bd.hebei.gov.cn/"]},
                                           "http://www.baoding.gov.cn/", None)}
    assert got["main_domain"].status == "fail" and "bd.hebei.gov.cn" in got["main_domain"].evidence[0].snippet


def test_a_host_the_host_maps_name_is_never_asked_of_real_dns():
    """A lab or test web's host (in the IPv4 map, absent from or empty in the IPv6 map) has no AAAA record:
    a scan answers that from the maps, never by asking the system's resolver (the hermetic guard would fail
    this test), and a host the IPv6 map gives an address is reached there."""
    async def go():
        async with ComplianceWeb() as web:
            by_name = {s.name: s for s in web.sites}
            absent = by_name["jiucuo-code"].host  # in the IPv4 map only
            host_map6 = {h: a for h, a in web.host_map6().items() if h != absent}
            assert absent in web.host_map() and host_map6[by_name["no-aaaa"].host] == ""
            chosen = {by_name[n].code for n in ("good", "no-aaaa", "jiucuo-code")}
            targets = [t for t in web.targets() if t["site_code"] in chosen]
            cfg = ScanConfig(allow_private=True, host_map=web.host_map(), host_map6=host_map6, as_of=web.as_of,
                             render=False, check_https=False, retries=0, check_compliance=True)
            results = await scan_sites(parse_targets(targets), cfg)
            return {web.site_by_code(r.site_code).name: r.ipv6 for r in results}
    ipv6 = aio.run(go())
    assert ipv6["jiucuo-code"]["reason"] == ipv6["no-aaaa"]["reason"] == "no_aaaa"
    assert ipv6["jiucuo-code"]["pages"] == ipv6["no-aaaa"]["pages"] == []
    assert ipv6["good"]["aaaa"] == ["::1"] and ipv6["good"]["supported"] is True
