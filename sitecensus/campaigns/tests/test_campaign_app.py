"""Campaigns in their own app, below registry and scoring, moved by state only: the model
keeps the table registry's migrations made (no row moves), and every pointer to it —
phases, cards, reports, batches — reads it from the campaigns app."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from sitecensus.campaigns.models import Campaign
from sitecensus.registry.models import Phase
from sitecensus.scoring.models import InspectionReport, Scorecard
from sitecensus.spotcheck.models import Batch


def test_the_same_table_and_every_pointer_moved():
    assert Campaign._meta.app_label == "campaigns" and Campaign._meta.db_table == "registry_campaign"
    for model, field in ((Phase, "campaign"), (Scorecard, "campaign"), (InspectionReport, "campaign"),
                         (Batch, "round"), (Campaign, "parent")):
        assert model._meta.get_field(field).related_model is Campaign, (model, field)
    with pytest.raises(LookupError):
        apps.get_model("registry", "Campaign")


def test_the_migrated_state_has_one_campaign_model():
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    assert ("campaigns", "campaign") in state.models and ("registry", "campaign") not in state.models
    assert state.models["campaigns", "campaign"].options["db_table"] == "registry_campaign"


@pytest.mark.django_db
def test_rows_in_the_table_registry_made(db):
    census = Campaign.objects.create(name="测试普查", year=2030)
    Campaign.objects.create(name="测试抽查轮次", kind=Campaign.Kind.ROUND, parent=census)
    Phase.objects.create(campaign=census, kind=Phase.Kind.SELFCHECK, opens_on=datetime.date(2030, 1, 1),
                         closes_on=datetime.date(2030, 2, 1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM registry_campaign WHERE parent_id = %s", [census.pk])
        assert cursor.fetchall() == [("测试抽查轮次",)]
    assert census.phases.get().kind == Phase.Kind.SELFCHECK
