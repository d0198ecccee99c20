"""Append-only and immutable tables, enforced by the database itself.

Triggers refuse UPDATE and DELETE whatever the path (ORM, admin, shell or raw
SQL) on SQLite and PostgreSQL. `when` optionally narrows the protection to
rows in a given state (e.g. submitted scorecards); it is SQL over OLD.
"""

from __future__ import annotations


def _names(table: str) -> tuple[str, str, str]:
    return f"{table}_no_update", f"{table}_no_delete", f"{table}_protect_fn"


def create_sql(vendor: str, table: str, message: str, *, when: str | None = None,
               insert_when: str | None = None) -> list[str]:
    """`when` is SQL over OLD (rows under protection); `insert_when`, over NEW,
    also refuses new rows (e.g. entries added to a submitted scorecard)."""
    upd, dele, fn = _names(table)
    ins = f"{table}_no_insert"
    msg = message.replace("'", "''")
    if vendor == "sqlite":
        cond = f" WHEN {when}" if when else ""
        statements = [
            f"CREATE TRIGGER {upd} BEFORE UPDATE ON {table} FOR EACH ROW{cond} "
            f"BEGIN SELECT RAISE(ABORT, '{msg}'); END;",
            f"CREATE TRIGGER {dele} BEFORE DELETE ON {table} FOR EACH ROW{cond} "
            f"BEGIN SELECT RAISE(ABORT, '{msg}'); END;",
        ]
        if insert_when:
            statements.append(f"CREATE TRIGGER {ins} BEFORE INSERT ON {table} FOR EACH ROW WHEN {insert_when} "
                              f"BEGIN SELECT RAISE(ABORT, '{msg}'); END;")
        return statements
    if vendor == "postgresql":
        raise_ = f"RAISE EXCEPTION '{msg}' USING ERRCODE = 'integrity_constraint_violation';"
        on_insert = f"IF TG_OP = 'INSERT' THEN IF {insert_when} THEN {raise_} END IF; RETURN NEW; END IF; " \
            if insert_when else ""
        guarded = f"IF {when} THEN {raise_} END IF; " if when else raise_ + " "
        statements = [
            f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {on_insert}{guarded}"
            f"IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$;",
            f"CREATE TRIGGER {upd} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}();",
            f"CREATE TRIGGER {dele} BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}();",
        ]
        if insert_when:
            statements.append(f"CREATE TRIGGER {ins} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}();")
        if not when:
            statements.append(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}();"
            )
        return statements
    raise NotImplementedError(f"no trigger support for database vendor {vendor!r}")


def drop_sql(vendor: str, table: str) -> list[str]:
    upd, dele, fn = _names(table)
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {upd};", f"DROP TRIGGER IF EXISTS {dele};",
                f"DROP TRIGGER IF EXISTS {table}_no_insert;"]
    return [
        f"DROP TRIGGER IF EXISTS {upd} ON {table};",
        f"DROP TRIGGER IF EXISTS {dele} ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_insert ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        f"DROP FUNCTION IF EXISTS {fn}();",
    ]


class ProtectTable:
    """A migration operation installing the triggers for whichever database runs it."""

    def __new__(cls, table: str, message: str, *, when_sqlite: str | None = None,
                when_postgresql: str | None = None, insert_when_sqlite: str | None = None,
                insert_when_postgresql: str | None = None):
        from django.db import migrations

        def forwards(apps, schema_editor):
            vendor = schema_editor.connection.vendor
            when = when_sqlite if vendor == "sqlite" else when_postgresql
            insert_when = insert_when_sqlite if vendor == "sqlite" else insert_when_postgresql
            for statement in create_sql(vendor, table, message, when=when, insert_when=insert_when):
                schema_editor.execute(statement)

        def backwards(apps, schema_editor):
            for statement in drop_sql(schema_editor.connection.vendor, table):
                schema_editor.execute(statement)

        return migrations.RunPython(forwards, backwards)


# Tables under protection, declared by the models that own them, with the
# arguments used to (re)create their triggers; the test suite's flush between
# transactional tests lifts and restores them.
PROTECTED_TABLES: dict[str, dict] = {}


def protect(table: str, message: str, **conditions) -> None:
    """Declare a protected table; `conditions` are ProtectTable's when_* arguments."""
    PROTECTED_TABLES[table] = {"message": message, **conditions}


def create_registered_sql(vendor: str, table: str) -> list[str]:
    spec = PROTECTED_TABLES[table]
    return create_sql(vendor, table, spec["message"], when=spec.get(f"when_{vendor}"),
                      insert_when=spec.get(f"insert_when_{vendor}"))
