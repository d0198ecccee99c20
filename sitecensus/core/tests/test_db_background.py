"""Background work yields to page views: no parallel query workers during a rebuild, and a
job's many scopes are spread over time rather than run in one burst."""

import time

import pytest
from django.db import connection

from sitecensus.core.db import background, paced

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


def test_paced_rests_as_long_as_it_worked_at_half_duty():
    started = time.perf_counter()
    for _ in paced(range(3), duty=0.5):
        time.sleep(0.05)
    assert time.perf_counter() - started >= 0.29
