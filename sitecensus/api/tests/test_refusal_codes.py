"""A refusal carries its rule's own code (issue 26): in the API's body and in the audit row of a refused
page, never the bare "not_allowed"; and every code served is one the schema lists."""

import json

import pytest

from sitecensus.api import services
from sitecensus.api.errors import catalogue
from sitecensus.audit.models import AuditEvent
from sitecensus.registry.models import Website

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token(user, scopes=("registry:write", "scoring:write")):
    return services.create_token(actor=user, name="平台", scopes=list(scopes), days=30)[1]


def test_filing_another_units_site_is_refused_by_the_filing_rule(client, demo_users):
    """The province's office sees a town's site but files only its own unit's sites."""
    site = Website.objects.get(name="涞水镇人民政府网站")
    refused = client.post(f"/api/sites/{site.pk}/submit", "{}", content_type="application/json",
                          **bearer(token(demo_users["hebei"])))
    assert refused.status_code == 403, refused.content
    body = refused.json()
    assert body["code"] == "registry.file" and body["detail"] == "只能报送本单位的网站"
    assert body["code"] in catalogue()


def test_an_unknown_grant_is_refused_with_the_apis_own_code(client, demo_users):
    refused = client.get("/api/stats", **bearer(token(demo_users["hebei"], scopes=["registry:read"])))
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope"


def test_a_refused_page_leaves_the_rules_code_in_the_audit_log(client, demo_users):
    """The audit administrator files no website: the refusal and its audit row name registry.file."""
    client.force_login(demo_users["auditadmin"])
    before = AuditEvent.objects.filter(action="request_refused").count()
    page = client.get("/sites/new/")
    assert page.status_code == 403 and "只能填报本单位的网站" in page.content.decode()
    rows = list(AuditEvent.objects.filter(action="request_refused").order_by("id")[before:])
    assert [(r.details["code"], r.details["status"]) for r in rows] == [("registry.file", 403)], \
        json.dumps([r.details for r in rows], ensure_ascii=False)


def test_the_schema_lists_every_declared_code_and_no_bare_not_allowed():
    """The catalogue is generated from the declaring modules: every code a policy.py or errors.py
    declares is listed (whatever was imported before), and "not_allowed" is gone."""
    from sitecensus.core.tests import codes

    every = catalogue()
    typed = codes.typed_error_names()
    declared = {code for rel, source in codes.modules() for code, _ in codes.check_source(source, rel, typed, set())[1]}
    assert {"registry.file", "registry.import_stale", "evidence.upload", "campaigns.needs_confirmation",
            "accounts.superuser", "public.rate_limited", "scoring.recheck", "token_scope"} <= declared
    assert declared <= set(every), declared - set(every)
    assert "not_allowed" not in every


@pytest.mark.parametrize("how", ["too_many_files", "too_many_fields", "broken_multipart"])
def test_a_request_django_will_not_read_is_refused_in_chinese_as_json_and_on_the_page(client, demo_users, settings,
                                                                                      how):
    """Past one of Django's DATA_UPLOAD_* limits, or a multipart body cut short: the API answers its own
    typed 400 (not Django's HTML page), and the web page names the limit (not a bare "请求无效")."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_UPLOAD_MAX_NUMBER_FILES, settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3, 5
    if how == "too_many_files":
        data = {"files": [SimpleUploadedFile(f"单位{i}.xlsx", b"PK") for i in range(4)]}
        kwargs, expected, field = {}, "一次上传的文件过多：最多 3 个", "files"
    elif how == "too_many_fields":
        data = {f"字段{i}": "1" for i in range(6)}
        kwargs, expected, field = {}, "请求中的字段过多：最多 5 个", "body"
    else:
        data = "--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.xlsx\"\r\n\r\nPK"
        kwargs, expected, field = {"content_type": "multipart/form-data"}, "不是有效的 multipart/form-data", "body"
    raw = token(demo_users["laishui"], scopes=["registry:write"])
    refused = client.post("/api/imports", data, **kwargs, **bearer(raw))
    assert refused.status_code == 400 and refused["Content-Type"].startswith("application/json"), refused.content
    body = refused.json()
    assert expected in body["detail"] and (body["code"], body["field"]) == ("bad_request", field), body
    client.force_login(demo_users["laishui"])
    page = client.post("/sites/import/", data, **kwargs)
    assert page.status_code == 400 and expected in page.content.decode()
