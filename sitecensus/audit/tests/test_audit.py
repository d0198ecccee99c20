import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from sitecensus.audit.models import AuditEvent
from sitecensus.audit.services import record

pytestmark = pytest.mark.django_db
TABLE = AuditEvent._meta.db_table
# The trigger's message; on PostgreSQL as the application role, which holds only INSERT and
# SELECT on the log (it cannot LOCK it either), the privilege check refuses first.
REFUSED = "审计日志只允许追加|permission denied for table"


@pytest.fixture
def event():
    return record("unit_changed", object_repr="测试", note="x")


def test_raw_sql_update_is_refused(event):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET action = 'tampered' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.action == "unit_changed"


def test_raw_sql_delete_is_refused(event):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_orm_update_and_delete_are_refused(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(outcome="failure")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).outcome == "success"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists only on PostgreSQL")
def test_truncate_is_refused_on_postgresql(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")


def test_only_the_audit_administrator_reads_it(client, demo_users):
    for username in ("guoban", "sysadmin", "secadmin", "hebei", "laishui_lsz"):
        client.force_login(demo_users[username])
        assert client.get(reverse("audit:event_list")).status_code == 404
        assert client.get(reverse("audit:event_export")).status_code == 404
    assert AuditEvent.objects.filter(action="access_denied", actor_username="secadmin").exists()
    client.force_login(demo_users["auditadmin"])
    page = client.get(reverse("audit:event_list"), {"action": "account_issued"})
    assert page.status_code == 200 and "发放账号" in page.content.decode()
    export = client.get(reverse("audit:event_export"))
    assert export.status_code == 200
    assert AuditEvent.objects.filter(action="audit_exported", actor_username="auditadmin").exists()


def test_audit_filters(client, demo_users):
    client.force_login(demo_users["auditadmin"])
    for params in ({"since": "2000-01-01", "until": "2999-12-31"}, {"since": "bad"}, {"outcome": "failure"},
                   {"user": "hebei"}):
        assert client.get(reverse("audit:event_list"), params).status_code == 200


def test_deferred_events_are_chained_at_the_end_and_roll_back_with_the_change():
    from sitecensus.audit import chain
    from sitecensus.audit.services import deferred

    with transaction.atomic(), deferred():
        record("unit_changed", object_repr="甲")
        record("unit_changed", object_repr="乙")
        assert not AuditEvent.objects.filter(object_repr__in=["甲", "乙"]).exists()  # not yet written
    assert list(AuditEvent.objects.filter(object_repr__in=["甲", "乙"]).order_by("id")
                .values_list("object_repr", flat=True)) == ["甲", "乙"]
    with pytest.raises(RuntimeError), transaction.atomic(), deferred():
        record("unit_changed", object_repr="丙")
        raise RuntimeError
    assert not AuditEvent.objects.filter(object_repr="丙").exists()
    rows, problems, _ = chain.verify(AuditEvent.objects.all())
    assert rows >= 2 and problems == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the chain's lock is PostgreSQL's advisory lock")
def test_a_long_deferred_block_does_not_hold_the_logs_lock():
    """An import chunk records its events deferred: another user's event is written at once
    while the chunk is still running (before, it waited for the chunk's commit)."""
    import threading

    from django.db import connections

    from sitecensus.audit import chain
    from sitecensus.audit.services import deferred

    other_done = threading.Event()

    def other_user():
        try:
            record("unit_changed", object_repr="另一用户")
            other_done.set()
        finally:
            connections.close_all()

    with transaction.atomic(), deferred():
        record("unit_changed", object_repr="导入中")
        worker = threading.Thread(target=other_user)
        worker.start()
        assert other_done.wait(20), "another user's audit event waited for the long block"
    worker.join()
    rows, problems, _ = chain.verify(AuditEvent.objects.all())
    assert problems == []
