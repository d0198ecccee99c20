from django.db import migrations

from sitecensus.core.dbtriggers import RefreshProtection


class Migration(migrations.Migration):
    """The submitted-card and submitted-report guards, reinstalled so that SQLite's
    REPLACE INTO and PostgreSQL's TRUNCATE cannot get round them."""

    dependencies = [("scoring", "0002_immutable")]
    operations = [RefreshProtection("scoring_scorecard"), RefreshProtection("scoring_scoreentry"),
                  RefreshProtection("scoring_inspectionreport")]
