"""The inspection card keeps work: scanner suggestions decided without losing
typed values, rejection with a reason, suggestions only from the card's own
scoring table, the self-check shown whole; `no_public_services` reachable
through the web form, the workbook and the import."""

import pytest

from sitecensus.registry.models import Website
from sitecensus.scanner.models import Suggestion
from sitecensus.scanner import services as scanner
from sitecensus.scoring import selectors, services
from sitecensus.scoring.models import Scorecard

pytestmark = pytest.mark.django_db
S = Scorecard.Stage


def portal_inspection(users):
    portal = Website.objects.get(name="涞水县人民政府")
    return portal, services.open_inspection(actor=users["baoding"], website=portal)


def suggestion(portal, indicator="A2", rubric="2015", **entry):
    return Suggestion.objects.create(website=portal, indicator=indicator, rubric_code=rubric,
                                     entry=entry or {"count": 4, "evidence": ["http://www.laishui.gov.cn/x"]},
                                     summary="首页失效链接 4 个")


def test_accepting_keeps_what_was_typed(client, demo_users):
    portal, card = portal_inspection(demo_users)
    found = suggestion(portal)
    client.force_login(demo_users["baoding"])
    response = client.post(f"/scans/suggestion/{found.pk}/", {
        "accept": "1", "back": "card", "e-A3-count": "5", "e-C1-note": "留言三个月未答复", "e-C1-count": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"/checks/card/{card.pk}/")
    entries = selectors.entries_of(card)
    assert entries["A2"]["count"] == 4 and entries["A3"]["count"] == 5 and entries["C1"]["note"] == "留言三个月未答复"
    page = client.get(response["Location"]).content.decode()
    assert 'value="5"' in page and "留言三个月未答复" in page


def test_rejecting_needs_a_reason_and_keeps_typed_values(client, demo_users):
    portal, card = portal_inspection(demo_users)
    found = suggestion(portal)
    client.force_login(demo_users["baoding"])
    refused = client.post(f"/scans/suggestion/{found.pk}/", {"accept": "0", "back": "card", "e-A3-count": "7"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "不采纳扫描建议时请填写原因" in body and 'value="7"' in body
    client.post(f"/scans/suggestion/{found.pk}/", {"accept": "0", "back": "card", "e-A3-count": "7",
                                                  f"reason-{found.pk}": "链接为临时维护页面"})
    found.refresh_from_db()
    assert found.status == "rejected" and found.reason == "链接为临时维护页面"
    entries = selectors.entries_of(card)
    assert entries["A3"]["count"] == 7 and entries["A2"]["count"] is None


def test_suggestions_only_from_the_cards_own_table(client, demo_users):
    portal, card = portal_inspection(demo_users)
    own = suggestion(portal)
    other = suggestion(portal, indicator="F4", rubric="2019")
    assert list(scanner.pending_suggestions(portal, rubric_code=card.rubric.code)) == [own]
    with pytest.raises(Exception, match="与本评分表"):
        scanner.decide(actor=demo_users["baoding"], suggestion=other, accept=True)
    client.force_login(demo_users["baoding"])
    page = client.get(f"/checks/card/{card.pk}/").content.decode()
    assert f"reason-{own.pk}" in page and f"reason-{other.pk}" not in page


def test_self_check_shown_whole_beside_the_inspection(client, demo_users):
    town = Website.objects.get(name="涞水镇人民政府网站")
    self_card = selectors.card(town, S.SELF)
    inspection = selectors.card(town, S.INSPECTION)
    client.force_login(demo_users["laishui"])
    page = client.get(f"/checks/card/{inspection.pk}/").content.decode()
    assert 'data-testid="self-check-summary"' in page and str(self_card.score) in page
    assert "扣 " in page  # the self-check's deductions per indicator


def test_self_check_evidence_and_notes_beside_the_inspection(client, demo_users):
    portal = Website.objects.get(name="保定市人民政府")
    own = services.open_self_check(actor=demo_users["baoding"], website=portal)
    services.submit_card(actor=demo_users["baoding"], card=own, raw_entries={
        "A2": {"count": 1, "evidence": ["http://www.baoding.gov.cn/bad"], "note": "已在修复"}})
    card = services.open_inspection(actor=demo_users["hebei"], website=portal)
    client.force_login(demo_users["hebei"])
    page = client.get(f"/checks/card/{card.pk}/").content.decode()
    assert "http://www.baoding.gov.cn/bad" in page and "已在修复" in page


def test_no_public_services_in_form_workbook_import_and_score(demo_users, settings):
    from sitecensus.registry import imports
    from sitecensus.registry.formspec.spec import load_forms
    from sitecensus.registry.testing import fill_workbook, sample_filing
    from sitecensus.registry.webforms import FilingForms
    from django.core.files.uploadedfile import SimpleUploadedFile
    from sitecensus.orgs.models import Unit

    assert load_forms()["basic_info"].field("no_public_services").type == "yesno"
    assert "no_public_services" in FilingForms().basic.fields  # the online form (filing and change requests)
    town = Unit.objects.get(name="明义镇人民政府")
    filing = sample_filing(name="明义镇网站", url="http://myz.laishui.gov.cn", unit_name=town.name)
    filing.basic["no_public_services"] = True
    data = fill_workbook(imports.workbook_for(town), [filing])
    batch = imports.dry_run(actor=demo_users["laishui"], uploads=[("a.xlsx", SimpleUploadedFile("a.xlsx", data))])
    imports.commit(actor=demo_users["laishui"], batch=batch)
    site = Website.objects.get(unit=town)
    assert site.data["no_public_services"] is True
    assert services._no_public_services(site)
    # The 2019 table scales a site without public services: 75 points count as 100.
    from sitecensus.scoring import engine
    from sitecensus.scoring.rubric import load_rubric

    full = engine.score(load_rubric("2019"), {}, portal=False, no_public_services=True)
    assert full.score == 100
