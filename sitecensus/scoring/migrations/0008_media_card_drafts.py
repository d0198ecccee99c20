
import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models

from sitecensus.core.dbtriggers import RefreshProtection, drop_sql


def _unguard(apps, schema_editor):
    for statement in drop_sql(schema_editor.connection.vendor, "scoring_mediascorecard"):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """New-media cards filled as drafts on the card page, then submitted: the cards kept so far were
    written whole when submitted (status 已提交, submitted when made); the guard now protects submitted
    cards only."""

    dependencies = [
        ('newmedia', '0002_media_problem_indexes'),
        ('orgs', '0002_i28_unit_depth_path'),
        ('scoring', '0007_media_scorecard'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_unguard, migrations.RunPython.noop),
        migrations.AddField(
            model_name='mediascorecard',
            name='status',
            field=django_fsm.FSMField(choices=[('draft', '填写中'), ('submitted', '已提交')], db_index=True, default='submitted', max_length=16, protected=True, verbose_name='状态'),
        ),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.AlterField(
            model_name='mediascorecard',
            name='status',
            field=django_fsm.FSMField(choices=[('draft', '填写中'), ('submitted', '已提交')], db_index=True, default='draft', max_length=16, protected=True, verbose_name='状态'),
        )]),
        migrations.AddField(
            model_name='mediascorecard',
            name='submitted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='提交时间'),
        ),
        migrations.AddField(
            model_name='mediascorecard',
            name='submitted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='mediascorecard',
            name='updated_at',
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AlterField(
            model_name='mediascorecard',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='创建时间'),
        ),
        migrations.AlterField(
            model_name='mediascorecard',
            name='result',
            field=models.CharField(blank=True, db_index=True, max_length=16, verbose_name='结果'),
        ),
        migrations.AddConstraint(
            model_name='mediascorecard',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'draft')), fields=('account', 'stage', 'scorer_unit'), name='media_card_one_draft'),
        ),
        migrations.RunSQL("UPDATE scoring_mediascorecard SET submitted_at = created_at, submitted_by_id = created_by_id "
                          "WHERE submitted_at IS NULL", migrations.RunSQL.noop),
        RefreshProtection("scoring_mediascorecard"),
    ]
