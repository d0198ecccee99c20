"""Background work yields to page views: no parallel query workers during a rebuild."""

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

