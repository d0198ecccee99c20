import django.utils.timezone
from django.db import migrations, models

from sitecensus.core.dbtriggers import RefreshProtection, drop_sql


def lift(apps, schema_editor):
    for statement in drop_sql(schema_editor.connection.vendor, "audit_auditevent"):
        schema_editor.execute(statement)


def chain_existing(apps, schema_editor):
    """Chain the events written before the chain existed, in id order."""
    from sitecensus.audit import chain

    AuditEvent = apps.get_model("audit", "AuditEvent")
    previous, secret = "", chain.key()
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        event.prev_hash = previous
        event.chain_hash = chain.digest(chain.row_values(event), secret)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, chain_hash=event.chain_hash)
        previous = event.chain_hash


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.RunPython(lift, migrations.RunPython.noop),
        migrations.AddField(
            model_name='auditevent',
            name='chain_hash',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='哈希'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='前一哈希'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        # Reinstalled with the REPLACE (SQLite) and TRUNCATE (PostgreSQL) guards.
        RefreshProtection("audit_auditevent"),
    ]
