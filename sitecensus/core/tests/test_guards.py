"""Database guards that hold (issue: REPLACE INTO, UPSERT and TRUNCATE got
round the triggers; the app's role owned the tables; nothing checked at
start-up; the audit log had no tamper evidence). Runs on SQLite and PostgreSQL."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from sitecensus.audit.models import AuditEvent
from sitecensus.audit.services import record
from sitecensus.core import dbroles, dbtriggers, protection
from sitecensus.core.testing import as_owner, current_role
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import InspectionReport, Scorecard

pytestmark = pytest.mark.django_db
SQLITE = connection.vendor == "sqlite"


def _row(table, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        columns = [d[0] for d in cursor.description]
        return dict(zip(columns, cursor.fetchone()))


def _replace(table, row, verb="REPLACE INTO"):
    columns = list(row)
    sql = f"{verb} {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [row[c] if not isinstance(row[c], dict) else str(row[c]) for c in columns])


def _upsert(table, row, column, value):
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (id, {column}) VALUES (%s, %s) "
                       f"ON CONFLICT (id) DO UPDATE SET {column} = excluded.{column}", [row["id"], value])


def _submitted_card():
    return Scorecard.objects.filter(status="submitted").order_by("id").first()


def _submitted_report(demo_users):
    return scoring_services.save_report(actor=demo_users["laishui"], narrative="已完成检查。", submit=True)


@pytest.mark.skipif(not SQLITE, reason="REPLACE INTO is SQLite's")
@pytest.mark.parametrize("recursive", ["ON", "OFF"])
def test_replace_into_cannot_rewrite_a_submitted_scorecard_or_report_or_an_audit_row(demo_users, recursive):
    # OFF: an sqlite3 shell opened by hand does not set recursive_triggers.
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA recursive_triggers = {recursive}")
    card = _submitted_card()
    report = _submitted_report(demo_users)
    event = AuditEvent.objects.order_by("id").first()
    for table, pk, changes in (("scoring_scorecard", card.pk, {"score": 100, "result": "合格"}),
                               ("scoring_inspectionreport", report.pk, {"narrative": "篡改"}),
                               ("audit_auditevent", event.pk, {"action": "logout", "actor_username": "nobody"})):
        row = {**_row(table, pk), **changes}
        for verb in ("REPLACE INTO", "INSERT OR REPLACE INTO"):
            with pytest.raises(DatabaseError), transaction.atomic():
                _replace(table, row, verb)
    assert Scorecard.objects.get(pk=card.pk).score == card.score
    assert InspectionReport.objects.get(pk=report.pk).narrative == "已完成检查。"
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_upsert_cannot_rewrite_a_submitted_scorecard_or_an_audit_row():
    card = _submitted_card()
    with pytest.raises(DatabaseError), transaction.atomic():
        _upsert("scoring_scorecard", _row("scoring_scorecard", card.pk), "score", 100)
    event = AuditEvent.objects.order_by("id").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        _upsert("audit_auditevent", _row("audit_auditevent", event.pk), "action", "logout")
    assert Scorecard.objects.get(pk=card.pk).score == card.score


def test_draft_rows_and_new_audit_rows_still_insert():
    draft = Scorecard.objects.filter(status="draft").first()
    row = _row("scoring_scorecard", draft.pk)
    if SQLITE:
        _replace("scoring_scorecard", {**row, "score": 1})  # unprotected rows stay writable
    assert record("login_failed", username="x", outcome="failure").pk


@pytest.mark.skipif(SQLITE, reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_every_protected_table():
    for table in dbtriggers.PROTECTED_TABLES:
        with as_owner():  # even the owner: the statement trigger refuses it
            with pytest.raises(DatabaseError), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"TRUNCATE {table} CASCADE")
    assert Scorecard.objects.filter(status="submitted").exists()


@pytest.mark.skipif(SQLITE, reason="PostgreSQL roles")
def test_the_application_role_cannot_touch_triggers_or_truncate():
    role = current_role()
    if role is None:
        pytest.skip("the suite runs as the owner (set SITECENSUS_TEST_APP_ROLE, as .ci/run does)")
    rights = dbroles.privileges(connection, role)
    assert rights and not any(r["trigger"] or r["truncate"] or r["owner"] for r in rights.values())
    for statement in ("ALTER TABLE scoring_scorecard DISABLE TRIGGER ALL",
                      "DROP TRIGGER scoring_scorecard_no_update ON scoring_scorecard",
                      "TRUNCATE audit_auditevent", "DROP TABLE audit_auditevent CASCADE"):
        with pytest.raises(DatabaseError, match="(?i)permission denied|must be owner|拒绝|owner"), \
                transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)


def test_startup_refuses_to_serve_without_a_protection_trigger():
    protection.reset()
    assert protection.check() == []
    protection.require()
    protection.reset()
    try:
        with as_owner(), transaction.atomic():
            with connection.cursor() as cursor:
                drop = "DROP TRIGGER scoring_scorecard_no_update" + ("" if SQLITE else " ON scoring_scorecard")
                cursor.execute(drop)
            assert protection.check() == ["scoring_scorecard_no_update"]
            with pytest.raises(ImproperlyConfigured, match="scoring_scorecard_no_update"):
                protection.require()
            response = Client().get("/accounts/login/")
            assert response.status_code == 503 and "拒绝提供服务" in response.content.decode()
            transaction.set_rollback(True)
    finally:
        protection.reset()
    assert protection.check() == []


def _tamper(sql, params=()):
    with as_owner(), connection.cursor() as cursor:
        for statement in dbtriggers.drop_sql(connection.vendor, "audit_auditevent"):
            cursor.execute(statement)
        cursor.execute(sql, params)


def _verify():
    try:
        call_command("audit", "verify")
    except Exception as error:  # CommandError: the chain is broken
        return str(error)
    return "ok"


@pytest.mark.parametrize("attack", ["edit", "delete", "insert"])
def test_audit_verify_detects_an_edited_deleted_or_inserted_row(attack):
    for n in range(3):
        record("login_failed", username=f"probe{n}", outcome="failure")
    assert _verify() == "ok"
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    middle = ids[len(ids) // 2]
    with transaction.atomic():
        if attack == "edit":
            _tamper("UPDATE audit_auditevent SET actor_username = 'someone' WHERE id = %s", [middle])
        elif attack == "delete":
            _tamper("DELETE FROM audit_auditevent WHERE id = %s", [middle])
        else:
            row = _row("audit_auditevent", middle)
            row.update(id=max(ids) + 1000, action="login", prev_hash=row["chain_hash"],
                       at=AuditEvent.objects.get(pk=middle).at)  # the same instant, time-zone aware
            _tamper("SELECT 1")  # the triggers lifted; the forged row is appended after the tail
            AuditEvent.objects.bulk_create([AuditEvent(**{k: v for k, v in row.items() if k != "actor_id"},
                                                       actor_id=row["actor_id"])])
        assert "校验未通过" in _verify()
        transaction.set_rollback(True)
    assert _verify() == "ok"


def test_migrate_reinstalls_a_missing_protection_trigger():
    with as_owner(), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update" + ("" if SQLITE else " ON audit_auditevent"))
        assert protection.check() == ["audit_auditevent_no_update"]
        protection.reinstall_missing(sender=None, using="default")
        assert protection.check() == []
        transaction.set_rollback(True)
