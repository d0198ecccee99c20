from datetime import date, timedelta

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.campaigns.models import Campaign
from sitecensus.registry.models import Phase, Website
from sitecensus.scoring import selectors, services
from sitecensus.scoring.testing import four_levels
from sitecensus.scoring.models import InspectionReport, Rectification, Scorecard, ScoreEntry

pytestmark = pytest.mark.django_db
S = Scorecard.Stage


def site(name):
    return Website.objects.get(name=name)


def test_rubric_loaded_into_the_database():
    table = services.current_table()
    assert table.code == "2015" and table.indicators.count() == 16
    assert table.indicators.filter(kind="veto").count() == 4 and table.indicators.filter(confirmed=False).count() == 11


def test_queue_follows_the_inspection_rule(demo_users):
    laishui, baoding, hebei = (demo_users[u].unit for u in ("laishui", "baoding", "hebei"))
    # Laishui inspects its towns and departments; Baoding inspects the county portal and its departments.
    # (涞水县教育局 has no code yet and 三坡镇 is closed: neither is inspected.)
    assert set(selectors.inspection_scope(laishui).values_list("name", flat=True)) == {"涞水镇人民政府网站"}
    assert "涞水县人民政府" in set(selectors.inspection_scope(baoding).values_list("name", flat=True))
    assert "涞水县人民政府" not in set(selectors.inspection_scope(laishui).values_list("name", flat=True))
    assert "保定市教育局" in set(selectors.inspection_scope(baoding).values_list("name", flat=True))
    assert "保定市人民政府" in set(selectors.inspection_scope(hebei).values_list("name", flat=True))
    # Closed sites drop out.
    assert "三坡镇人民政府网站" not in set(selectors.inspection_scope(laishui).values_list("name", flat=True))
    # Waiting: submitted self-check, no inspection yet (the town's is already inspected in the demo).
    assert list(selectors.inspection_queue(baoding).values_list("name", flat=True)) == ["涞水县人民政府"]
    assert not selectors.inspection_queue(laishui).exists()


def test_self_check_submit_is_final(demo_users):
    actor = demo_users["hebei_jyt"]
    jyt = site("河北省发展和改革委员会")
    with pytest.raises(NotAllowed):
        services.open_self_check(actor=actor, website=jyt)
    actor = demo_users["hebei_fgw"]
    card = services.open_self_check(actor=actor, website=jyt)
    result = services.save_entries(actor=actor, card=card, raw_entries={"A2": {"count": 2}})
    assert result.score == 98
    card = services.submit_card(actor=actor, card=card)
    assert (card.status, card.result, card.score) == ("submitted", "合格", 98)
    with pytest.raises(InvalidState, match="已经提交过"):
        services.submit_card(actor=actor, card=card)
    with pytest.raises(InvalidState, match="评分表一旦提交不可更改"):
        services.save_entries(actor=actor, card=card, raw_entries={"A2": {"count": 0}})
    assert Scorecard.objects.filter(website=jyt, stage=S.SELF).count() == 1


def _submitted_card(demo_users):
    town = site("涞水镇人民政府网站")
    return Scorecard.objects.get(website=town, stage=S.SELF)


