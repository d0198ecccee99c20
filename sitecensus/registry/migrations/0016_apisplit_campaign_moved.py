# Campaign now lives in sitecensus.campaigns (same table, registry_campaign): the phases
# point there and registry forgets the model, by state only — no row moves.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0001_apisplit_campaign"),
        ("registry", "0015_lead_merge"),
        # every other pointer to registry.Campaign moves first
        ("scoring", "0008_apisplit_campaign_moved"),
        ("spotcheck", "0007_apisplit_campaign_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="phase", name="campaign",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="phases",
                                            to="campaigns.campaign"),
                ),
                migrations.DeleteModel(name="Campaign"),
            ],
            database_operations=[],
        ),
    ]
