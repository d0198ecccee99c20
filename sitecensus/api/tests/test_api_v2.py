"""Errors in Chinese with stable codes, token scopes and expiry, keyset sync,
the change feed, idempotent writes and the audit log through the API."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sitecensus.api import services
from sitecensus.api.models import ApiToken, Change, IdempotencyKey
from sitecensus.registry.models import Website
from sitecensus.scoring.models import Scorecard

pytestmark = pytest.mark.django_db

ALL = ["registry:write", "scoring:write", "reports:write", "spotcheck:write"]


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token(user, scopes=ALL, days=30):
    return services.create_token(actor=user, name="平台", scopes=scopes, days=days)[1]


def chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_errors_are_chinese_with_stable_codes(client, demo_users):
    raw = token(demo_users["hebei"])
    missing = client.get("/api/sites")
    assert missing.status_code == 401 and missing.json()["code"] == "token_invalid"
    assert chinese(missing.json()["detail"]) and missing["WWW-Authenticate"].startswith("Bearer")
    bad = client.get("/api/sites", **bearer("sc_nope"))
    assert bad.status_code == 401 and bad.json()["code"] == "token_invalid" and chinese(bad.json()["detail"])
    invalid = client.get("/api/sites", {"limit": "abc"}, **bearer(raw)).json()
    assert invalid["code"] == "invalid" and invalid["errors"][0]["msg"] == "应为整数"
    assert invalid["errors"][0]["loc"] == ["query", "limit"] and "limit" in invalid["detail"]
    assert "Input should" not in json.dumps(invalid)
    too_big = client.get("/api/sites", {"limit": 9999}, **bearer(raw)).json()
    assert too_big["errors"][0]["msg"] == "不能大于 500"
    cursor = client.get("/api/sites", {"cursor": "garbage!"}, **bearer(raw))
    assert cursor.status_code == 422 and cursor.json()["code"] == "invalid" and "游标" in cursor.json()["detail"]
    other = Website.objects.get(name="北京市人民政府") if Website.objects.filter(name="北京市人民政府").exists() \
        else Website.objects.exclude(unit__path__startswith=demo_users["hebei"].unit.path).first()
    not_found = client.get(f"/api/sites/{other.pk}", **bearer(raw))
    assert not_found.status_code == 404 and not_found.json()["code"] == "not_found"
    method = client.delete("/api/sites", **bearer(raw))
    assert method.status_code == 405 and method.json()["code"] == "method_not_allowed"
    assert chinese(method.json()["detail"]) and "GET" in method["Allow"]
    schema = client.get("/api/openapi.json").json()
    responses = schema["paths"]["/api/sites"]["get"]["responses"]
    assert {"401", "403", "404", "422"} <= set(responses)
    assert "code" in schema["components"]["schemas"]["ErrorOut"]["properties"]


def test_token_scopes_and_expiry(client, demo_users):
    read_only = token(demo_users["hebei"], scopes=["registry:read"])
    assert client.get("/api/sites", **bearer(read_only)).status_code == 200
    refused = client.get("/api/stats", **bearer(read_only))
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope"
    site = Website.objects.filter(unit=demo_users["hebei_fgw"].unit).first()
    write = client.post(f"/api/sites/{site.pk}/approve", **bearer(read_only))
    assert write.status_code == 403 and write.json()["code"] == "token_scope"
    # Expired: a typed 401.
    ApiToken.objects.filter(token_hash=services.hash_token(read_only)).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get("/api/sites", **bearer(read_only))
    assert expired.status_code == 401 and expired.json()["code"] == "token_expired"
    # Only grants the account may give; expiry bounded.
    from sitecensus.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.create_token(actor=demo_users["hebei_fgw"], name="x", scopes=["spotcheck:read"])
    with pytest.raises(InvalidInput):
        services.create_token(actor=demo_users["hebei"], name="x", scopes=["registry:read"], days=10000)
    with pytest.raises(InvalidInput):
        services.create_token(actor=demo_users["auditadmin"], name="x", scopes=["audit:write"])


def test_last_use_is_kept(client, demo_users):
    raw = token(demo_users["hebei"])
    client.get("/api/sites", REMOTE_ADDR="127.0.0.9", **bearer(raw))
    kept = ApiToken.objects.get(token_hash=services.hash_token(raw))
    assert kept.last_used is not None and kept.last_used_ip == "127.0.0.9"


def test_keyset_paging_covers_the_scope_once_and_updated_since(client, demo_users):
    raw = token(demo_users["hebei"])
    seen, cursor, pages = [], "", 0
    while True:
        page = client.get("/api/sites", {"limit": 3, "cursor": cursor}, **bearer(raw)).json()
        seen += [s["id"] for s in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        if not page["has_more"]:
            break
    expected = set(Website.objects.filter(unit__path__startswith=demo_users["hebei"].unit.path)
                   .values_list("id", flat=True))
    assert len(seen) == len(set(seen)) and set(seen) == expected and pages > 1
    # Nothing changed since the last page: the same cursor returns nothing.
    assert client.get("/api/sites", {"cursor": cursor}, **bearer(raw)).json()["items"] == []
    site = Website.objects.get(pk=seen[0])
    site.save()  # touched: it comes back after the cursor and with updated_since
    again = client.get("/api/sites", {"cursor": cursor}, **bearer(raw)).json()
    assert [s["id"] for s in again["items"]] == [site.pk]
    since = client.get("/api/sites", {"updated_since": site.updated_at.isoformat()}, **bearer(raw)).json()
    assert [s["id"] for s in since["items"]] == [site.pk]


def test_event_feed_is_scoped(client, demo_users):
    hebei, laishui = token(demo_users["hebei"]), token(demo_users["laishui"])
    after = client.get("/api/events", **bearer(hebei)).json()["latest"]
    laishui_site = Website.objects.get(name="涞水县人民政府")
    baoding_site = Website.objects.get(name="保定市人民政府")
    laishui_site.save()
    baoding_site.save()
    feed = client.get("/api/events", {"after": after}, **bearer(hebei)).json()
    assert [(e["kind"], e["object_id"]) for e in feed["items"]] == [("website", laishui_site.pk),
                                                                     ("website", baoding_site.pk)]
    assert feed["next_after"] == feed["items"][-1]["seq"] and not feed["has_more"]
    own = client.get("/api/events", {"after": after}, **bearer(laishui)).json()
    assert [e["object_id"] for e in own["items"]] == [laishui_site.pk]
    assert client.get("/api/events", {"after": feed["next_after"]}, **bearer(hebei)).json()["items"] == []


def test_self_check_through_the_api_is_idempotent_and_final(client, demo_users):
    raw = token(demo_users["hebei_fgw"], scopes=["registry:read", "scoring:write"])
    site = Website.objects.get(name="河北省发展和改革委员会")
    opened = client.post(f"/api/sites/{site.pk}/selfcheck", **bearer(raw))
    assert opened.status_code == 200, opened.content
    card_id = opened.json()["id"]
    filled = client.put(f"/api/scorecards/{card_id}/entries", {"entries": {"A2": {"count": 2}}},
                        content_type="application/json", **bearer(raw))
    assert filled.status_code == 200 and filled.json()["score"] == "98.00"
    bad = client.put(f"/api/scorecards/{card_id}/entries", {"entries": {"A2": {"count": -1}}},
                     content_type="application/json", **bearer(raw))
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and bad.json()["field"] == "A2"
    key = {"HTTP_IDEMPOTENCY_KEY": "selfcheck-1"}
    first = client.post(f"/api/scorecards/{card_id}/submit", **key, **bearer(raw))
    retry = client.post(f"/api/scorecards/{card_id}/submit", **key, **bearer(raw))
    assert first.status_code == retry.status_code == 200 and first.json() == retry.json()
    assert first.json()["status"] == "submitted"
    assert IdempotencyKey.objects.count() == 1
    again = client.post(f"/api/scorecards/{card_id}/submit", **bearer(raw))
    assert again.status_code == 409 and again.json()["code"] == "scoring.scorecard.submit" and chinese(again.json()["detail"])
    other = client.post(f"/api/sites/{site.pk}/selfcheck", **key, **bearer(raw))
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    from sitecensus.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="scorecard_submitted", object_id=str(card_id)).count() == 1
    # Another unit's token does not see the card.
    stranger = token(demo_users["hebei_jyt"], scopes=["scoring:read"])
    assert client.get(f"/api/scorecards/{card_id}", **bearer(stranger)).status_code == 404
    assert card_id not in [c["id"] for c in client.get("/api/scorecards", **bearer(stranger)).json()["items"]]
    assert Scorecard.objects.get(pk=card_id).is_submitted


def test_review_return_and_bulk_follow_the_ui_rules(client, demo_users):
    pending = Website.objects.filter(status="submitted").select_related("pending_at").first()
    reviewer = next(u for u in demo_users.values() if u.unit_id == pending.pending_at_id and u.role == "organizer")
    raw = token(reviewer)
    no_reason = client.post(f"/api/sites/{pending.pk}/return", {"reason": ""}, content_type="application/json",
                            **bearer(raw))
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["msg"].startswith("至少")
    returned = client.post(f"/api/sites/{pending.pk}/return", {"reason": "栏目不全"},
                           content_type="application/json", **bearer(raw))
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "栏目不全"
    bulk = client.post("/api/review/bulk", {"action": "approve", "ids": [pending.pk, 2**40]},
                       content_type="application/json", **bearer(raw)).json()
    assert bulk["done"] == [] and {r["id"] for r in bulk["refused"]} == {pending.pk, 2**40}


def test_approve_return_and_undo_are_checked_alike_and_undo_takes_back_an_approval(client, demo_users):
    """The three review steps share one shape: a token that may not write the registry is refused on
    each, a site outside the caller's scope is not found on each, and undo restores the site to the
    level that approved it."""
    pending = Website.objects.filter(status="submitted", pending_at__depth__gt=1).select_related("pending_at").first()
    reviewer = next(u for u in demo_users.values() if u.unit_id == pending.pending_at_id and u.role == "organizer")
    read_only, raw = token(reviewer, scopes=["registry:read"]), token(reviewer)
    elsewhere = Website.objects.exclude(unit__path__startswith=reviewer.unit.path).first()
    for step in ("approve", "return", "undo"):
        refused = client.post(f"/api/sites/{pending.pk}/{step}", {"reason": "栏目不全"},
                              content_type="application/json", **bearer(read_only))
        assert refused.status_code == 403 and refused.json()["code"] == "token_scope", step
        unseen = client.post(f"/api/sites/{elsewhere.pk}/{step}", {"reason": "栏目不全"},
                             content_type="application/json", **bearer(raw))
        assert unseen.status_code == 404, step
    approved = client.post(f"/api/sites/{pending.pk}/approve", **bearer(raw))
    assert approved.status_code == 200 and approved.json()["id"] == pending.pk
    above = Website.objects.get(pk=pending.pk)
    assert above.in_review and above.pending_at_id != pending.pending_at_id  # now with the level above
    undone = client.post(f"/api/sites/{pending.pk}/undo", **bearer(raw))
    assert undone.status_code == 200 and undone.json()["status"] == "submitted"
    assert Website.objects.get(pk=pending.pk).pending_at_id == pending.pending_at_id


def test_audit_log_for_the_audit_administrator_only(client, demo_users):
    audit = token(demo_users["auditadmin"], scopes=["audit:read"])
    page = client.get("/api/audit/events", {"limit": 5}, **bearer(audit)).json()
    assert len(page["items"]) == 5 and page["has_more"]
    nxt = client.get("/api/audit/events", {"limit": 5, "cursor": page["next_cursor"]}, **bearer(audit)).json()
    assert nxt["items"][0]["id"] > page["items"][-1]["id"]
    national = token(demo_users["guoban"])
    assert client.get("/api/audit/events", **bearer(national)).status_code == 404
    assert client.get("/api/sites", **bearer(audit)).status_code == 403


def test_spot_check_batches_for_their_organizers_only(client, demo_users):
    from sitecensus.spotcheck import services as spot_services
    from sitecensus.spotcheck.models import BatchSite

    organizer = demo_users["hebei"]
    today = timezone.localdate()
    batch = spot_services.create_batch(actor=organizer, name="省级抽查", strata_by=[], ratio="100",
                                       window_start=today - timedelta(days=7), window_end=today)
    batch = spot_services.draw(actor=organizer, batch=batch)
    assert BatchSite.objects.filter(batch=batch).exists()
    raw = token(organizer, scopes=["spotcheck:read"])
    listed = client.get("/api/spotcheck/batches", **bearer(raw)).json()
    assert batch.pk in [b["id"] for b in listed["items"]]
    mine = next(b for b in listed["items"] if b["id"] == batch.pk)
    assert (mine["round"], mine["is_late"]) == ("未关联抽查轮次", False)  # no rounds in the demo: said in words
    sites = client.get(f"/api/spotcheck/batches/{batch.pk}/sites", {"limit": 500}, **bearer(raw)).json()
    assert {s["id"] for s in sites["items"]} == set(BatchSite.objects.filter(batch=batch).values_list("id", flat=True))
    outsider = token(demo_users["laishui"], scopes=["spotcheck:read"])
    assert client.get(f"/api/spotcheck/batches/{batch.pk}/sites", **bearer(outsider)).status_code == 404
    assert client.get("/api/spotcheck/batches", **bearer(outsider)).status_code == 403
