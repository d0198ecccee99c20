"""The supervision report (政府网站监管年度报表) of a province: generated from the year's spot-check
rounds, life changes, 找错 handling, accountability and trainings; its figures add up with the
rounds they come from; approved and published by its own general office."""

from datetime import date, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from sitecensus.annual import selectors, services
from sitecensus.annual.testing import province_two_rounds
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.scoring.models import ScoreEntry
from sitecensus.spotcheck.models import BatchSite
from sitecensus.spotcheck.services.notices import figures as batch_figures

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_figures_add_up_with_the_rounds_they_come_from(demo_users):
    hebei = demo_users["hebei"]
    batches = province_two_rounds(demo_users)
    report = services.generate_supervision(actor=hebei, unit=hebei.unit, year=YEAR)
    rounds, total = report.figures["rounds"], report.figures["total"]
    assert [r["round"] for r in rounds] == [b.round.name for b in batches]
    for row, batch in zip(rounds, batches):
        mine = batch_figures(batch)  # the spot check's own figures of the batch (its notice's)
        assert (row["batches"], row["sampled"], row["checked"], row["passed"]) == (
            1, mine["sampled"], mine["checked"], mine["passed"])
        assert row["failed"] == mine["checked"] - mine["passed"]
        cards = BatchSite.objects.filter(batch=batch).values("scorecard_id")
        assert row["problems"] == ScoreEntry.objects.filter(scorecard_id__in=cards, is_veto=True).count() + \
            ScoreEntry.objects.filter(scorecard_id__in=cards, is_veto=False, points__gt=0).count()
    for key in ("batches", "sampled", "checked", "passed", "failed", "problems"):
        assert total[key] == sum(r[key] for r in rounds)
    assert (total["sampled"], total["passed"], total["failed"]) == (3, 2, 1)
    assert total["checked"] == total["passed"] + total["failed"]
    assert report.figures["accountability"]["total"] == 0  # no records kept yet
    assert report.figures["sites"]["running"] >= 5


def test_national_rounds_that_sampled_its_sites_are_a_part_of_their_own(demo_users, client):
    """国办's round sampling Hebei's sites and others: the Hebei report lists it apart (its sites only), the
    figures equal the spot check's own for those sites, and Hebei's own rounds and total are unchanged."""
    from sitecensus.registry import campaigns
    from sitecensus.registry.models import Website
    from sitecensus.scoring import services as scoring
    from sitecensus.spotcheck import services as spot
    from sitecensus.spotcheck.models import Batch

    hebei, guoban, second = demo_users["hebei"], demo_users["guoban"], demo_users["guoban_fh"]
    province_two_rounds(demo_users)
    own = services.supervision_figures(hebei.unit, YEAR)
    start = date(YEAR, 1, 10)
    round_ = campaigns.create_round(actor=guoban, parent=campaigns.active_campaign(), name=f"{YEAR}年国办抽查",
                                    phases={"spotcheck": (start, start + timedelta(days=30))})
    batch = spot.create_batch(actor=guoban, name=f"国办{YEAR}年抽查", strata_by=[], ratio="1", window_start=start,
                              window_end=start + timedelta(days=7), campaign_round=round_)
    batch.sites.all().delete()
    inside = ["涞水县人民政府", "涞水镇人民政府网站", "保定市人民政府"]
    outside = Website.objects.filter(site_code__isnull=False).exclude(  # a site neither in Hebei's tree nor region
        unit__path__startswith=hebei.unit.path).exclude(unit__division__province_code="13").first()
    for site in [*Website.objects.filter(name__in=inside), outside]:
        spot.add_site(actor=guoban, batch=batch, website=site)
    spot.start(actor=guoban, batch=batch)
    Batch.objects.filter(pk=batch.pk).update(status="scanned")
    failing = Website.objects.get(name="涞水镇人民政府网站").pk
    for bsite in batch.sites.order_by("id"):
        card = spot.review_card(actor=guoban, bsite=bsite)
        scoring.submit_card(actor=guoban, card=card, raw_entries=(
            {"V2": {"veto": True, "evidence": ["http://lsz.laishui.gov.cn/"]}} if bsite.website_id == failing
            else {"A2": {"count": 1}}))
        if bsite.website.name != "保定市人民政府":  # one of Hebei's left unsigned: sampled, not checked
            spot.sign_off(actor=second, bsite=bsite)
    report = services.generate_supervision(actor=hebei, unit=hebei.unit, year=YEAR)
    national = report.figures["national"]
    mine = batch_figures(batch)  # the spot check's own figures, its Hebei row
    hebei_row = next(r for r in mine["by_region"] if r["key"] == "河北省")
    assert [r["round"] for r in national["rounds"]] == [round_.name]
    row = national["rounds"][0]
    assert (row["batches"], row["sampled"]) == (1, batch.sites.filter(website__name__in=inside).count()) == (1, 3)
    assert (row["checked"], row["passed"]) == (hebei_row["sampled"], hebei_row["passed"]) == (2, 1)
    cards = batch.sites.filter(website__name__in=inside, status=BatchSite.Status.SIGNED).values("scorecard_id")
    assert row["failed"] == 1 and row["problems"] == ScoreEntry.objects.filter(
        Q(is_veto=True) | Q(points__gt=0), scorecard_id__in=cards).count() >= 1
    assert national["total"] == {k: v for k, v in row.items() if k != "round"}
    assert mine["checked"] == 3  # 国办's batch checked a site outside Hebei, not counted for Hebei
    assert (report.figures["rounds"], report.figures["total"]) == (own["rounds"], own["total"])
    client.force_login(hebei)
    page = client.get(f"/annual/supervision/{report.pk}/").content.decode()
    assert "国务院办公厅抽查本地区、本部门网站情况" in page and "不计入上表本级组织的抽查合计" in page


