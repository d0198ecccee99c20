"""Backup and restore: pg_dump / pg_restore for PostgreSQL (custom format, run as
the owner role), SQLite's online backup API for the embedded database (safe
while the server runs). A restore ends with the audit-chain check."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection, connections


def _pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    """pg_dump/pg_restore connect as the server does: what DATABASE_URL leaves out (host, port,
    user) is left to libpq's defaults, so `postgres:///sitecensus` reaches the local socket with
    peer authentication as the service's own user, as on a stock Debian server."""
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def backup(target: Path) -> None:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(str(target))
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return
    if connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        subprocess.run(["pg_dump", *args, "-Fc", "--no-owner", "-f", str(target), connection.settings_dict["NAME"]],
                       env=env, check=True, capture_output=True)
        return
    raise NotImplementedError(connection.vendor)


def restore(source: Path) -> None:
    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(f"找不到备份文件“{source}”")
    if connection.vendor == "sqlite":
        with open(source, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise ValueError(f"“{source}”不是 SQLite 备份文件")
        connection.ensure_connection()
        origin = sqlite3.connect(str(source))
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        args, env = _pg_env(connection.settings_dict)
        for alias in connections:
            connections[alias].close()
        subprocess.run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        "-d", name, str(source)], env=env, check=True, capture_output=True)
        return
    raise NotImplementedError(connection.vendor)
