from django.db import migrations

from sitecensus.core.dbtriggers import ProtectTable

IMMUTABLE = "评分表一旦提交不可更改"
OF_SUBMITTED = ("{0}.scorecard_id IS NOT NULL AND "
                "(SELECT status FROM scoring_scorecard WHERE id = {0}.scorecard_id) = 'submitted'")


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial"), ("scoring", "0002_immutable")]
    operations = [
        ProtectTable("evidence_evidencefile", IMMUTABLE,
                     when_sqlite=OF_SUBMITTED.format("OLD"), when_postgresql=OF_SUBMITTED.format("OLD"),
                     insert_when_sqlite=OF_SUBMITTED.format("NEW"), insert_when_postgresql=OF_SUBMITTED.format("NEW")),
    ]
