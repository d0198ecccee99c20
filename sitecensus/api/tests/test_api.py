import pytest

from sitecensus.api import services
from sitecensus.api.models import ApiToken
from sitecensus.core.errors import NotAllowed, NotFound
from sitecensus.registry.models import Website

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def laishui_token(demo_users):
    return services.create_token(actor=demo_users["laishui"], name="涞水县平台",
                                 scopes=["registry:read", "reports:read", "scoring:write"])[1]


def test_token_of_laishui_sees_its_sites_and_404_for_hebeis(client, laishui_token, demo_users):
    listing = client.get("/api/sites", {"limit": 500}, **bearer(laishui_token)).json()
    laishui_path = demo_users["laishui"].unit.path
    expected = Website.objects.filter(unit__path__startswith=laishui_path)
    assert listing["has_more"] is False
    assert {s["id"] for s in listing["items"]} == set(expected.values_list("id", flat=True))
    own = expected.get(name="涞水县人民政府")
    one = client.get(f"/api/sites/{own.pk}", **bearer(laishui_token))
    assert one.status_code == 200 and len(one.json()["columns"]) == own.columns.count() > 0
    assert one["Cache-Control"] == "no-store"
    hebei_site = Website.objects.get(name="河北省人民政府")
    response = client.get(f"/api/sites/{hebei_site.pk}", **bearer(laishui_token))
    assert response.status_code == 404 and "不在您的权限范围内" in response.json()["detail"]
    stats = client.get("/api/stats", **bearer(laishui_token)).json()
    assert stats["unit"] == "涞水县人民政府办公室" and stats["summary"]["sites"] == expected.count()


def test_bad_and_revoked_tokens_are_401(client, laishui_token, demo_users):
    for headers in [{}, bearer("nonsense"), bearer("sc_" + "x" * 43), {"HTTP_AUTHORIZATION": "Basic abc"}]:
        for url in ["/api/sites", "/api/stats", "/api/sites/1"]:
            assert client.get(url, **headers).status_code == 401, (url, headers)
    token = ApiToken.objects.get(owner=demo_users["laishui"])
    services.revoke_token(actor=demo_users["laishui"], pk=token.pk)
    assert client.get("/api/sites", **bearer(laishui_token)).status_code == 401


def test_token_of_disabled_owner_is_401(client, laishui_token, demo_users):
    user = demo_users["laishui"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/sites", **bearer(laishui_token)).status_code == 401


def test_only_tokens_hash_is_stored_and_last_used_is_kept(client, laishui_token):
    token = ApiToken.objects.get()
    assert laishui_token not in (token.token_hash, token.prefix) and token.token_hash == services.hash_token(
        laishui_token)
    client.get("/api/stats", **bearer(laishui_token))
    token.refresh_from_db()
    assert token.last_used is not None


def test_anonymous_directory_never_shows_unapproved_data(client):
    data = client.get("/api/public/sites", {"limit": 500}).json()
    ids = {s["id"] for s in data["items"]}
    # Approved (coded) and open; a change in review is not applied until approved.
    listed = Website.objects.filter(site_code__isnull=False).exclude(life__in=["closed", "merged"])
    assert ids == set(listed.values_list("id", flat=True)) and not data["has_more"]
    hidden = Website.objects.exclude(pk__in=ids)
    assert hidden.filter(status__in=["draft", "submitted", "returned"]).exists()
    assert hidden.filter(life="closed").exists()
    search = client.get("/api/public/sites", {"q": "涞水"}).json()
    assert {s["name"] for s in search["items"]} == {"涞水县人民政府", "涞水镇人民政府网站", "国家税务总局涞水县税务局"}
    for name in ["涞水县教育局", "石亭镇人民政府网站", "义安镇人民政府网站", "三坡镇人民政府网站"]:
        assert name not in str(data)
    assert client.get("/api/public/sites", {"limit": 0}).status_code == 422
    assert client.get("/api/public/sites", {"limit": 10000}).status_code == 422


def test_docs_work_offline(client):
    docs = client.get("/api/docs").content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert "http://" not in docs and "https://" not in docs
    assert 'lang="zh-CN"' in docs and "接口文档" in docs and "错误均以中文说明" in docs
    # Swagger UI refuses a document with a repeated key (e.g. a status code as both 200 and "200").
    import json

    def unique(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    schema = json.loads(client.get("/api/openapi.json").content, object_pairs_hook=unique)
    assert "links" in schema["paths"]["/api/sites"]["get"]["responses"]["200"]
    assert "links" in schema["paths"]["/api/sites"]["post"]["responses"]["201"]
    assert "/api/public/sites" in schema["paths"] and "/api/sites/{site_id}" in schema["paths"]


def test_token_page_creates_once_and_revokes(client, demo_users):
    client.force_login(demo_users["hebei"])
    created = client.post("/api/tokens/", {"name": "河北省平台", "scopes": ["registry:read", "scoring:write"],
                                           "days": "30"}).content.decode()
    token = ApiToken.objects.get(owner=demo_users["hebei"])
    assert 'data-testid="token-value">sc_' in created
    listing = client.get("/api/tokens/").content.decode()
    assert "河北省平台" in listing and 'data-testid="token-value"' not in listing
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked
    # Another account's token is not found.
    client.force_login(demo_users["baoding"])
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post("/api/tokens/", {"name": ""}).status_code == 400
    from sitecensus.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action__in=["api_token_created", "api_token_revoked"]).count() == 2


@pytest.mark.parametrize("username", ["sysadmin", "secadmin"])
def test_reporters_and_admins_get_no_tokens(client, demo_users, username):
    with pytest.raises(NotAllowed):
        services.create_token(actor=demo_users[username], name="x")
    client.force_login(demo_users[username])
    assert client.get("/api/tokens/").status_code == 403


def test_revoke_unknown_token(demo_users):
    with pytest.raises(NotFound):
        services.revoke_token(actor=demo_users["hebei"], pk=999999)
