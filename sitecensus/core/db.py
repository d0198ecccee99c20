"""Database helpers: upkeep shared by bulk loaders, background sessions, counts in one statement."""

from contextlib import contextmanager

from django.db import connection


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL's autovacuum would
    do it only later: a filtered national list took 15 s before ANALYZE, 21 ms after)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize")


# What background() sets on PostgreSQL for the length of the work, and puts back after.
BACKGROUND_SETTINGS = ("max_parallel_workers_per_gather", "jit", "work_mem")


@contextmanager
def background():
    """Background work (the statistics rebuild) on PostgreSQL: no parallel query workers, so a
    rebuild's aggregates take one core of the database, not three; page views keep the rest.
    (The job worker process itself runs niced; the database backend serving it does not.)
    No JIT: the rebuild's grouped INSERT is costed high enough to be compiled, and compiling
    it cost more CPU than it saved (0.4 s of the national rebuild's 1.9 s). Sort memory of
    BACKGROUND_WORK_MEM: at the default 4 MB the rebuild's two sorts of 90,000 and 150,000
    rows went to disk (external merge); in memory they cost a fraction."""
    if connection.vendor != "postgresql":
        yield
        return
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        cursor.execute("SET jit = off")
        cursor.execute("SELECT set_config('work_mem', %s, false)", [settings.BACKGROUND_WORK_MEM])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name in BACKGROUND_SETTINGS:
                cursor.execute(f"RESET {name}")


def serialize_on(name: str) -> None:
    """Inside a transaction: wait for, then hold until commit, a lock named `name`
    (PostgreSQL advisory lock), so a count-then-insert limit cannot be raced by
    simultaneous requests. SQLite serializes writers already (no-op)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7310002, hashtext(%s))", [name])


# ---------------------------------------------------------------- SQLite: writers waiting go first
# SQLite has no queue for its write lock: a waiting writer polls (every 100 ms once it has waited a
# little), so a background job that commits chunk after chunk would starve a login's or a session's
# write. Every write that may wait for the lock (a BEGIN, a write outside a transaction) therefore
# holds a shared lock on a gate file next to the database while it waits; a background writer,
# between its chunks, waits (flock, no polling, no sleep) until no such writer is waiting. Every
# process on the file (gunicorn workers, job workers) shares the gate.

_WRITES = ("BEGIN", "INSERT", "UPDATE", "DELETE", "REPLAC")


def _gate_path(conn) -> str | None:
    name = str(conn.settings_dict.get("NAME") or "")
    if conn.vendor != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return None
    return name + ".gate"


@contextmanager
def _flock(path: str, mode: int):
    import fcntl
    import os

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _waiting_writer(execute, sql, params, many, context):
    """Execute wrapper (SQLite): a statement that may wait for the write lock announces itself."""
    conn = context["connection"]
    head = sql.lstrip()[:6].upper()
    path = _gate_path(conn)
    if path and head.startswith(_WRITES) and (head.startswith("BEGIN") or not conn.in_atomic_block):
        import fcntl

        with _flock(path, fcntl.LOCK_SH):
            return execute(sql, params, many, context)
    return execute(sql, params, many, context)


def install_write_gate(sender, connection, **kwargs) -> None:
    """connection_created: SQLite connections announce their waiting writes."""
    if connection.vendor == "sqlite" and _waiting_writer not in connection.execute_wrappers:
        connection.execute_wrappers.append(_waiting_writer)


def let_waiting_writers_in() -> None:
    """A background writer between two of its transactions (holding no lock): wait until
    every write waiting for SQLite's lock has had it. No-op elsewhere (PostgreSQL queues)."""
    path = _gate_path(connection)
    if path is None or connection.in_atomic_block:
        return
    import fcntl

    with _flock(path, fcntl.LOCK_EX):
        pass


def counts(querysets: dict) -> dict[str, int]:
    """The row count of each queryset, from one statement of scalar subqueries instead of one
    query each (a page of many counts: the home page's to-dos). A queryset that can match
    nothing (none(), an empty IN) counts 0 without being sent."""
    from django.core.exceptions import EmptyResultSet

    out, parts, params = {}, [], []
    for name, qs in querysets.items():
        try:
            sql, sql_params = qs.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            out[name] = 0
            continue
        parts.append((name, f"(SELECT COUNT(*) FROM ({sql}) AS counted)"))
        params += sql_params
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(sql for _, sql in parts), params)
            out.update(zip((name for name, _ in parts), cursor.fetchone()))
    return {name: out[name] for name in querysets}
