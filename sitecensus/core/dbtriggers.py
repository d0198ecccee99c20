"""Append-only and immutable tables, enforced by the database itself.

Triggers refuse UPDATE and DELETE whatever the path (ORM, admin, shell or raw
SQL) on SQLite and PostgreSQL. `when` optionally narrows the protection to
rows in a given state (e.g. submitted scorecards); it is SQL over OLD.

The guards also hold against the paths that do not look like an UPDATE:
- SQLite's `REPLACE INTO` / `INSERT OR REPLACE` deletes the conflicting row
  without firing DELETE triggers (unless `recursive_triggers` is on): a BEFORE
  INSERT trigger (`<table>_no_replace`) refuses any new row whose key or unique
  columns meet a protected row. `INSERT … ON CONFLICT DO UPDATE` (UPSERT) fires
  the UPDATE trigger on both databases.
- PostgreSQL's `TRUNCATE` (which fires no row trigger, and cascades) is refused
  by a statement trigger on every protected table.
The application's database role must not own the tables (it could drop or
disable the triggers): see `sitecensus db-roles` and the README.
"""

from __future__ import annotations


def _names(table: str) -> tuple[str, str, str]:
    return f"{table}_no_update", f"{table}_no_delete", f"{table}_protect_fn"


def _quote(value: str) -> str:
    return value.replace("'", "''")


def create_sql(vendor: str, table: str, message: str, *, when: str | None = None,
               insert_when: str | None = None, unique_sets: list[list[str]] | tuple = ()) -> list[str]:
    """`when` is SQL over OLD (rows under protection); `insert_when`, over NEW,
    also refuses new rows (e.g. entries added to a submitted scorecard);
    `unique_sets` are the table's unique column sets besides `id` (a REPLACE on
    any of them would delete the protected row)."""
    upd, dele, fn = _names(table)
    ins = f"{table}_no_insert"
    msg = _quote(message)
    if vendor == "sqlite":
        cond = f" WHEN {when}" if when else ""
        # An UPDATE is refused when the row is protected where it is (OLD) or where it
        # would go (NEW): no moving rows into — or out of — a locked parent.
        upd_cond = f" WHEN ({when}) OR ({insert_when})" if when and insert_when else cond
        statements = [
            f"CREATE TRIGGER {upd} BEFORE UPDATE ON {table} FOR EACH ROW{upd_cond} "
            f"BEGIN SELECT RAISE(ABORT, '{msg}'); END;",
            f"CREATE TRIGGER {dele} BEFORE DELETE ON {table} FOR EACH ROW{cond} "
            f"BEGIN SELECT RAISE(ABORT, '{msg}'); END;",
        ]
        if insert_when:
            statements.append(f"CREATE TRIGGER {ins} BEFORE INSERT ON {table} FOR EACH ROW WHEN {insert_when} "
                              f"BEGIN SELECT RAISE(ABORT, '{msg}'); END;")
        keys = ["cur.id = NEW.id"] + [
            _key_match(*(item if isinstance(item, tuple) else (item,)))
            for item in unique_sets
            if (item[0] if isinstance(item, tuple) else item) and list(
                item[0] if isinstance(item, tuple) else item) != ["id"]]
        protected = f" AND ({when.replace('OLD.', 'cur.')})" if when else ""
        statements.append(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} FOR EACH ROW "
            f"WHEN EXISTS (SELECT 1 FROM {table} AS cur WHERE ({' OR '.join(keys)}){protected}) "
            f"BEGIN SELECT RAISE(ABORT, '{msg}'); END;")
        # `UPDATE OR REPLACE` deletes the protected row another row's new key or unique
        # columns meet (no DELETE trigger fires without recursive_triggers): refused too.
        statements.append(
            f"CREATE TRIGGER {table}_no_replace_update BEFORE UPDATE ON {table} FOR EACH ROW "
            f"WHEN EXISTS (SELECT 1 FROM {table} AS cur WHERE cur.id <> OLD.id AND ({' OR '.join(keys)}){protected}) "
            f"BEGIN SELECT RAISE(ABORT, '{msg}'); END;")
        return statements
    if vendor == "postgresql":
        raise_ = f"RAISE EXCEPTION '{msg}' USING ERRCODE = 'integrity_constraint_violation';"
        on_insert = f"IF TG_OP = 'INSERT' THEN IF {insert_when} THEN {raise_} END IF; RETURN NEW; END IF; " \
            if insert_when else ""
        guarded = f"IF {when} THEN {raise_} END IF; " if when else raise_ + " "
        if when and insert_when:  # an UPDATE may not move a row into a locked parent either
            guarded += f"IF TG_OP = 'UPDATE' THEN IF {insert_when} THEN {raise_} END IF; END IF; "
        statements = [
            f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {on_insert}{guarded}"
            f"IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$;",
            f"CREATE OR REPLACE FUNCTION {table}_no_truncate_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {raise_} END; $$;",
            f"CREATE TRIGGER {upd} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}();",
            f"CREATE TRIGGER {dele} BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}();",
            # TRUNCATE fires no row trigger (and cascades): refused on every protected table.
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_no_truncate_fn();",
        ]
        if insert_when:
            statements.append(f"CREATE TRIGGER {ins} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}();")
        return statements
    raise NotImplementedError(f"no trigger support for database vendor {vendor!r}")


