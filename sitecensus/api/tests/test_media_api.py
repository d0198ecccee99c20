"""政务新媒体 in the API: the full record of accounts in scope, `updated_since` + cursor sync, one
account by id (404 out of scope), and the change feed (kind "media") — bulk writes included."""

import pytest

from sitecensus.api import services as api_services
from sitecensus.newmedia import services
from sitecensus.newmedia.models import MediaAccount
from sitecensus.newmedia.testing import sample_values

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token(user, scopes=("registry:read",)):
    return api_services.create_token(actor=user, name="新媒体同步", days=30, scopes=list(scopes))[1]


def test_accounts_sync_and_feed(client, demo_users):
    u = demo_users
    clerk = u["laishui_lsz"]
    raw = token(u["laishui"])
    latest = client.get("/api/events", **bearer(raw)).json()["latest"]
    account = services.file_account(actor=clerk, unit=clerk.unit, values=sample_values(
        unit_name=clerk.unit.name, url="https://weibo.example.cn/lsz"))
    account = services.approve(actor=u["laishui"], account=account)
    page = client.get("/api/media", **bearer(raw)).json()
    (row,) = [r for r in page["items"] if r["id"] == account.pk]
    assert row["platform"] == "微信公众号" and row["url"] == "https://weibo.example.cn/lsz"
    assert row["status"] == "submitted" and row["unit"] == clerk.unit.name and row["opened_on"] == "2019-03-01"
    assert row["pending_at_id"] == u["baoding"].unit_id
    since = row["updated_at"]
    assert client.get("/api/media", {"updated_since": since}, **bearer(raw)).json()["items"][0]["id"] == account.pk
    one = client.get(f"/api/media/{account.pk}", **bearer(raw))
    assert one.status_code == 200 and one.json()["certified_subject"] == clerk.unit.name
    events = client.get("/api/events", {"after": latest}, **bearer(raw)).json()["items"]
    assert ("media", account.pk) in {(e["kind"], e["object_id"]) for e in events}
    latest = client.get("/api/events", **bearer(raw)).json()["latest"]
    MediaAccount.objects.filter(pk=account.pk).update(last_post_on="2025-06-01")  # a bulk write
    events = client.get("/api/events", {"after": latest}, **bearer(raw)).json()["items"]
    assert [(e["kind"], e["object_id"]) for e in events] == [("media", account.pk)]


def test_scope_and_token_rights(client, demo_users):
    u = demo_users
    clerk = u["laishui_lsz"]
    account = services.file_account(actor=clerk, unit=clerk.unit, values=sample_values(unit_name=clerk.unit.name))
    other = token(u["laishui_jyj"])
    assert client.get(f"/api/media/{account.pk}", **bearer(other)).status_code == 404
    assert all(r["id"] != account.pk for r in client.get("/api/media", **bearer(other)).json()["items"])
    no_scope = token(u["laishui"], scopes=("scoring:read",))
    assert client.get("/api/media", **bearer(no_scope)).status_code == 403
