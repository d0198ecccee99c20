from django.db import migrations

from sitecensus.core.dbtriggers import RefreshProtection


class Migration(migrations.Migration):
    """The evidence guard, reinstalled with the REPLACE (SQLite) and TRUNCATE (PostgreSQL) guards."""

    dependencies = [("evidence", "0002_immutable"), ("scoring", "0003_guards_hold")]
    operations = [RefreshProtection("evidence_evidencefile")]
