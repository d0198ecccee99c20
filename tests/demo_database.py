"""One migrated test database with the demo loaded per test run, copied for each pytest-xdist worker.

Every worker used to build its own test database: every migration run (thousands of historical
model classes rendered) and the demo loaded (the 44,704 divisions), the same work once per worker
and per database. Now the first worker to need a database builds it as before and leaves a copy
(SQLite: a file written with the backup API; PostgreSQL: a database made from it with CREATE
DATABASE … TEMPLATE); each other worker's database is a copy of that, made in a fraction of the time.
What a test finds is the same: the migrated schema, the triggers, the grants and the demo.

A pytest plugin loaded by the root conftest.py. It replaces the test connection's create_test_db
for the run only, and only in an xdist worker; a single-process run, --reuse-db and a run that
serializes the database (serialized_rollback) build as pytest-django does. The workers share a
folder that the controller makes and removes (PostgreSQL: it drops the template database too);
a lock on a file there lets one worker build while the others wait."""

from __future__ import annotations

import fcntl
import json
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

WORKER_INPUT = "sitecensus_demo_database"  # the shared folder, as the controller hands it to each worker
READY = "ready.json"  # written once the template exists: how to copy it
_folder: Path | None = None  # in the controller: the folder it made
_template: str | None = None  # in a worker on SQLite: the template's file (restore() copies it back)
SNAPSHOT = "demo_snapshot"  # PostgreSQL: the schema that keeps the demo's rows as loaded
_snapshot_tables: list[str] = []  # in a worker on PostgreSQL: the tables the snapshot holds rows of
_sequences: dict[str, str] = {}  # table → its id column with a sequence (PostgreSQL)


# ---------------------------------------------------------------- the controller

@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist's controller, before it starts a worker: the folder the workers share."""
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="sitecensus-testdb-"))
    node.workerinput[WORKER_INPUT] = str(_folder)


def pytest_unconfigure(config):
    """The controller, after every worker has ended: the template goes (a worker cannot know it is the last)."""
    global _folder
    if _folder is None:
        return
    try:
        ready = _ready(_folder)
        if ready and ready["vendor"] == "postgresql":
            _drop_template_database(config, ready["template"])
    finally:
        shutil.rmtree(_folder, ignore_errors=True)
        _folder = None


def _drop_template_database(config, name: str) -> None:
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock():
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)}")


# ---------------------------------------------------------------- a worker

def install(config, connection, load_demo) -> None:
    """In a worker: the connection's test database is built once per run, then copied.
    `load_demo` fills a new database (called with the test database connected)."""
    folder = getattr(config, "workerinput", {}).get(WORKER_INPUT)
    if not folder or connection.vendor not in ("sqlite", "postgresql"):
        return
    original = connection.creation.create_test_db

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if keepdb or serialize:  # a kept database is the developer's; a serialized one is read back as built
            return original(verbosity=verbosity, autoclobber=autoclobber, serialize=serialize, keepdb=keepdb)
        global _template
        with _locked(Path(folder)):
            ready = _ready(Path(folder))
            if ready:
                name = _copy(connection, ready)
            else:
                name = original(verbosity=verbosity, autoclobber=autoclobber, serialize=serialize, keepdb=keepdb)
                load_demo()
                ready = _leave_template(connection, Path(folder))
                _write_ready(Path(folder), ready)
        if ready["vendor"] == "sqlite":
            _template = ready["template"]
        else:
            _snapshot_tables[:] = ready["snapshot"]
        return name

    connection.creation.create_test_db = create_test_db


