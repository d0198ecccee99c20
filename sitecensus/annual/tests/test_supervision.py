"""The supervision report (政府网站监管年度报表) of a province: generated from the year's spot-check
rounds, life changes, 找错 handling, accountability and trainings; its figures add up with the
rounds they come from; approved and published by its own general office."""

from datetime import date, timedelta

import pytest
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
