"""SQLite's write lock has no queue: a write waiting for it holds the gate shared, and a
background writer between its chunks waits (on the gate, no sleep) until it has been let in."""

import fcntl
import threading

import pytest

from sitecensus.core import db


@pytest.fixture
def file_db(tmp_path, monkeypatch):
    """The gate of a SQLite file, whatever database the tests run on (every thread's connection)."""
    gate = str(tmp_path / "x.sqlite3.gate")
    monkeypatch.setattr(db, "_gate_path", lambda conn: gate)
    return gate


def test_a_background_writer_waits_for_the_writes_waiting(file_db):
    waiting, released, order = threading.Event(), threading.Event(), []

    def a_login_waiting_for_the_lock():
        with db._flock(file_db, fcntl.LOCK_SH):
            waiting.set()
            released.wait(30)
            order.append("login written")

    thread = threading.Thread(target=a_login_waiting_for_the_lock)
    thread.start()
    assert waiting.wait(30)
    between = threading.Thread(target=lambda: (db.let_waiting_writers_in(), order.append("next chunk")))
    between.start()
    between.join(0.2)
    assert between.is_alive() and order == []  # the import waits on the gate while the login waits
    released.set()
    thread.join(30)
    between.join(30)
    assert order == ["login written", "next chunk"]


def test_writes_that_may_wait_announce_themselves(file_db):
    seen = []

    def execute(sql, params, many, context):
        import os

        probe = os.open(file_db, os.O_RDWR)
        try:  # held shared by the statement: an exclusive try fails while it runs
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append((sql, "free"))
        except BlockingIOError:
            seen.append((sql, "held"))
        finally:
            os.close(probe)

    class Conn:
        vendor, in_atomic_block = "sqlite", False

    open(file_db, "w").close()
    for sql in ("BEGIN IMMEDIATE", "UPDATE t SET a = 1", "SELECT 1"):
        db._waiting_writer(execute, sql, None, False, {"connection": Conn})
    assert seen == [("BEGIN IMMEDIATE", "held"), ("UPDATE t SET a = 1", "held"), ("SELECT 1", "free")]


def test_the_gate_belongs_to_a_sqlite_file_only():
    class Conn:
        def __init__(self, vendor, name):
            self.vendor, self.settings_dict = vendor, {"NAME": name}

    assert db._gate_path(Conn("sqlite", "/var/x.sqlite3")) == "/var/x.sqlite3.gate"
    assert db._gate_path(Conn("postgresql", "sc")) is None
    assert db._gate_path(Conn("sqlite", "file:memorydb_default?mode=memory&cache=shared")) is None