@contextmanager
def _locked(folder: Path):
    with open(folder / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # the builder holds it until the template is there
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ready(folder: Path) -> dict | None:
    try:
        return json.loads((folder / READY).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _write_ready(folder: Path, ready: dict) -> None:
    partial = folder / (READY + ".part")
    partial.write_text(json.dumps(ready), encoding="utf-8")
    partial.replace(folder / READY)


def _leave_template(connection, folder: Path) -> dict:
    """The built test database, kept for the other workers to copy."""
    if connection.vendor == "sqlite":
        path = folder / "template.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return {"vendor": "sqlite", "template": str(path)}
    name = template_name(connection.settings_dict["NAME"])
    snapshot = _take_snapshot(connection)
    connection.close()  # a template database has no session open on it
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)}")  # left by a run that was killed
        cursor.execute(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(connection.settings_dict['NAME'])}")
    return {"vendor": "postgresql", "template": name, "snapshot": snapshot}


def template_name(test_database: str) -> str:
    """test_x_gw0 → test_x_template (one per database name, as the workers' databases are)."""
    base, _, worker = test_database.rpartition("_")
    return f"{base if worker.startswith('gw') else test_database}_template"[:63]


def _copy(connection, ready: dict) -> str:
    """What create_test_db does, the migrations and the demo replaced by a copy of the template."""
    from django.conf import settings

    creation = connection.creation
    name = creation._get_test_db_name()
    if ready["vendor"] == "postgresql":
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)}")
            cursor.execute(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(ready['template'])}")
        _use(connection, settings, name)
        connection.ensure_connection()
        return name
    creation._create_test_db(verbosity=0, autoclobber=True)  # a file database: the old file removed
    _use(connection, settings, name)
    source = sqlite3.connect(f"file:{ready['template']}?mode=ro", uri=True)
    target = sqlite3.connect(name, uri=True)
    try:
        source.backup(target)
        # An in-memory database lives while a connection to it is open: the test connection's
        # is opened before the copy's is closed.
        connection.ensure_connection()
    finally:
        source.close()
        target.close()
    return name


def restore(connection) -> bool:
    """After a flush (a transactional test's end), SQLite: the worker's database made the template's
    again (every page copied back: the demo as it was loaded, in milliseconds rather than loading it
    anew). False where there is no template to copy (one process, or PostgreSQL: a database in use
    cannot be made from a template): the caller loads the demo."""
    if _template is None or connection.vendor != "sqlite":
        return False
    source = sqlite3.connect(f"file:{_template}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    return True


def _take_snapshot(connection) -> list[str]:
    """PostgreSQL: every table's rows as the demo left them, copied into a schema of their own (the
    application role is granted nothing there); the template, and so every worker's copy, has it.
    Returns the tables that have rows."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    filled = []
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SNAPSHOT}")
        for table in tables:
            cursor.execute(f"CREATE TABLE {SNAPSHOT}.{_quote(table)} AS TABLE public.{_quote(table)}")
            if cursor.rowcount:
                filled.append(table)
    return filled


def restore_snapshot(connection, keep: tuple[str, ...] = ()) -> bool:
    """PostgreSQL, after a flush emptied every table but `keep`: the demo's rows put back from the
    snapshot (one INSERT … SELECT a table, foreign keys checked at commit as Django declares them
    deferrable; each table's id sequence set to its highest id), in milliseconds rather than loading
    the demo anew through the ORM. Runs as the tables' owner with the append-only triggers lifted
    (the caller's flush has both). False where there is no snapshot (one process): the caller loads
    the demo."""
    if connection.vendor != "postgresql" or not _snapshot_tables:
        return False
    from django.db import transaction

    if not _sequences:  # introspected once: the schema does not change during a run
        _sequences.update((item["table"], item["column"]) for item in connection.introspection.sequence_list())
    sequences = _sequences
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in _snapshot_tables:
            if table in keep:
                continue
            cursor.execute(f"INSERT INTO public.{_quote(table)} SELECT * FROM {SNAPSHOT}.{_quote(table)}")
            if table in sequences:
                column = _quote(sequences[table])
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), max({column})) "
                               f"FROM public.{_quote(table)}", [_quote(table), sequences[table]])
    return True


def _use(connection, settings, name: str) -> None:
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
