"""The campaigns ask scoring about scoring tables through campaigns.tables (scoring, above,
registered its answers when Django started): the websites' tables only, their names, and whether
a campaign's cards already use its table."""

import pytest

from sitecensus.campaigns import tables
from sitecensus.campaigns.models import Campaign
from sitecensus.scoring.models import Scorecard
from sitecensus.scoring.rubric import load_rubric, rubric_codes


def test_the_websites_tables_and_their_names():
    assert tables.codes() == rubric_codes("website") and "2019media" not in tables.codes()
    assert tables.name("2015") == load_rubric("2015").name


@pytest.mark.django_db
def test_a_table_is_in_use_once_a_card_of_the_campaign_is_scored_on_it(demo_users):
    used = Scorecard.objects.exclude(campaign=None).first().campaign
    assert tables.in_use(used)
    fresh = Campaign.objects.create(name="未启用的普查", year=2030, rubric_code="2015")
    assert not tables.in_use(fresh)
