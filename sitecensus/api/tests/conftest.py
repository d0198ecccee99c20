import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _events_numbered_at_once(request):
    """Events are numbered when their transaction commits (migration 0003), and a test's
    transaction never commits: on PostgreSQL, number them as they are written instead.
    Tests that commit for real (transactional_db, live servers) keep the commit-time numbering."""
    transactional = {"transactional_db", "live_server", "live_demo"} & set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if transactional or (marker and marker.kwargs.get("transaction")) or not (
            marker or "db" in request.fixturenames):
        yield
        return
    request.getfixturevalue("db")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS api_change_number IMMEDIATE")
    yield
