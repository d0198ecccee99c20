"""Transactions commit out of order: a site saved (its updated_at stamped) inside
a transaction that commits after another, later-stamped change has already been
synced. The recommended overlap of `updated_since` and the event feed (numbered
in commit order) still deliver it; resuming with an old keyset cursor does not,
which is why the README says to resume with an overlap or the feed.

PostgreSQL only: SQLite runs one write transaction at a time."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from sitecensus.accounts.models import User
from sitecensus.api import services
from sitecensus.registry.models import Website

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serializes write transactions")

MARGIN = timedelta(minutes=10)  # the overlap the README recommends (longer than any write transaction)


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def sync_sites(client, raw, since) -> tuple[set[int], str]:
    seen, cursor = set(), ""
    while True:
        page = client.get("/api/sites", {"updated_since": since.isoformat(), "cursor": cursor, "limit": 500},
                          **bearer(raw)).json()
        seen |= {s["id"] for s in page["items"]}
        cursor = page["next_cursor"] or cursor
        if not page["has_more"]:
            return seen, cursor


def follow(client, raw, after) -> tuple[set[int], int]:
    seen = set()
    while True:
        page = client.get("/api/events", {"after": after}, **bearer(raw)).json()
        seen |= {e["object_id"] for e in page["items"] if e["kind"] == "website"}
        after = page["next_after"]
        if not page["has_more"]:
            return seen, after


def test_a_late_commit_is_seen_by_the_overlap_and_the_feed(client, live_demo):
    organizer = User.objects.get(username="laishui")
    raw = services.create_token(actor=organizer, name="镜像", days=30, scopes=["registry:read"])[1]
    late, early = Website.objects.filter(unit__path__startswith=organizer.unit.path).order_by("id")[:2]
    start = client.get("/api/events", **bearer(raw)).json()["latest"]
    saved, release, done = threading.Event(), threading.Event(), threading.Event()
    before = timezone.now()

    def slow_writer():
        try:
            with transaction.atomic():
                site = Website.objects.get(pk=late.pk)
                site.return_reason = "长事务中的修改"
                site.save()  # updated_at stamped now, committed only later
                saved.set()
                release.wait(30)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert saved.wait(30)
    site = Website.objects.get(pk=early.pk)
    site.return_reason = "随后提交的修改"
    site.save()  # stamped later, committed first
    first_sync_at = timezone.now()
    seen, cursor = sync_sites(client, raw, before)
    assert early.pk in seen and late.pk not in seen  # not committed yet
    fed, after = follow(client, raw, start)
    assert fed == {early.pk}
    release.set()
    assert done.wait(30)
    thread.join()
    stamped = Website.objects.get(pk=late.pk).updated_at
    assert stamped < Website.objects.get(pk=early.pk).updated_at  # committed late, stamped early
    # The recommended overlap: the next sync asks from the previous sync's start minus the margin.
    again, _ = sync_sites(client, raw, first_sync_at - MARGIN)
    assert late.pk in again
    # The feed, numbered in commit order, delivers it after what it already served.
    fed, _ = follow(client, raw, after)
    assert fed == {late.pk}
    # Resuming with the old keyset cursor alone would miss it: (updated_at, id) is behind the cursor.
    page = client.get("/api/sites", {"cursor": cursor, "limit": 500}, **bearer(raw)).json()
    assert late.pk not in {s["id"] for s in page["items"]}