def test_trainings_count_and_the_report_is_approved_then_published(demo_users):
    hebei = demo_users["hebei"]
    services.record_training(actor=hebei, unit=hebei.unit, held_on=date(YEAR, 1, 5), title="政府网站管理培训",
                             participants=120)
    services.record_training(actor=hebei, unit=hebei.unit, held_on=date(YEAR, 1, 6), title="网站安全培训",
                             participants=30)
    with pytest.raises(InvalidInput, match="参训人数"):
        services.record_training(actor=hebei, unit=hebei.unit, held_on=date(YEAR, 1, 6), title="x", participants=0)
    with pytest.raises(InvalidInput, match="晚于今天"):
        services.record_training(actor=hebei, unit=hebei.unit, held_on=timezone.localdate() + timedelta(days=2),
                                 title="x", participants=3)
    report = services.generate_supervision(actor=hebei, unit=hebei.unit, year=YEAR)
    assert report.figures["training"] == {"sessions": 2, "participants": 150}
    report = services.save_supervision_values(actor=hebei, report=report, data={"fake_found": "2", "fake_handled": "2"})
    assert report.values["fake_found"] == 2
    services.supervision_step(actor=hebei, report=report, name="approve")
    with pytest.raises(InvalidState, match="撤回审定"):
        services.generate_supervision(actor=hebei, unit=hebei.unit, year=YEAR)
    report = services.supervision_step(actor=hebei, report=report, name="publish")
    assert report.status == "published"
    assert selectors.published_supervision(report.pk) == report


def test_only_a_province_or_ministry_compiles_its_own(demo_users):
    with pytest.raises(NotAllowed):
        services.generate_supervision(actor=demo_users["baoding"], unit=demo_users["baoding"].unit, year=YEAR)
    with pytest.raises(NotAllowed):
        services.generate_supervision(actor=demo_users["hebei"], unit=demo_users["shuiwu"].unit, year=YEAR)
    report = services.generate_supervision(actor=demo_users["shuiwu"], unit=demo_users["shuiwu"].unit, year=YEAR)
    assert report.figures["total"]["sampled"] == 0
