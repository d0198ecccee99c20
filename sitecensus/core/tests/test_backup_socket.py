"""Backups connect as the server does: a DATABASE_URL over the local socket (peer
authentication, no password, as a stock Debian server has it) reaches PostgreSQL there,
never a TCP address the URL does not name."""

import os
import subprocess

import dj_database_url
import pytest
from django.db import connection

from sitecensus.core.backup import _pg_env

SOCKET_DIRS = [d for d in ("/run/postgresql", "/var/run/postgresql", "/tmp")
               if os.path.exists(os.path.join(d, ".s.PGSQL.5432"))]


def test_what_the_url_leaves_out_is_left_to_libpq():
    args, env = _pg_env(dj_database_url.parse("postgres:///sitecensus"))
    assert args == [] and env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")
    args, _ = _pg_env(dj_database_url.parse("postgres://sitecensus@%2Frun%2Fpostgresql/sitecensus"))
    assert args == ["-h", "/run/postgresql", "-U", "sitecensus"]
    args, env = _pg_env(dj_database_url.parse("postgres://sitecensus:s3cret@127.0.0.1:5432/sitecensus"))
    assert args == ["-h", "127.0.0.1", "-p", "5432", "-U", "sitecensus"] and env["PGPASSWORD"] == "s3cret"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql" or not SOCKET_DIRS, reason="PostgreSQL on a local socket")
def test_pg_dump_reaches_the_database_over_the_socket(tmp_path):
    settings = {**connection.settings_dict, "HOST": SOCKET_DIRS[0], "PORT": ""}
    args, env = _pg_env(settings)
    target = tmp_path / "schema.sql"
    subprocess.run(["pg_dump", *args, "--schema-only", "-t", "orgs_unit", "-f", str(target), settings["NAME"]],
                   env=env, check=True, capture_output=True, timeout=600)
    assert "CREATE TABLE public.orgs_unit" in target.read_text()
