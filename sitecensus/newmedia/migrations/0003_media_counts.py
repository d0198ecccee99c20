
from django.db import migrations, models


def _fill(apps, schema_editor):
    """The counts of the accounts already kept (as newmedia.counts.rebuild, on the historical models)."""
    from django.db.models import BooleanField, Count, ExpressionWrapper, Q
    from django.db.models.functions import Substr

    account, count = apps.get_model("newmedia", "MediaAccount"), apps.get_model("newmedia", "MediaCount")
    in_system = ExpressionWrapper(Q(unit__system__isnull=False), output_field=BooleanField())
    rows = (account.objects.filter(status="approved").annotate(bucket=Substr("unit__path", 1, 12), in_system=in_system)
            .values_list("bucket", "in_system", "platform", "life").annotate(n=Count("id")).order_by())
    count.objects.bulk_create([count(bucket=b, in_system=in_system, platform=p, life=life, n=n)
                               for b, in_system, p, life, n in rows], batch_size=2000)


class Migration(migrations.Migration):
    """Approved accounts counted per bucket, platform and life, for the statistics."""

    dependencies = [
        ('newmedia', '0002_media_problem_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='MediaCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bucket', models.CharField(max_length=64)),
                ('in_system', models.BooleanField(default=False)),
                ('platform', models.CharField(max_length=32)),
                ('life', models.CharField(max_length=16)),
                ('n', models.PositiveIntegerField(default=0)),
            ],
            options={
                'verbose_name': '政务新媒体计数',
                'verbose_name_plural': '政务新媒体计数',
                'constraints': [models.UniqueConstraint(fields=('bucket', 'in_system', 'platform', 'life'), name='media_count_key')],
            },
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
    ]
