from django.db import migrations

from sitecensus.core.dbtriggers import ProtectTable

IMMUTABLE = "评分表一旦提交不可更改"
ENTRY_OF_SUBMITTED = "(SELECT status FROM scoring_scorecard WHERE id = {}.scorecard_id) = 'submitted'"


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]
    operations = [
        ProtectTable("scoring_scorecard", IMMUTABLE, when_sqlite="OLD.status = 'submitted'",
                     when_postgresql="OLD.status = 'submitted'"),
        ProtectTable("scoring_scoreentry", IMMUTABLE,
                     when_sqlite=ENTRY_OF_SUBMITTED.format("OLD"), when_postgresql=ENTRY_OF_SUBMITTED.format("OLD"),
                     insert_when_sqlite=ENTRY_OF_SUBMITTED.format("NEW"),
                     insert_when_postgresql=ENTRY_OF_SUBMITTED.format("NEW")),
        ProtectTable("scoring_inspectionreport", "已报送的检查整改情况报告不可更改",
                     when_sqlite="OLD.status = 'submitted'", when_postgresql="OLD.status = 'submitted'"),
    ]
