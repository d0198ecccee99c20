"""Background work yields to page views: no parallel query workers during a rebuild, no JIT
compilation, and sorts in memory (BACKGROUND_WORK_MEM); the session's settings put back after."""

import pytest
from django.db import connection

from sitecensus.core.db import background

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_background_turns_parallel_query_off_and_back():
    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    before = setting()
    with background():
        assert setting() == "0"
    assert setting() == before



@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL settings")
def test_background_compiles_nothing_sorts_in_memory_and_puts_both_back(settings):
    def show(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    settings.BACKGROUND_WORK_MEM = "48MB"
    before = {name: show(name) for name in ("jit", "work_mem")}
    assert before["work_mem"] != "48MB"
    with background():
        assert show("jit") == "off" and show("work_mem") == "48MB"
    assert {name: show(name) for name in ("jit", "work_mem")} == before


def test_the_rebuild_sorts_in_more_memory_than_the_servers_default():
    from django.conf import settings

    number, unit = int(settings.BACKGROUND_WORK_MEM[:-2]), settings.BACKGROUND_WORK_MEM[-2:]
    assert unit in ("MB", "GB") and (number if unit == "MB" else number * 1024) >= 16
