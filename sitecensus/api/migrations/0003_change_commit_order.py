"""Events numbered in commit order (`seq`), so a platform following /api/events?after=
never misses a change whose transaction committed after a later-started one.

PostgreSQL: ids come from a sequence when the row is inserted, and transactions
commit in another order; a deferred constraint trigger numbers each new row at
COMMIT, under a transaction-scoped advisory lock, so `seq` grows in commit order.
SQLite: writers are serialized (one write transaction at a time), so ids are
already in commit order; a trigger copies the id."""

from django.db import migrations, models

POSTGRESQL = [
    "CREATE SEQUENCE IF NOT EXISTS api_change_seq_numbers",
    "SELECT setval('api_change_seq_numbers', (SELECT COALESCE(MAX(seq), 0) + 1 FROM api_change), false)",
    """CREATE OR REPLACE FUNCTION api_change_number() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(4242001);  -- held to the end of COMMIT: numbers follow commit order
    UPDATE api_change SET seq = nextval('api_change_seq_numbers') WHERE id = NEW.id AND seq IS NULL;
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS api_change_number ON api_change",
    """CREATE CONSTRAINT TRIGGER api_change_number AFTER INSERT ON api_change
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION api_change_number()""",
]
SQLITE = [
    "DROP TRIGGER IF EXISTS api_change_number",
    """CREATE TRIGGER api_change_number AFTER INSERT ON api_change FOR EACH ROW WHEN NEW.seq IS NULL
BEGIN UPDATE api_change SET seq = NEW.id WHERE id = NEW.id; END""",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE api_change SET seq = id WHERE seq IS NULL")
        for statement in {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor, []):
            cursor.execute(statement)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS api_change_number ON api_change")
            cursor.execute("DROP FUNCTION IF EXISTS api_change_number()")
            cursor.execute("DROP SEQUENCE IF EXISTS api_change_seq_numbers")
        elif vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS api_change_number")


class Migration(migrations.Migration):

    dependencies = [("api", "0002_tokens_scopes_idempotency_changes")]

    operations = [
        migrations.AddField(model_name="change", name="seq", field=models.BigIntegerField(null=True)),
        migrations.AddIndex(model_name="change",
                            index=models.Index(fields=["unit_path", "seq"], name="api_change_scope_seq")),
        migrations.RunPython(install, uninstall),
    ]
