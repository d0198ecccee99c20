"""Compliance findings (标识码, 标识, 找错, 备案, 域名, IPv6, 无障碍) from a real scan of a local synthetic web
(IPv4 and ::1), stored with the scan and offered to the self-check and inspection cards with their evidence,
never as a score."""

import socket

import pytest

from sitecensus.core.errors import InvalidInput
from sitecensus.registry.models import Website, WebsiteColumn
from sitecensus.scanner import panels, services
from sitecensus.scanner.engine.testing.compliance_web import AS_OF, ComplianceWeb
from sitecensus.scanner.engine.testing.synthetic import serve_in_thread
from sitecensus.scanner.models import SiteScan, Suggestion
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import ScoreEntry
from sitecensus.scoring.rubric import load_rubric

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 on this machine")]


@pytest.fixture(scope="module")
def web():
    with serve_in_thread(ComplianceWeb()) as running:
        yield running


def _move(website: Website, web, name: str) -> Website:
    """The demo site, served by the synthetic web as its site `name` (registry values as the web's truth)."""
    s = web.site(name)
    Website.objects.filter(pk=website.pk).update(
        homepage_url=web.base(s) + "/", url_key=web.base(s), site_code=s.code,
        data={**website.data, "icp_number": s.icp, "psb_number": s.psb, "other_domains": []})
    website.columns.all().delete()
    WebsiteColumn.objects.bulk_create([WebsiteColumn(website=website, position=i, name=f"栏目{c}",
                                                     url=f"{web.base(s)}/col/{c}/index.html", is_homepage=True,
                                                     column_class="工作动态/要闻")
                                       for i, c in enumerate(s.columns, start=1)])
    website.refresh_from_db()
    return website


@pytest.fixture
def scanned(web, settings, demo_users):
    settings.SCANNER_HOST_MAP = web.host_map()
    settings.SCANNER_HOST_MAP6 = web.host_map6()
    settings.SCANNER_ALLOW_PRIVATE = True
    settings.SCANNER_TIMEOUT = 20  # a budget a loaded machine meets (no site here hangs)
    good = _move(Website.objects.get(name="涞水县人民政府"), web, "good")
    # A county department's site: its ICP number differs from the form's, and its domain is not under the
    # county portal's (the portal its organizing unit files, now www.good.gov.cn).
    bad = _move(Website.objects.get(name="涞水县教育局"), web, "icp-other")
    services.scan([good.pk, bad.pk], as_of=AS_OF)
    return good, bad


def test_the_scan_records_compliance_and_ipv6(scanned):
    good, bad = scanned
    g, b = SiteScan.objects.get(website=good), SiteScan.objects.get(website=bad)
    assert g.ipv6_ok is True and b.ipv6_ok is True
    assert g.summary["ipv6"]["aaaa"] == ["::1"] and len(g.summary["ipv6"]["pages"]) == 3
    items = {i["code"]: i for i in b.summary["compliance"]}
    assert items["icp"]["status"] == "fail" and items["site_id"]["status"] == "pass"
    assert items["domain_parent"]["status"] == "fail" and "good.gov.cn" in items["domain_parent"]["message"]
    assert {c for c, i in items.items() if i["status"] != "pass"} == {"icp", "domain_parent"}
    assert items["icp"]["evidence"][0]["snippet"] == "冀ICP备99999999号"
    assert all(i["status"] == "pass" for i in g.summary["compliance"]), g.summary["compliance"]


def test_failing_items_are_offered_with_evidence_and_no_score(scanned):
    good, bad = scanned
    assert not Suggestion.objects.filter(website=good, kind=Suggestion.Kind.COMPLIANCE).exists()
    findings = Suggestion.objects.filter(website=bad, kind=Suggestion.Kind.COMPLIANCE)
    assert sorted(f.indicator for f in findings) == ["domain_parent", "icp"]
    finding = findings.get(indicator="icp")
    assert finding.entry == {} and "与登记的" in finding.summary
    assert finding.evidence and finding.evidence[0]["url"].startswith("http://www.icp-other.gov.cn")
    # never among the scoring suggestions a card accepts into its entries
    assert finding not in services.pending_suggestions(bad)
    with pytest.raises(InvalidInput):
        services.decide(actor=None, suggestion=finding, accept=True)


def test_offered_on_the_self_check_and_the_inspection_card(scanned, demo_users, client):
    _, bad = scanned
    self_card = scoring_services.open_self_check(actor=demo_users["laishui_jyj"], website=bad)
    rubric = load_rubric(self_card.rubric.code)
    shown = panels.scan_panel(self_card, rubric, editable=True)
    assert {s.indicator: s.item_name for s in shown["compliance"]} == {"icp": "ICP备案号", "domain_parent": "部门网站域名"}
    client.force_login(demo_users["laishui_jyj"])
    page = client.get(f"/checks/card/{self_card.pk}/")
    assert page.status_code == 200 and 'data-testid="compliance-icp"' in page.content.decode()

    finding = Suggestion.objects.get(website=bad, kind=Suggestion.Kind.COMPLIANCE, indicator="icp")
    entries_before = list(ScoreEntry.objects.filter(scorecard=self_card).values_list("indicator", "data"))
    refused = client.post(f"/scans/suggestion/{finding.pk}/", {"accept": "0", "card": self_card.pk})
    assert refused.status_code < 500 and "不采纳合规提示时请填写原因" in refused.content.decode()
    finding.refresh_from_db()
    assert finding.status == Suggestion.Status.PENDING  # no reason: nothing decided
    client.post(f"/scans/suggestion/{finding.pk}/", {"accept": "1", "card": self_card.pk})
    finding.refresh_from_db()
    assert finding.status == Suggestion.Status.ACCEPTED and finding.scorecard_id == self_card.pk
    assert list(ScoreEntry.objects.filter(scorecard=self_card).values_list("indicator", "data")) == entries_before
    other = Suggestion.objects.get(website=bad, kind=Suggestion.Kind.COMPLIANCE, indicator="domain_parent")
    client.post(f"/scans/suggestion/{other.pk}/", {"accept": "0", "card": self_card.pk,
                                                  f"reason-{other.pk}": "已报备，域名调整中"})
    other.refresh_from_db()
    assert (other.status, other.reason) == (Suggestion.Status.REJECTED, "已报备，域名调整中")
    assert list(ScoreEntry.objects.filter(scorecard=self_card).values_list("indicator", "data")) == entries_before

    scoring_services.submit_card(actor=demo_users["laishui_jyj"], card=self_card, raw_entries={})
    inspection = scoring_services.open_inspection(actor=demo_users["laishui"], website=bad)
    services.scan([bad.pk], as_of=AS_OF)   # offered again by the next scan, now to the inspector
    shown = panels.scan_panel(inspection, load_rubric(inspection.rubric.code), editable=True)
    assert sorted(s.indicator for s in shown["compliance"]) == ["domain_parent", "icp"]


def test_the_scan_page_lists_every_item(scanned, demo_users, client):
    _, bad = scanned
    client.force_login(demo_users["laishui"])
    body = client.get(f"/scans/site/{bad.pk}/").content.decode()
    assert 'data-testid="compliance-items"' in body
    for name in ("网站标识码一致", "党政机关网站标识", "ICP备案号", "公安机关备案号", "IPv6 支持", "图片替代文本"):
        assert name in body
