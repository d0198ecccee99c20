# A batch's round now points to campaigns.Campaign: the same table (registry_campaign),
# so the change is to the state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0001_apisplit_campaign"),
        ("spotcheck", "0006_lead_merge"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="batch", name="round",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="spotcheck_batches", to="campaigns.campaign",
                                            verbose_name="抽查轮次"),
                ),
            ],
            database_operations=[],
        ),
    ]
