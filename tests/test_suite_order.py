"""Every test finds the demo, whatever ran before it on its worker: a transactional test's flush
(the test runner empties the tables after it) loads the demo again (the root conftest.py), so the
suite runs in any order (pytest-randomly) and on any split across workers (pytest-xdist)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_demo_for_the_tests_after_it():
    from sitecensus.accounts.models import User
    from sitecensus.registry.models import Website

    User.objects.filter(username="laishui").update(email="changed@example.test")
    call_command("flush", "--noinput")  # what the runner does after a transactional test
    assert User.objects.get(username="laishui").email != "changed@example.test"
    assert Website.objects.filter(site_code="1306230002").exists()


def test_a_rolled_back_test_finds_the_demo(demo_users):
    assert {"guoban", "laishui", "laishui_lsz", "sysadmin"} <= set(demo_users)


@pytest.mark.django_db(transaction=True)
def test_a_flush_keeps_the_divisions_and_loads_them_again_when_a_test_changed_them():
    from sitecensus.orgs.models import Division

    loaded = Division.objects.count()
    first = Division.objects.order_by("pk").first().pk
    call_command("flush", "--noinput")
    assert Division.objects.order_by("pk").first().pk == first  # kept (not loaded anew)
    Division.objects.filter(pk=Division.objects.filter(level=Division.Level.TOWNSHIP).order_by("-code")[0].pk).delete()
    call_command("flush", "--noinput")
    assert Division.objects.count() == loaded


def test_leaving_out_browser_tests_leaves_out_only_those_that_drive_a_browser():
    from types import SimpleNamespace

    from conftest import is_browser_test

    # (fixturenames: the test's whole fixture closure, so `page` brings `context` and `browser`)
    assert is_browser_test(SimpleNamespace(fixturenames=["site", "page", "context", "browser", "live_server"]))
    assert not is_browser_test(SimpleNamespace(fixturenames=["live_server", "live_demo", "client"]))
    assert not is_browser_test(SimpleNamespace(fixturenames=["client", "page"]))  # a parameter named page


def test_the_browser_shares_run_each_browser_test_once():
    import pytest

    from conftest import keeps_browser_test

    ids = [f"tests/e2e/test_{n}.py::test_{m}[chromium]" for n in range(12) for m in range(5)]
    halves = [{i for i in ids if keeps_browser_test(i, f"{k}/2")} for k in (1, 2)]
    assert halves[0] and halves[1] and not halves[0] & halves[1] and halves[0] | halves[1] == set(ids)
    thirds = [{i for i in ids if keeps_browser_test(i, f"{k}/3")} for k in (1, 2, 3)]
    assert sum(map(len, thirds)) == len(ids) and set().union(*thirds) == set(ids)
    assert all(keeps_browser_test(i, "1") for i in ids) and not any(keeps_browser_test(i, "0") for i in ids)
    with pytest.raises(pytest.UsageError):
        keeps_browser_test(ids[0], "3/2")


def test_the_django_free_tests_are_the_contract_s_packages_and_open_no_database():
    """What SITECENSUS_TEST_DJANGO_FREE=0 leaves out (CI's PostgreSQL run): the tests under the packages
    .importlinter keeps free of Django, and nothing else."""
    import re
    from pathlib import Path

    from conftest import django_free_packages, is_django_free

    packages = django_free_packages()
    assert packages == ["sitecensus.scanner.engine", "sitecensus.registry.formspec"]
    root = Path(__file__).resolve().parents[1]
    free = [p.relative_to(root).as_posix() for package in packages
            for p in (root / package.replace(".", "/")).rglob("test_*.py")]
    assert len(free) > 20 and all(is_django_free(f"{f}::test_x", packages) for f in free)
    for path in free:  # the contract covers the tests too: not one of them can reach a database
        assert not re.search(r"^\s*(import|from)\s+(django|pytest_django)\b|django_db|\bdb\b\s*[,)]",
                             (root / path).read_text(encoding="utf-8"), re.M), path
    for kept in ("sitecensus/scanner/tests/test_scanner.py::test_x", "sitecensus/registry/tests/test_imports.py::t",
                 "sitecensus/scanner/engine_extra/test_a.py::t", "tests/test_hermetic.py::t"):
        assert not is_django_free(kept, packages), kept


def test_a_worker_database_is_named_after_the_run_s_template():
    from tests.demo_database import template_name

    assert template_name("test_sitecensus_ci_gw0") == template_name("test_sitecensus_ci_gw12") \
        == "test_sitecensus_ci_template"
    assert template_name("test_sitecensus") == "test_sitecensus_template"  # no worker suffix
    assert len(template_name("t" * 80 + "_gw0")) == 63  # PostgreSQL's longest name


def test_after_a_flush_a_sqlite_worker_gets_the_template_back(tmp_path, monkeypatch):
    import sqlite3
    from types import SimpleNamespace

    from tests import demo_database

    template = tmp_path / "template.sqlite3"
    with sqlite3.connect(template) as built:
        built.execute("CREATE TABLE unit (name TEXT)")
        built.execute("INSERT INTO unit VALUES ('涞水县人民政府办公室')")
    worker = SimpleNamespace(vendor="sqlite", connection=sqlite3.connect(":memory:"))
    worker.connection.execute("CREATE TABLE unit (name TEXT)")  # emptied by the flush
    monkeypatch.setattr(demo_database, "_template", None)
    assert not demo_database.restore(worker)  # no template (one process): the caller loads the demo
    monkeypatch.setattr(demo_database, "_template", str(template))
    assert not demo_database.restore(SimpleNamespace(vendor="postgresql", connection=None))
    assert demo_database.restore(worker)
    assert worker.connection.execute("SELECT name FROM unit").fetchall() == [("涞水县人民政府办公室",)]


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_a_postgresql_worker_gets_the_demo_back_from_its_snapshot():
    from django.db import connection

    from sitecensus.accounts.models import User
    from tests import demo_database

    if connection.vendor != "postgresql" or not demo_database._snapshot_tables:
        pytest.skip("PostgreSQL 的 pytest-xdist 工作进程才有演示数据快照")
    User.objects.filter(username="laishui").update(email="changed@example.test")
    call_command("flush", "--noinput")

    def differing(cursor, table):
        cursor.execute(f'SELECT (SELECT count(*) FROM (SELECT * FROM public."{table}" EXCEPT ALL '
                       f'SELECT * FROM {demo_database.SNAPSHOT}."{table}") gained), '
                       f'(SELECT count(*) FROM (SELECT * FROM {demo_database.SNAPSHOT}."{table}" EXCEPT ALL '
                       f'SELECT * FROM public."{table}") lost)')
        return cursor.fetchone()

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = cursor.fetchone()[0]
        cursor.execute("RESET ROLE")
        try:
            assert {table: differing(cursor, table) for table in demo_database._snapshot_tables} == \
                {table: (0, 0) for table in demo_database._snapshot_tables}
            assert "accounts_user" in demo_database._snapshot_tables
        finally:
            cursor.execute(f'SET ROLE "{role}"')
    assert User.objects.get(username="laishui").email != "changed@example.test"
    # Each id sequence continues past the rows put back: a new row takes a free id.
    laishui = User.objects.get(username="laishui")
    added = User.objects.create(username="after_flush", unit=laishui.unit, role=laishui.role)
    assert added.pk > max(User.objects.exclude(pk=added.pk).values_list("pk", flat=True))


def test_the_once_tests_run_in_ci_s_postgresql_run_and_are_left_out_of_its_sqlite_run():
    """What SITECENSUS_TEST_ONCE=0 leaves out: the tests marked `once` and nothing else; .ci/run sets it
    in its SQLite run and not in its PostgreSQL run, so each runs exactly once in CI."""
    import re
    from pathlib import Path
    from types import SimpleNamespace

    from conftest import keeps_once_test

    def item(*marks):
        return SimpleNamespace(get_closest_marker=lambda name: name if name in marks else None)

    assert keeps_once_test(item("once"), "1") and keeps_once_test(item(), "1") and keeps_once_test(item(), "0")
    assert not keeps_once_test(item("once"), "0") and keeps_once_test(item("django_db"), "0")
    root = Path(__file__).resolve().parents[1]
    for path in ("tests/test_cli_help.py", "sitecensus/api/tests/test_schemathesis.py"):
        assert re.search(r"^pytestmark = pytest\.mark\.once$", (root / path).read_text(encoding="utf-8"), re.M), path
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    sqlite = next(line for line in ci.splitlines() if line.startswith("run sqlite "))
    postgresql = next(line for line in ci.splitlines() if "SITECENSUS_TEST_BROWSERS=2/2" in line)
    assert re.search(r"\bSITECENSUS_TEST_ONCE=0\b", sqlite) and "SITECENSUS_TEST_ONCE" not in postgresql
