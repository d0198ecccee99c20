"""The production set-up's database connection works on a stock Debian server: the env file's
DATABASE_URL goes over the local socket as the role named like the services' system user
(peer authentication, no password), and the README creates exactly that role and database."""

import re
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent


def _env_example() -> dict:
    lines = (ROOT / "deploy" / "sitecensus.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_env_database_url_uses_peer_authentication_over_the_socket():
    db = dj_database_url.parse(_env_example()["DATABASE_URL"])
    assert db["HOST"].startswith("/"), "a TCP address needs a password on stock Debian"
    assert not db["PASSWORD"]
    users = {m for unit in (ROOT / "deploy" / "systemd").glob("*.service")
             for m in re.findall(r"^User=(\S+)$", unit.read_text(), re.M)}
    assert users == {db["USER"]}, "peer authentication maps the system user to the role of the same name"


def test_readme_creates_that_role_and_database_and_runs_as_that_user():
    db = dj_database_url.parse(_env_example()["DATABASE_URL"])
    readme = (ROOT / "README.md").read_text()
    setup = readme.split("## Production set-up", 1)[1].split("\n## ", 1)[0]
    assert f"sudo -u postgres createuser {db['USER']} " in setup
    assert f"createdb -O {db['USER']} {db['NAME']}" in setup
    assert f"sudo -E -u {db['USER']} .venv/bin/sitecensus migrate" in setup
    # No passwordless TCP URL to the local server anywhere in the README (Debian refuses it).
    assert not re.findall(r"postgres://[^:@/\s]+@127\.0\.0\.1", readme)
