"""Tamper evidence for protected records and guards that check where a row goes
(issue: `UPDATE OR REPLACE` rewrote a submitted scorecard on SQLite; a plain UPDATE
moved entries and evidence from a draft card into a submitted one, on PostgreSQL as
the app role too; no hash covered scorecards; a cut audit tail or an older restore
passed `audit verify`; drop trigger → edit → recreate left no trace). Runs on SQLite
and on PostgreSQL (as the application role when SITECENSUS_TEST_APP_ROLE is set)."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from sitecensus.audit.models import AuditEvent
from sitecensus.audit.services import record
from sitecensus.core import dbtriggers, protection
from sitecensus.core.testing import as_owner, current_role
from sitecensus.scoring.models import Scorecard, ScoreEntry

pytestmark = pytest.mark.django_db
SQLITE = connection.vendor == "sqlite"


def _verify(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
    except Exception as error:  # CommandError: something changed
        return f"{error}\n{err.getvalue()}"
    return "ok " + out.getvalue()


def _cards():
    """A submitted card with entries (sealed when it was submitted) and a draft card."""
    submitted = (Scorecard.objects.filter(status="submitted", entries__isnull=False).distinct()
                 .order_by("id").first())
    draft = Scorecard.objects.filter(status="draft", entries__isnull=False).distinct().order_by("id").first()
    if draft is None:
        draft = Scorecard.objects.create(website=submitted.website, campaign=submitted.campaign,
                                         stage="spotcheck", rubric=submitted.rubric, status="draft",
                                         scorer_unit=submitted.scorer_unit, created_by=submitted.created_by)
        ScoreEntry.objects.create(scorecard=draft, indicator="ZZ9", data={"count": 1})
    return submitted, draft


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _unguarded(tables, sql, params=()):
    """As a DBA (the table owner) with file or owner access would: triggers dropped, the
    edit made, the triggers put back exactly as they were."""
    with as_owner(), connection.cursor() as cursor:
        for table in tables:
            for statement in dbtriggers.drop_sql(connection.vendor, table):
                cursor.execute(statement)
        cursor.execute(sql, params)
        for table in tables:
            for statement in dbtriggers.create_registered_sql(connection.vendor, table, connection):
                cursor.execute(statement)


def test_submitting_seals_the_card_with_its_entries():
    submitted, _ = _cards()
    assert AuditEvent.objects.filter(action="record_sealed", object_type="scoring.scorecard",
                                     object_id=str(submitted.pk)).exists()
    assert _verify().startswith("ok")
    assert "锚点" in _verify()


@pytest.mark.parametrize("table", ["scoring_scoreentry", "evidence_evidencefile"])
def test_rows_cannot_move_into_or_out_of_a_submitted_card(table, demo_users):
    from sitecensus.evidence.models import EvidenceFile

    submitted, draft = _cards()
    if table == "evidence_evidencefile" and not EvidenceFile.objects.filter(scorecard=draft).exists():
        with as_owner():
            EvidenceFile.objects.create(scorecard=draft, kind="png", name="x.png", content=b"\x89PNG",
                                        size=4, sha256="0" * 64, uploaded_by=demo_users["laishui"])
    moving = (ScoreEntry if table == "scoring_scoreentry" else EvidenceFile).objects.filter(scorecard=draft).first()
    before = submitted.entries.count()
    with pytest.raises(DatabaseError), transaction.atomic():  # a plain UPDATE, as the app role
        _sql(f"UPDATE {table} SET scorecard_id = %s WHERE id = %s", [submitted.pk, moving.pk])
    assert submitted.entries.count() == before
    out_of = (ScoreEntry if table == "scoring_scoreentry" else EvidenceFile).objects.filter(
        scorecard=submitted).first()
    if out_of is not None:
        with pytest.raises(DatabaseError), transaction.atomic():
            _sql(f"UPDATE {table} SET scorecard_id = %s WHERE id = %s", [draft.pk, out_of.pk])


@pytest.mark.skipif(not SQLITE, reason="UPDATE OR REPLACE is SQLite's")
@pytest.mark.parametrize("recursive", ["ON", "OFF"])
def test_update_or_replace_cannot_rewrite_a_submitted_card(recursive):
    _sql(f"PRAGMA recursive_triggers = {recursive}")
    submitted, draft = _cards()
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql("UPDATE OR REPLACE scoring_scorecard SET id = %s WHERE id = %s", [submitted.pk, draft.pk])
    entry = draft.entries.first()
    target = submitted.entries.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql("UPDATE OR REPLACE scoring_scoreentry SET id = %s WHERE id = %s", [target.pk, entry.pk])
    assert Scorecard.objects.get(pk=submitted.pk).status == "submitted"
    assert ScoreEntry.objects.filter(pk=target.pk, scorecard=submitted).exists()


def test_verify_names_a_card_edited_behind_the_triggers_back():
    submitted, _ = _cards()
    entry = submitted.entries.order_by("id").first()
    with transaction.atomic():
        _unguarded(["scoring_scoreentry"], "UPDATE scoring_scoreentry SET indicator = 'ZZ8' WHERE id = %s",
                   [entry.pk])
        assert protection.check() == []  # the triggers are back: nothing but the seal notices
        result = _verify()
        assert "校验未通过" in result and f"评分表（编号 {submitted.pk}" in result
        transaction.set_rollback(True)
    with transaction.atomic():
        _unguarded(["scoring_scorecard"], "DELETE FROM scoring_scorecard WHERE id = %s AND 0 = 1", [submitted.pk])
        _unguarded(["scoring_scorecard"], "UPDATE scoring_scorecard SET score = score + 1 WHERE id = %s",
                   [submitted.pk])
        assert f"评分表（编号 {submitted.pk}" in _verify()
        transaction.set_rollback(True)
    assert _verify().startswith("ok")


def test_a_weaker_trigger_put_back_by_hand_is_found_and_reinstalled():
    with as_owner(), transaction.atomic():
        with connection.cursor() as cursor:
            for statement in dbtriggers.drop_sql(connection.vendor, "scoring_scoreentry"):
                cursor.execute(statement)
            # The guard as it was before: it looked only at the row's current (OLD) parent.
            for statement in dbtriggers.create_sql(
                    connection.vendor, "scoring_scoreentry", "x",
                    when="(SELECT status FROM scoring_scorecard WHERE id = OLD.scorecard_id) = 'submitted'"):
                cursor.execute(statement)
        assert "scoring_scoreentry_no_update" in protection.check()
        protection.reinstall_missing(sender=None, using="default")
        assert protection.check() == []
        transaction.set_rollback(True)


def test_anchor_detects_a_cut_tail_or_an_older_copy():
    for n in range(3):
        record("login_failed", username=f"anchor{n}", outcome="failure")
    result = _verify()
    anchor = result.split("锚点 ")[1].split()[0]
    assert _verify("--anchor", anchor).startswith("ok")
    last = AuditEvent.objects.order_by("-id").first()
    with transaction.atomic():
        _unguarded(["audit_auditevent"], "DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
        assert _verify().startswith("ok")  # a cut tail verifies by itself …
        assert "少于锚点" in _verify("--anchor", anchor)  # … but not against the anchor
        transaction.set_rollback(True)
    record("login_failed", username="later", outcome="failure")
    assert _verify("--anchor", anchor).startswith("ok")  # a longer log still holds the anchor
    assert "格式不正确" in _verify("--anchor", "abc")


@pytest.mark.django_db(transaction=True)
def test_backup_prints_an_anchor_that_catches_an_older_restore(tmp_path, live_demo):
    older = tmp_path / "older.backup"
    call_command("backup", str(older), stdout=io.StringIO())
    record("login_failed", username="after-the-older-backup", outcome="failure")
    out = io.StringIO()
    call_command("backup", str(tmp_path / "newer.backup"), stdout=out)
    anchor = out.getvalue().split("锚点 ")[1].split("（")[0]
    call_command("restore", str(older), "--yes", stdout=io.StringIO())
    protection.reset()
    assert _verify().startswith("ok")
    assert "校验未通过" in _verify("--anchor", anchor)


@pytest.mark.skipif(SQLITE, reason="LOCK TABLE and roles are PostgreSQL's")
def test_the_application_role_cannot_lock_the_audit_table():
    if not current_role():
        pytest.skip("runs as the application role (SITECENSUS_TEST_APP_ROLE)")
    for mode in ("ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE"):
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            _sql(f"LOCK TABLE audit_auditevent IN {mode} MODE")
    record("login_failed", username="still-appends", outcome="failure")


def test_approved_sites_signed_results_and_published_notices_are_sealed(demo_users):
    from datetime import date, timedelta

    from sitecensus.registry import services as registry
    from sitecensus.registry.models import Website
    from sitecensus.scoring import services as scoring
    from sitecensus.spotcheck import services as spot
    from sitecensus.spotcheck.models import Batch

    sealed = AuditEvent.objects.filter(action="record_sealed")
    approved = [w for w in Website.objects.filter(status="approved", site_code__isnull=False,
                                                  unit__path__startswith=demo_users["laishui"].unit.path)
                .order_by("id") if sealed.filter(object_type="registry.website", object_id=str(w.pk)).exists()]
    assert len(approved) >= 2
    changed, edited = approved[0], approved[1]
    # A change request legitimately reopens a site: its seal is released, verify stays clean.
    data = dict(changed.data, principal_name="变更人")
    columns = [{k: getattr(c, k) for k in registry.COLUMN_FIELDS} for c in changed.columns.order_by("position")]
    registry.request_change(actor=demo_users["laishui"], website=changed,
                            filing=registry.Filing(basic=data, columns=columns))
    assert _verify().startswith("ok")
    # Returned, the change leaves the approved record as it was: sealed again.
    from sitecensus.accounts.models import User

    changed.refresh_from_db()
    reviewer = User.objects.filter(unit=changed.pending_at, role__in=["organizer", "national_admin"]).first()
    registry.return_record(actor=reviewer, website=changed, reason="变更材料不全")
    assert sealed.filter(object_type="registry.website", object_id=str(changed.pk),
                         details__event="website_returned").exists()
    with transaction.atomic():
        _sql("UPDATE registry_website SET homepage_url = %s WHERE id = %s", ["http://evil.example", changed.pk])
        assert f"网站（编号 {changed.pk}" in _verify()
        transaction.set_rollback(True)
    guoban, second = demo_users["guoban"], demo_users["guoban_fh"]
    today = date.today()
    batch = spot.create_batch(actor=guoban, name="封存", strata_by=[], ratio="100",
                              window_start=today - timedelta(days=7), window_end=today)
    batch = spot.draw(actor=guoban, batch=batch)
    spot.start(actor=guoban, batch=batch)
    for bsite in batch.sites.all():
        scoring.submit_card(actor=guoban, card=spot.review_card(actor=guoban, bsite=bsite),
                            raw_entries={"A2": {"count": 1}})
        spot.sign_off(actor=second, bsite=bsite)
    Batch.objects.filter(pk=batch.pk).update(status="scanned")
    notice = spot.publish(actor=guoban, notice=spot.compose_notice(actor=guoban, batch=batch))
    signed = batch.sites.first()
    assert sealed.filter(object_type="spotcheck.batchsite", object_id=str(signed.pk)).exists()
    assert sealed.filter(object_type="spotcheck.notice", object_id=str(notice.pk)).exists()
    assert _verify().startswith("ok")
    with transaction.atomic():
        _sql("UPDATE registry_website SET name = %s WHERE id = %s", ["改过的网站名称", edited.pk])
        _sql("UPDATE spotcheck_notice SET body = %s WHERE id = %s", ["改过的通报", notice.pk])
        _sql("UPDATE spotcheck_batchsite SET second_reviewer_id = %s WHERE id = %s", [guoban.pk, signed.pk])
        result = _verify()
        assert f"网站（编号 {edited.pk}" in result and f"通报（编号 {notice.pk}" in result
        assert f"抽查复核结果（编号 {signed.pk}" in result
        transaction.set_rollback(True)


def test_a_submitted_report_edited_behind_the_triggers_back_is_named(demo_users):
    from sitecensus.scoring import services as scoring_services

    report = scoring_services.save_report(actor=demo_users["laishui"], narrative="已完成检查。", submit=True)
    assert _verify().startswith("ok")
    with transaction.atomic():
        _unguarded(["scoring_inspectionreport"], "UPDATE scoring_inspectionreport SET narrative = %s WHERE id = %s",
                   ["篡改", report.pk])
        assert f"检查整改情况报告（编号 {report.pk}" in _verify()
        transaction.set_rollback(True)


@pytest.mark.skipif(not SQLITE, reason="UPDATE OR REPLACE is SQLite's")
@pytest.mark.parametrize("verb", ["UPDATE OR REPLACE", "INSERT OR REPLACE"])
def test_a_replace_through_a_partial_unique_index_is_refused(verb):
    """A conflict on a partial unique index (one self-check card per site and campaign) would
    delete the submitted card without a DELETE trigger: the guards read the index's predicate."""
    from sitecensus.registry.models import Website

    _sql("PRAGMA recursive_triggers = OFF")  # as an sqlite3 shell opened by hand
    submitted = Scorecard.objects.filter(status="submitted", stage="self").order_by("id").first()
    taken = Scorecard.objects.filter(campaign=submitted.campaign, stage="self").values("website")
    other = Website.objects.exclude(pk__in=taken).first()
    draft = Scorecard.objects.create(website=other, campaign=submitted.campaign, stage="self",
                                     rubric=submitted.rubric, status="draft",
                                     scorer_unit=submitted.scorer_unit, created_by=submitted.created_by)
    with pytest.raises(DatabaseError, match="不可更改"), transaction.atomic():
        if verb == "UPDATE OR REPLACE":
            _sql("UPDATE OR REPLACE scoring_scorecard SET website_id = %s WHERE id = %s",
                 [submitted.website_id, draft.pk])
        else:
            _sql("INSERT OR REPLACE INTO scoring_scorecard (website_id, campaign_id, stage, rubric_id, status, "
                 "scorer_unit_id, created_by_id, result, no_self_check_reason, is_late, created_at, updated_at) "
                 "SELECT website_id, campaign_id, stage, rubric_id, 'draft', scorer_unit_id, created_by_id, '', '', "
                 "0, created_at, updated_at FROM scoring_scorecard WHERE id = %s", [submitted.pk])
    assert Scorecard.objects.filter(pk=submitted.pk, status="submitted").exists()
    # A draft card of another stage or site still saves.
    Scorecard.objects.filter(pk=draft.pk).update(is_late=True)