def test_shell_paths_are_refused_by_the_database(demo_users):
    card = _submitted_card(demo_users)
    card.score = 100
    with pytest.raises(IntegrityError, match="评分表一旦提交不可更改"), transaction.atomic():
        card.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Scorecard.objects.filter(pk=card.pk).update(result="合格", score=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        Scorecard.objects.filter(pk=card.pk).delete()
    entry = card.entries.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreEntry.objects.filter(pk=entry.pk).update(points=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreEntry.objects.create(scorecard=card, indicator="B2", data={"count": 9})
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreEntry.objects.filter(pk=entry.pk).delete()
    card.refresh_from_db()
    assert card.score == 97 and card.entries.count() == 2


def test_raw_sql_is_refused(demo_users):
    card = _submitted_card(demo_users)
    for statement in (f"UPDATE scoring_scorecard SET score = 100 WHERE id = {card.pk}",
                      f"DELETE FROM scoring_scorecard WHERE id = {card.pk}",
                      f"UPDATE scoring_scoreentry SET points = 0 WHERE scorecard_id = {card.pk}",
                      f"DELETE FROM scoring_scoreentry WHERE scorecard_id = {card.pk}",
                      "INSERT INTO scoring_scoreentry (scorecard_id, indicator, data, is_veto) "
                      f"VALUES ({card.pk}, 'B2', '{{}}', false)"):
        with pytest.raises(DatabaseError, match="评分表一旦提交不可更改"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    card.refresh_from_db()
    assert card.score == 97


def test_draft_cards_stay_editable(demo_users):
    card = Scorecard.objects.get(website__name="保定市教育局", stage=S.SELF)
    assert card.status == "draft"
    Scorecard.objects.filter(pk=card.pk).update(score=1)  # the trigger only guards submitted cards
    services.save_entries(actor=demo_users["baoding_jyj"], card=card, raw_entries={"A2": {"count": 4}})


@pytest.mark.parametrize("raw,message", [
    ({"A2": {"count": -1}}, "不能为负数"),
    ({"A2": {"count": "1.5"}}, "不能是小数"),
    ({"A1": {"value": "150"}}, "0 到 100"),
    ({"V4": {"veto": True}}, "须附证据网址"),
    ({"Z9": {"count": 1}}, "没有指标"),
])
def test_bad_entries_are_refused_and_nothing_is_saved(demo_users, raw, message):
    card = Scorecard.objects.get(website__name="保定市教育局", stage=S.SELF)
    before = list(card.entries.values_list("indicator", "data"))
    with pytest.raises(InvalidInput, match=message):
        services.save_entries(actor=demo_users["baoding_jyj"], card=card, raw_entries=raw)
    assert list(card.entries.values_list("indicator", "data")) == before


def test_inspection_scope_is_enforced(demo_users):
    portal = site("涞水县人民政府")
    with pytest.raises(NotAllowed, match="不在本单位的检查范围内"):
        services.open_inspection(actor=demo_users["laishui"], website=portal)
    with pytest.raises(NotAllowed):
        services.open_inspection(actor=demo_users["hebei"], website=portal)
    card = services.open_inspection(actor=demo_users["baoding"], website=portal)
    with pytest.raises(NotAllowed, match="不能填写"):
        services.save_entries(actor=demo_users["hebei"], card=card, raw_entries={})
    edu = site("保定市教育局")  # self-check still a draft, not overdue
    with pytest.raises(InvalidState, match="尚未提交自查表"):
        services.open_inspection(actor=demo_users["baoding"], website=edu)


def test_overdue_self_check_may_be_inspected_with_a_reason(demo_users):
    Campaign.objects.update(is_active=False)
    campaign = Campaign.objects.create(name="逾期测试")
    Phase.objects.create(campaign=campaign, kind="inventory", opens_on=date(2015, 3, 24),
                         closes_on=date.today() + timedelta(days=30))
    Phase.objects.create(campaign=campaign, kind="selfcheck", opens_on=date(2015, 3, 24),
                         closes_on=date.today() - timedelta(days=1))
    edu = site("保定市教育局")
    assert edu in selectors.selfcheck_overdue(demo_users["baoding"].unit)
    with pytest.raises(InvalidInput, match="请填写原因"):
        services.open_inspection(actor=demo_users["baoding"], website=edu)
    card = services.open_inspection(actor=demo_users["baoding"], website=edu, reason="逾期未自查")
    assert card.no_self_check_reason == "逾期未自查"


def test_rectification_round_trip(demo_users, mailoutbox):
    notice = Rectification.objects.get(website__name="涞水镇人民政府网站")
    assert notice.status == "open" and notice.indicator_name == "政务咨询类栏目"
    with pytest.raises(NotAllowed):
        services.answer_rectification(actor=demo_users["laishui_jyj"], notice=notice, answer="x", evidence=[])
    with pytest.raises(InvalidState, match="尚未反馈"):
        services.recheck_rectification(actor=demo_users["laishui"], notice=notice, close=True)
    services.answer_rectification(actor=demo_users["laishui_lsz"], notice=notice, answer="已恢复留言功能",
                                  evidence=["http://lsz.laishui.gov.cn/zxzx/"])
    with pytest.raises(InvalidInput, match="说明原因"):
        services.recheck_rectification(actor=demo_users["laishui"], notice=notice, close=False)
    services.recheck_rectification(actor=demo_users["laishui"], notice=notice, close=False, comment="仍有积压留言")
    notice.refresh_from_db()
    assert (notice.status, notice.reopened) == ("open", 1)
    services.answer_rectification(actor=demo_users["laishui_lsz"], notice=notice, answer="已全部答复", evidence=[])
    services.recheck_rectification(actor=demo_users["laishui"], notice=notice, close=True)
    notice.refresh_from_db()
    assert notice.status == "closed" and [e.action for e in notice.events.all()] == [
        "issue", "answer", "reopen", "answer", "close"]


def test_rectification_only_for_a_problem(demo_users):
    card = Scorecard.objects.get(website__name="涞水镇人民政府网站", stage=S.INSPECTION)
    with pytest.raises(InvalidInput, match="只能就扣分"):
        services.issue_rectification(actor=demo_users["laishui"], card=card, indicator="B1", requirement="x",
                                     deadline=date.today() + timedelta(days=3))
    with pytest.raises(NotAllowed) as refused:
        services.issue_rectification(actor=demo_users["baoding"], card=card, indicator="A2", requirement="x",
                                     deadline=date.today() + timedelta(days=3))
    assert refused.value.code == "scoring.issue" and refused.value.message == "只有检查单位可以下发整改通知"


def test_overdue_rectifications_are_listed_and_reminded(demo_users, mailoutbox):
    from sitecensus.accounts.models import User

    notice = Rectification.objects.get(website__name="涞水镇人民政府网站")
    Rectification.objects.filter(pk=notice.pk).update(deadline=date.today() - timedelta(days=1))
    assert notice in selectors.rectifications(demo_users["laishui"], overdue=True)
    User.objects.filter(username="laishui_lsz").update(email="lsz@example.gov.cn")
    from sitecensus.inbox.services import remind

    assert remind(actor=demo_users["laishui"], which="rectification")[1] == 1
    assert "整改逾期提醒" in mailoutbox[-1].subject


def test_report_upward_and_roll_up(demo_users):
    laishui, baoding = demo_users["laishui"], demo_users["baoding"]
    figures = selectors.report_figures(laishui.unit)
    assert (figures["inspected"], figures["passed"], figures["pass_rate"]) == (1, 1, 100.0)
    assert figures["problems"] == {"A2": 1, "C1": 1, "D2": 1} and figures["closed"] == 1
    assert figures["open_rectifications"] == 1
    with pytest.raises(InvalidInput, match="情况说明"):
        services.save_report(actor=laishui, narrative="", submit=True)
    report = services.save_report(actor=laishui, narrative="已完成全部乡镇网站检查。", submit=True)
    assert report.status == "submitted"
    with pytest.raises(InvalidState, match="不能修改"):
        services.save_report(actor=laishui, narrative="改", submit=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionReport.objects.filter(pk=report.pk).update(narrative="篡改")
    children = dict(selectors.child_reports(baoding.unit))
    assert children[laishui.unit].status == "submitted"
    rolled = selectors.rolled_up(baoding.unit, selectors.report_figures(baoding.unit))
    assert rolled["inspected"] == 1 and rolled["open_rectifications"] >= 1


def test_roll_up_adds_up_at_every_depth(demo_users):
    u = demo_users
    four_levels(u)
    services.save_report(actor=u["laishui"], narrative="县级：乡镇网站检查完毕", submit=True)
    services.save_report(actor=u["baoding"], narrative="市级", submit=True)
    services.save_report(actor=u["hebei"], narrative="省级", submit=True)
    reports = {r.organizer.name: r for r in InspectionReport.objects.select_related("organizer")}
    county = reports["涞水县人民政府办公室"].figures["rolled_up"]
    city = reports["保定市人民政府办公室"].figures["rolled_up"]
    province = reports["河北省人民政府办公厅"].figures["rolled_up"]
    assert (county["inspected"], city["inspected"], province["inspected"]) == (1, 2, 3)
    # The county's problems reach the province through the city.
    assert province["problems"]["C1"] == 1 and province["problems"]["A2"] == 2
    assert city["vetoed"] == 1 and province["vetoed"] == 1
    national = selectors.rolled_up(u["guoban"].unit, selectors.report_figures(u["guoban"].unit))
    assert national["inspected"] == 4 and national["passed"] == 3
    # The national office sums up; it reports to nobody.
    with pytest.raises(NotAllowed, match="不向上级报送"):
        services.save_report(actor=u["guoban"], narrative="x", submit=True)


def test_parents_read_their_descendants_reports(client, demo_users):
    u = demo_users
    four_levels(u)
    county = services.save_report(actor=u["laishui"], narrative="涞水县：整改通知 1 件", submit=True)
    assert selectors.visible_report(u["baoding"], county.pk) == county
    assert selectors.visible_report(u["hebei"], county.pk) == county
    from sitecensus.core.errors import NotFound

    for outsider in ("laishui_lsz", "shuiwu"):
        with pytest.raises(NotFound):
            selectors.visible_report(u[outsider], county.pk)
    client.force_login(u["baoding"])
    page = client.get(f"/checks/report/{county.pk}/").content.decode()
    assert "涞水县：整改通知 1 件" in page and "政务咨询类栏目" in page
    # After submission the page shows the snapshot, not live figures.
    client.force_login(u["laishui"])
    before = client.get("/checks/report/").content.decode()
    assert 'data-testid="report-submitted"' in before and 'name="narrative"' not in before
    client.force_login(u["guoban"])
    national = client.get("/checks/report/").content.decode()
    assert "全国汇总" in national and "报送上级" not in national
