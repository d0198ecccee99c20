"""core.db.counts: each queryset's count, as .count() gives it, from one statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitecensus.core import db

pytestmark = pytest.mark.django_db


def test_counts_are_the_querysets_counts_in_one_statement(demo_users):
    from sitecensus.orgs.models import Unit
    from sitecensus.registry.models import Website

    hebei = demo_users["hebei"].unit
    querysets = {
        "units": Unit.objects.all(),
        "hebei": Unit.objects.filter(path__startswith=hebei.path).order_by("-path"),
        "distinct": Website.objects.filter(unit__path__startswith=hebei.path).select_related("unit").distinct(),
        "annotated": Unit.objects.filter(path__startswith=hebei.path, depth=hebei.depth + 1).exclude(
            pk__in=Website.objects.values("unit")),
        "nothing": Unit.objects.none(),
        "empty_in": Unit.objects.filter(pk__in=[]),
    }
    expected = {name: qs.count() for name, qs in querysets.items()}
    assert expected["hebei"] > 1 and 0 < expected["distinct"] < Website.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        got = db.counts(querysets)
    assert got == expected and list(got) == list(querysets)
    assert len(ctx.captured_queries) == 1


def test_counts_of_nothing_send_nothing():
    with CaptureQueriesContext(connection) as ctx:
        assert db.counts({}) == {}
    assert ctx.captured_queries == []