def trigger_names(vendor: str, table: str, *, insert_when: str | None = None) -> set[str]:
    """The triggers `create_sql` installs: what the start-up check expects to find."""
    upd, dele, _ = _names(table)
    names = {upd, dele}
    names |= {f"{table}_no_replace", f"{table}_no_replace_update"} if vendor == "sqlite" else {f"{table}_no_truncate"}
    if insert_when:
        names.add(f"{table}_no_insert")
    return names


def drop_sql(vendor: str, table: str) -> list[str]:
    upd, dele, fn = _names(table)
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {upd};", f"DROP TRIGGER IF EXISTS {dele};",
                f"DROP TRIGGER IF EXISTS {table}_no_insert;", f"DROP TRIGGER IF EXISTS {table}_no_replace;",
                f"DROP TRIGGER IF EXISTS {table}_no_replace_update;"]
    return [
        f"DROP TRIGGER IF EXISTS {upd} ON {table};",
        f"DROP TRIGGER IF EXISTS {dele} ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_insert ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        f"DROP FUNCTION IF EXISTS {fn}();",
        f"DROP FUNCTION IF EXISTS {table}_no_truncate_fn();",
    ]


def unique_sets(connection, table: str) -> list:
    """The table's unique column sets, read from the database: a list of columns, or — for a
    partial unique index — (columns, its WHERE predicate) when the predicate is simple SQL
    over quoted column names (as Django writes it)."""
    import re

    if connection.vendor != "sqlite":
        return []
    sets = []
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA index_list('{_quote(table)}')")
        for _seq, name, unique, _origin, partial in cursor.fetchall():
            if not unique:
                continue
            cursor.execute(f"PRAGMA index_info('{_quote(name)}')")
            columns = [row[2] for row in cursor.fetchall()]
            if not columns or None in columns:
                continue
            if not partial:
                sets.append(columns)
                continue
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
            row = cursor.fetchone()
            match = re.search(r"\bWHERE\b(.*)$", (row[0] or "") if row else "", re.S | re.I)
            if match and re.fullmatch(r"""[\s"\w.,()'=<>!%-]*""", match.group(1)) and ";" not in match.group(1):
                sets.append((columns, match.group(1).strip()))
    return sets


def _key_match(columns, predicate=None) -> str:
    """SQL (in a trigger) for: the row `cur` collides with NEW on these unique columns."""
    import re

    equal = " AND ".join(f'cur."{column}" = NEW."{column}"' for column in columns)
    if predicate is None:
        return f"({equal})"
    on = lambda alias: re.sub(r'"(\w+)"', lambda m: f'{alias}."{m.group(1)}"', predicate)  # noqa: E731
    return f"({equal} AND ({on('NEW')}) AND ({on('cur')}))"


