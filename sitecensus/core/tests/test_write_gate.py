"""SQLite's write lock has no queue: a write waiting for it holds the gate shared, and a
background writer between its chunks waits (on the gate, no sleep) until it has been let in."""

import fcntl
import threading

import pytest
from django.db import connection

from sitecensus.core import db


@pytest.fixture
def file_db(tmp_path, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "x.sqlite3"))
    monkeypatch.setattr(connection, "vendor", "sqlite")
    return str(tmp_path / "x.sqlite3.gate")


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
        vendor, settings_dict, in_atomic_block = "sqlite", connection.settings_dict, False

    open(file_db, "w").close()
    for sql in ("BEGIN IMMEDIATE", "UPDATE t SET a = 1", "SELECT 1"):
        db._waiting_writer(execute, sql, None, False, {"connection": Conn})
    assert seen == [("BEGIN IMMEDIATE", "held"), ("UPDATE t SET a = 1", "held"), ("SELECT 1", "free")]
