# The cards' and reports' campaign now points to campaigns.Campaign: the same table
# (registry_campaign), so the change is to the state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0001_apisplit_campaign"),
        ("scoring", "0007_media_scorecard"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="scorecard", name="campaign",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="campaigns.campaign"),
                ),
                migrations.AlterField(
                    model_name="inspectionreport", name="campaign",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="campaigns.campaign"),
                ),
            ],
            database_operations=[],
        ),
    ]
