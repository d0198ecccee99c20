from django.db import migrations

from sitecensus.core.dbtriggers import ProtectTable


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [ProtectTable("audit_auditevent", "审计日志只允许追加，不可修改或删除")]
