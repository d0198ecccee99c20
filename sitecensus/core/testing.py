"""Test-suite helpers kept in the package so that every app's tests share them."""

import socket
from contextlib import contextmanager

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Still argon2 (same code path, same 'argon2' prefix), with a small memory
    cost so that suites creating many accounts stay fast."""

    memory_cost = 1024
    parallelism = 1
    time_cost = 1


def current_role() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        current, session = cursor.fetchone()
    return current if current != session else None


@contextmanager
def as_owner():
    """Tamper as the table owner would (tests of the tamper evidence): on
    PostgreSQL, leave the application role for the block."""
    role = current_role()
    if role:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    try:
        yield
    finally:
        if role:
            with connection.cursor() as cursor:
                cursor.execute(f'SET ROLE "{role}"')


def redis_up(host: str = "127.0.0.1", port: int = 6379) -> bool:
    """Whether the local Redis answers (worker and production-stack tests skip without it)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_until(predicate, seconds: float, every: float = 0.2) -> bool:
    """Wait on a condition (not on the clock): True as soon as predicate() holds, False after `seconds`."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False
