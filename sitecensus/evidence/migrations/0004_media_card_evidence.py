
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sitecensus.core.dbtriggers import RefreshProtection


class Migration(migrations.Migration):
    """Evidence files on new-media cards too: as immutable as the submitted card they prove."""

    dependencies = [
        ('evidence', '0003_guards_hold'),
        ('scoring', '0008_media_card_drafts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='evidencefile',
            name='evidence_one_owner',
        ),
        migrations.AddField(
            model_name='evidencefile',
            name='media_card',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='files', to='scoring.mediascorecard'),
        ),
        migrations.AddConstraint(
            model_name='evidencefile',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('media_card__isnull', True), ('rectification__isnull', True), ('scorecard__isnull', False)), models.Q(('media_card__isnull', False), ('rectification__isnull', True), ('scorecard__isnull', True)), models.Q(('media_card__isnull', True), ('rectification__isnull', False), ('scorecard__isnull', True)), _connector='OR'), name='evidence_one_owner'),
        ),
        RefreshProtection("evidence_evidencefile"),
    ]
