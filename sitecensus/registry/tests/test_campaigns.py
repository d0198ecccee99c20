"""Campaigns administered in the product: created by the national office, the
calendar adjusted by the system administrator, phases gating submissions,
later rounds, the scoring-table version kept, the banner on every home page."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.registry import campaigns, services as registry_services
from sitecensus.campaigns.models import Campaign
from sitecensus.registry.models import Phase, Website
from sitecensus.scoring import services as scoring
from sitecensus.scoring.models import Scorecard

pytestmark = pytest.mark.django_db
TODAY = date.today()


def phases(**overrides):
    base = campaigns.default_phases(TODAY.year)
    base.update(overrides)
    return base


def test_defaults_are_the_2015_calendar():
    p = campaigns.default_phases(2015)
    assert p["inventory"][1] == date(2015, 4, 25)
    assert p["report"][1] == date(2015, 8, 31)
    assert set(p) == {"inventory", "selfcheck", "inspection", "rectification", "report", "spotcheck", "summary"}


def test_national_office_creates_a_campaign_which_becomes_the_active_one(demo_users):
    before = campaigns.active_campaign()
    campaign = campaigns.create_campaign(actor=demo_users["guoban"], year=2015, name="2015年全国政府网站普查",
                                         rubric_code="2015", phases=campaigns.default_phases(2015),
                                         activate=True, confirmed=True)
    assert campaigns.active_campaign() == campaign and before != campaign
    assert not Campaign.objects.get(pk=before.pk).is_active
    assert campaign.phases.get(kind="inventory").closes_on == date(2015, 4, 25)
    assert registry_services.campaign_phase("report").closes_on == date(2015, 8, 31)
    from sitecensus.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="campaign_created", object_id=str(campaign.pk))
    assert event.actor_username == "guoban" and event.details["year"] == 2015


@pytest.mark.parametrize("username", ["hebei", "sysadmin", "laishui_lsz"])
def test_only_the_national_office_creates(demo_users, username):
    with pytest.raises(NotAllowed):
        campaigns.create_campaign(actor=demo_users[username], year=2016, name="x", rubric_code="2015",
                                  phases=campaigns.default_phases(2016))


def test_bad_input_names_the_field(demo_users):
    g = demo_users["guoban"]
    with pytest.raises(InvalidInput) as e:
        campaigns.create_campaign(actor=g, year=2016, name="x", rubric_code="1999", phases=phases())
    assert e.value.field == "rubric_code"
    with pytest.raises(InvalidInput, match="截止日期早于开始日期") as e:
        campaigns.create_campaign(actor=g, year=2016, name="x", rubric_code="2015",
                                  phases=phases(selfcheck=(TODAY, TODAY - timedelta(days=1))))
    assert e.value.field == "selfcheck_closes"
    with pytest.raises(InvalidInput, match="已有名为"):
        campaigns.create_campaign(actor=g, year=2016, name=campaigns.active_campaign().name, rubric_code="2015",
                                  phases=phases())


def test_system_admin_moves_dates_only(demo_users):
    campaign = campaigns.active_campaign()
    new_close = TODAY + timedelta(days=99)
    campaigns.update_campaign(actor=demo_users["sysadmin"], campaign=campaign,
                              phases={"selfcheck": (TODAY, new_close)})
    assert campaign.phases.get(kind="selfcheck").closes_on == new_close
    from sitecensus.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="campaign_changed", actor_username="sysadmin").exists()
    with pytest.raises(NotAllowed, match="只能调整日程"):
        campaigns.update_campaign(actor=demo_users["sysadmin"], campaign=campaign, name="改名",
                                  phases={"selfcheck": (TODAY, new_close)})
    with pytest.raises(NotAllowed):
        campaigns.update_campaign(actor=demo_users["hebei"], campaign=campaign,
                                  phases={"selfcheck": (TODAY, new_close)})


def test_later_rounds_without_code(demo_users):
    parent = campaigns.active_campaign()
    name, p = campaigns.default_round(parent, date(2016, 1, 5))
    assert "第1季度抽查" in name
    created = campaigns.create_round(actor=demo_users["guoban"], parent=parent, name=name, phases=p)
    assert created.parent == parent and set(created.phases.values_list("kind", flat=True)) == {
        "spotcheck", "rectification", "summary"}
    # An open round shows on the calendar beside the census.
    campaigns.update_campaign(actor=demo_users["guoban"], campaign=created,
                              phases={"spotcheck": (TODAY, TODAY + timedelta(days=5))})
    labels = [s.phase.campaign.name for s in campaigns.calendar()["open"]]
    assert name in labels


def test_demo_campaign_is_dated_from_the_day_it_is_loaded():
    cal = campaigns.calendar()
    assert cal["campaign"] is not None
    kinds = {s.phase.kind for s in cal["open"]}
    assert {"inventory", "selfcheck", "inspection"} <= kinds
    assert all(s.days >= 0 for s in cal["open"])


def _self_check_card(user, website):
    card = scoring.open_self_check(actor=user, website=website)
    scoring.save_entries(actor=user, card=card, raw_entries={"A2": {"count": 1}})
    return card


def test_self_check_is_gated_by_its_phase(demo_users):
    fgw = Website.objects.get(name="河北省发展和改革委员会")
    user = demo_users["hebei_fgw"]
    card = _self_check_card(user, fgw)
    phase = registry_services.campaign_phase("selfcheck")
    # Not yet open: refused.
    Phase.objects.filter(pk=phase.pk).update(opens_on=TODAY + timedelta(days=3), closes_on=TODAY + timedelta(days=9))
    with pytest.raises(InvalidState, match="开始"):
        scoring.submit_card(actor=user, card=card)
    # Closed: refused without an exception...
    Phase.objects.filter(pk=phase.pk).update(opens_on=TODAY - timedelta(days=9), closes_on=TODAY - timedelta(days=1))
    with pytest.raises(InvalidState, match="截止"):
        scoring.submit_card(actor=user, card=card)
    # ...and late with one from the organizing unit above.
    registry_services.grant_exception(actor=demo_users["hebei"], unit=user.unit, kind="selfcheck",
                                      until=TODAY + timedelta(days=3), reason="系统故障补报")
    card = scoring.submit_card(actor=user, card=card)
    assert card.is_submitted and card.is_late


def test_inspection_after_its_phase_is_late_not_refused(demo_users):
    phase = registry_services.campaign_phase("inspection")
    Phase.objects.filter(pk=phase.pk).update(closes_on=TODAY - timedelta(days=1))
    portal = Website.objects.get(name="涞水县人民政府")
    card = scoring.open_inspection(actor=demo_users["baoding"], website=portal)
    card = scoring.submit_card(actor=demo_users["baoding"], card=card, raw_entries={})
    assert card.is_late


def test_a_card_keeps_the_rubric_version_it_was_created_under(demo_users):
    campaign = campaigns.active_campaign()
    fgw = Website.objects.get(name="河北省发展和改革委员会")
    card = _self_check_card(demo_users["hebei_fgw"], fgw)
    assert card.rubric.code == "2015"
    # The campaign's version cannot change once cards use it.
    with pytest.raises(InvalidState, match="不能再更改"):
        campaigns.update_campaign(actor=demo_users["guoban"], campaign=campaign, rubric_code="2019", phases={
            p.kind: (p.opens_on, p.closes_on) for p in campaign.phases.all()})
    # A new campaign with the 2019 table: new cards use it, the old one keeps 2015.
    campaigns.create_campaign(actor=demo_users["guoban"], year=2019, name="2019年普查", rubric_code="2019",
                              phases=campaigns.demo_phases(TODAY), activate=True, confirmed=True)
    assert scoring.current_table().code == "2019"
    card.refresh_from_db()
    assert card.rubric.code == "2015"


def test_a_used_rubric_version_is_immutable(demo_users, monkeypatch):
    from sitecensus.scoring import rubric

    original = rubric.read_rubric_data("2015")
    changed = {**original, "pass_mark": 70}
    monkeypatch.setattr(scoring.rubrics, "read_rubric_data", lambda code: changed)
    assert Scorecard.objects.filter(rubric__code="2015").exists()
    with pytest.raises(InvalidState, match="不能修改"):
        scoring.load_rubric_table("2015")
    assert scoring.current_table().spec["pass_mark"] == original["pass_mark"]


def test_home_pages_show_the_open_phase_and_days_left(client, demo_users):
    for username in ("guoban", "hebei", "laishui_lsz", "sysadmin"):
        client.force_login(demo_users[username])
        page = client.get("/").content.decode()
        assert 'data-testid="phase-banner"' in page and "当前阶段" in page and "还剩" in page, username


def test_campaign_pages(client, demo_users):
    client.force_login(demo_users["guoban"])
    assert "2015" in client.get("/campaigns/new/").content.decode()
    data = {"year": "2016", "name": "2016年普查", "rubric_code": "2015", "activate": "on"}
    for kind, (a, b) in campaigns.default_phases(2016).items():
        data[f"{kind}_opens"], data[f"{kind}_closes"] = a.isoformat(), b.isoformat()
    asked = client.post("/campaigns/new/", data)
    assert asked.status_code == 409 and "将不再是当前普查" in asked.content.decode()
    assert campaigns.active_campaign().name != "2016年普查"
    data["confirm"] = asked.context["consequences"]
    assert client.post("/campaigns/new/", data).status_code == 302
    assert campaigns.active_campaign().name == "2016年普查"
    del data["confirm"]
    data["selfcheck_closes"] = "2016-01-01"
    data["name"] = "再一个"
    bad = client.post("/campaigns/new/", data)
    assert bad.status_code == 400 and "截止日期早于开始日期" in bad.content.decode()
    client.force_login(demo_users["hebei"])
    assert client.get("/campaigns/").status_code == 403
    client.force_login(demo_users["sysadmin"])
    assert client.get("/campaigns/").status_code == 200
    assert client.get("/campaigns/new/").status_code == 403



def test_new_campaigns_are_drafts_dated_from_today_and_consequences_are_confirmed(demo_users):
    g = demo_users["guoban"]
    running = campaigns.active_campaign()
    proposed = campaigns.proposed_phases(TODAY)
    assert min(a for a, _ in proposed.values()) == TODAY and all(b >= TODAY for _, b in proposed.values())
    spec = campaigns.default_phases(2015)
    assert proposed["inventory"][1] - proposed["inventory"][0] == spec["inventory"][1] - spec["inventory"][0]
    draft = campaigns.create_campaign(actor=g, year=TODAY.year, name="草稿普查", rubric_code="2015", phases=proposed)
    assert not draft.is_active and campaigns.active_campaign() == running
    # Past dates are named, each with what it refuses; the draft is not saved unconfirmed.
    past = dict(proposed, inventory=(TODAY - timedelta(days=40), TODAY - timedelta(days=1)))
    with pytest.raises(campaigns.NeedsConfirmation) as asked:
        campaigns.create_campaign(actor=g, year=TODAY.year, name="过期普查", rubric_code="2015", phases=past)
    assert any("统计摸底（截止" in c and "报送网站基本信息将被拒绝" in c for c in asked.value.consequences)
    assert "年0" not in asked.value.message  # dates without leading zeros
    assert not Campaign.objects.filter(name="过期普查").exists()
    # Making the draft current names the census it replaces; a changed consequence is not confirmed.
    with pytest.raises(campaigns.NeedsConfirmation) as asked:
        campaigns.update_campaign(actor=g, campaign=draft, phases=proposed, activate=True)
    assert [c for c in asked.value.consequences if running.name in c]
    with pytest.raises(campaigns.NeedsConfirmation):
        campaigns.update_campaign(actor=g, campaign=draft, phases=proposed, activate=True, confirmed=["别的后果"])
    campaigns.update_campaign(actor=g, campaign=draft, phases=proposed, activate=True,
                              confirmed=asked.value.consequences)
    assert campaigns.active_campaign() == draft
    # Closing a phase of the current census by a past date needs confirming too.
    with pytest.raises(campaigns.NeedsConfirmation, match="统计摸底"):
        campaigns.update_campaign(actor=demo_users["sysadmin"], campaign=draft,
                                  phases={"inventory": (TODAY - timedelta(days=9), TODAY - timedelta(days=1))})