class ProtectTable:
    """A migration operation installing the triggers for whichever database runs it."""

    def __new__(cls, table: str, message: str, *, when_sqlite: str | None = None,
                when_postgresql: str | None = None, insert_when_sqlite: str | None = None,
                insert_when_postgresql: str | None = None):
        from django.db import migrations

        def forwards(apps, schema_editor):
            connection = schema_editor.connection
            vendor = connection.vendor
            when = when_sqlite if vendor == "sqlite" else when_postgresql
            insert_when = insert_when_sqlite if vendor == "sqlite" else insert_when_postgresql
            for statement in create_sql(vendor, table, message, when=when, insert_when=insert_when,
                                        unique_sets=unique_sets(connection, table)):
                schema_editor.execute(statement)

        def backwards(apps, schema_editor):
            for statement in drop_sql(schema_editor.connection.vendor, table):
                schema_editor.execute(statement)

        return migrations.RunPython(forwards, backwards)


class RefreshProtection:
    """A migration operation reinstalling a registered table's triggers with the
    current guards (REPLACE and TRUNCATE included)."""

    def __new__(cls, table: str):
        from django.db import migrations

        def forwards(apps, schema_editor):
            connection = schema_editor.connection
            for statement in drop_sql(connection.vendor, table):
                schema_editor.execute(statement)
            for statement in create_registered_sql(connection.vendor, table, connection):
                schema_editor.execute(statement)

        return migrations.RunPython(forwards, migrations.RunPython.noop)


# Tables under protection, declared by the models that own them, with the
# arguments used to (re)create their triggers; the test suite's flush between
# transactional tests lifts and restores them.
PROTECTED_TABLES: dict[str, dict] = {}


def protect(table: str, message: str, **conditions) -> None:
    """Declare a protected table; `conditions` are ProtectTable's when_* arguments."""
    PROTECTED_TABLES[table] = {"message": message, **conditions}


def create_registered_sql(vendor: str, table: str, connection=None) -> list[str]:
    spec = PROTECTED_TABLES[table]
    return create_sql(vendor, table, spec["message"], when=spec.get(f"when_{vendor}"),
                      insert_when=spec.get(f"insert_when_{vendor}"),
                      unique_sets=unique_sets(connection, table) if connection is not None else ())


def _normalized(sql: str) -> str:
    return " ".join(sql.split()).rstrip(";").strip()


def _expected_definitions(connection) -> dict[str, str]:
    """trigger name (SQLite) or the upd trigger's name for its function (PostgreSQL) →
    the definition `create_registered_sql` would install now."""
    vendor = connection.vendor
    expected = {}
    tables = set(connection.introspection.table_names())
    for table in PROTECTED_TABLES:
        if table not in tables:
            continue
        for statement in create_registered_sql(vendor, table, connection):
            words = statement.split()
            if vendor == "sqlite" and words[:2] == ["CREATE", "TRIGGER"]:
                expected[words[2]] = _normalized(statement)
            elif vendor == "postgresql" and statement.startswith(f"CREATE OR REPLACE FUNCTION {_names(table)[2]}()"):
                expected[_names(table)[0]] = _normalized(statement.split("$$")[1])
    return expected


def stale_triggers(connection) -> list[str]:
    """Protection triggers present but not as the current guards define them (an older
    version, or one recreated weaker by hand): reinstalled by `migrate`."""
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return []
    expected = _expected_definitions(connection)
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            present = {name: _normalized(sql or "") for name, sql in cursor.fetchall()}
        else:
            present = {}
            for table in PROTECTED_TABLES:
                cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [_names(table)[2]])
                row = cursor.fetchone()
                if row:
                    present[_names(table)[0]] = _normalized(row[0])
    return sorted(name for name, sql in expected.items() if name in present and present[name] != sql)


def missing_triggers(connection) -> list[str]:
    """Protection triggers that are absent (or, on PostgreSQL, disabled), or stale."""
    vendor = connection.vendor
    expected = set()
    for table, spec in PROTECTED_TABLES.items():
        expected |= trigger_names(vendor, table, insert_when=spec.get(f"insert_when_{vendor}"))
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return sorted((expected - present) | set(stale_triggers(connection)))
