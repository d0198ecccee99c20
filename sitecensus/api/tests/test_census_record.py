"""The census record through the API: every field of the form definitions and every
column in sync and detail; 迁移 with its new address; the list of what waits for an
organizing unit's decision; the unit's workbook; a schema that documents the form's
field codes, the Idempotency-Key header and every error code; and inputs the schema
accepts (cursors, dates, integers sent as 3.0) accepted, NUL characters refused as a
typed 400 in Chinese (PostgreSQL cannot store them)."""

import io
import functools
import json
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitecensus.api import census, services
from sitecensus.api.api import api
from sitecensus.api.errors import catalogue
from sitecensus.registry.formspec.spec import load_forms
from sitecensus.registry.models import Website

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token(user, scopes=("registry:write",)):
    return services.create_token(actor=user, name="平台", scopes=list(scopes), days=30)[1]


def schema():
    return api.get_openapi_schema(path_prefix="/api/")


def form_codes(form_id="basic_info"):
    return [f.code for f in load_forms()[form_id].fields if not f.system]


def post(client, url, body, raw, **extra):
    return client.post(url, json.dumps(body, ensure_ascii=False), content_type="application/json",
                       **bearer(raw), **extra)


# ---------------------------------------------------------------- the record

def test_sync_and_detail_carry_every_form_field_and_every_column(client, demo_users):
    raw = token(demo_users["hebei"], ["registry:read"])
    site = Website.objects.get(site_code="1306230001")  # 涞水县人民政府: contacts, sponsor, ICP filed
    site.data = {**site.data, "other_domains": ["lsx.gov.cn", "www.lsx.example.cn"], "ip_address": ["10.1.2.3"]}
    site.save()
    listed = {row["id"]: row for row in client.get("/api/sites", {"limit": 500}, **bearer(raw)).json()["items"]}
    detail = client.get(f"/api/sites/{site.pk}", **bearer(raw)).json()
    assert listed[site.pk] == detail
    codes = form_codes()
    assert list(detail["basic"]) == codes  # every field of the definitions, in their order
    for code in codes:
        stored = site.data.get(code)
        assert detail["basic"][code] == (None if stored in (None, "", []) else stored), code
    for code in ("sponsor_unit", "icp_number", "principal_name", "contact1_mobile", "contact1_email"):
        assert detail["basic"][code], code  # the census record, not a summary
    assert detail["basic"]["other_domains"] == ["lsx.gov.cn", "www.lsx.example.cn"]
    columns = list(site.columns.order_by("position"))
    assert [c["name"] for c in detail["columns"]] == [c.name for c in columns]
    stored_names = [census.COLUMN_CODES[code] for code in form_codes("columns") if code in census.COLUMN_CODES]
    assert set(stored_names) <= set(detail["columns"][0])
    assert detail["columns"][0]["remarks"] == columns[0].remarks
    assert (detail["life"], detail["life_reason"], detail["version"]) == (site.life, site.life_reason, site.version)
    # A filed record round-trips: its `basic` is valid input for a change request.
    parsed = api.get_openapi_schema(path_prefix="/api/")["components"]["schemas"]
    assert set(parsed["SiteForm"]["properties"]) == set(codes) == set(parsed["SiteFormIn"]["properties"])


def test_the_record_schema_follows_the_definitions(monkeypatch):
    """Generated, not listed: a field added to the definitions is in the schema and the answer."""
    from sitecensus.registry.formspec import spec

    forms = dict(spec.load_forms())
    basic = forms["basic_info"]
    extra = spec.FieldSpec(code="wechat_account", label="微信公众号", type="text", max_length=50)
    patched = spec.FormSpec(basic.form_id, basic.version, basic.title, basic.sheet, basic.description,
                            basic.fields + (extra,), basic.rules, basic.site_rules,
                            {**{f.code: f for f in basic.fields}, extra.code: extra})
    monkeypatch.setattr(census, "load_forms", lambda version=None: {**forms, "basic_info": patched})
    for cached in (census.basic_out, census.basic_in):
        cached.cache_clear()
    try:
        model = census.basic_out()
        assert "wechat_account" in model.model_json_schema()["properties"]
        assert "微信公众号" in model.model_json_schema()["properties"]["wechat_account"]["description"]
        assert census.form_values({"wechat_account": "涞水发布"})["wechat_account"] == "涞水发布"
    finally:
        monkeypatch.undo()
        for cached in (census.basic_out, census.basic_in):
            cached.cache_clear()


# ---------------------------------------------------------------- 迁移, the waiting list, acting on it

def test_migration_with_its_new_address_waits_for_the_unit_and_is_decided_through_the_api(client, demo_users):
    site = Website.objects.get(site_code="1306000002")  # 保定市教育局, reviewed by 保定市 then 河北省
    filer = token(demo_users["baoding_jyj"])
    refused = post(client, f"/api/sites/{site.pk}/life", {"life": "migrated", "reason": "域名变更"}, filer)
    assert refused.status_code == 400 and refused.json()["field"] == "new_url" and "迁移" in refused.json()["detail"]
    asked = post(client, f"/api/sites/{site.pk}/life",
                 {"life": "migrated", "reason": "域名变更", "new_url": "https://jyj.bd.example.gov.cn/"}, filer)
    assert asked.status_code == 200, asked.content
    assert asked.json()["status"] == "submitted" and asked.json()["homepage_url"] == site.homepage_url

    # Waiting for 保定市 (not yet for 河北省), with what is asked.
    baoding, hebei = token(demo_users["baoding"]), token(demo_users["hebei"])
    waiting = client.get("/api/waiting", **bearer(baoding)).json()["items"]
    item = next(i for i in waiting if i["id"] == site.pk)
    assert item["kind"] == "life" and item["basic"] is None
    assert item["life_change"] == {"life": "migrated", "reason": "域名变更", "merged_into": None,
                                   "new_url": "https://jyj.bd.example.gov.cn/"}
    assert site.pk not in [i["id"] for i in client.get("/api/waiting", **bearer(hebei)).json()["items"]]
    assert [i["id"] for i in client.get("/api/waiting", {"kind": "change"}, **bearer(baoding)).json()["items"]
            if i["id"] == site.pk] == []
    assert post(client, f"/api/sites/{site.pk}/approve", {}, baoding).status_code == 200
    life_items = client.get("/api/waiting", {"kind": "life"}, **bearer(hebei)).json()["items"]
    assert [i["id"] for i in life_items] == [site.pk]
    done = post(client, f"/api/sites/{site.pk}/approve", {}, hebei).json()
    # Approved: the notice period on the old address first (registry.services.life), then the 报备 moves it.
    assert (done["status"], done["life"], done["site_code"]) == ("approved", "merging", "1306000002")
    from sitecensus.registry.testing import complete_life_change

    moved = complete_life_change(Website.objects.get(pk=site.pk), demo_users["baoding_jyj"])
    done = client.get(f"/api/sites/{site.pk}", **bearer(hebei)).json()
    assert (moved.life, done["life"]) == ("migrated", "migrated")
    assert done["homepage_url"] == done["basic"]["homepage_url"] == "https://jyj.bd.example.gov.cn/"
    assert site.pk not in [i["id"] for i in client.get("/api/waiting", **bearer(hebei)).json()["items"]]


def test_waiting_list_holds_filings_and_change_requests_of_the_unit_only(client, demo_users):
    hebei = token(demo_users["hebei"], ["registry:read"])
    expected = set(Website.objects.filter(pending_at=demo_users["hebei"].unit, status="submitted")
                   .values_list("id", flat=True))
    assert expected
    first = client.get("/api/waiting", {"limit": 1}, **bearer(hebei)).json()
    seen = [i["id"] for i in first["items"]]
    rest = client.get("/api/waiting", {"cursor": first["next_cursor"], "limit": 500}, **bearer(hebei)).json()
    seen += [i["id"] for i in rest["items"]]
    assert set(seen) == expected and len(seen) == len(expected)
    items = {i["id"]: i for i in client.get("/api/waiting", **bearer(hebei)).json()["items"]}
    for site in Website.objects.filter(pk__in=expected):
        want = "filing" if not site.site_code else "change"
        if items[site.pk]["kind"] != "life":
            assert items[site.pk]["kind"] == want
            assert list(items[site.pk]["basic"]) == form_codes() and items[site.pk]["columns"]
    kinds = {k: {i["id"] for i in client.get("/api/waiting", {"kind": k}, **bearer(hebei)).json()["items"]}
             for k in ("filing", "change", "life")}
    assert set().union(*kinds.values()) == expected
    # A reporting unit decides nothing; a token without the registry grant is refused.
    assert client.get("/api/waiting", **bearer(token(demo_users["hebei_fgw"]))).json()["items"] == []
    scoring = token(demo_users["hebei"], ["scoring:read"])
    assert client.get("/api/waiting", **bearer(scoring)).json()["code"] == "token_scope"


# ---------------------------------------------------------------- the workbook

def test_unit_workbook_through_the_api(client, demo_users):
    from openpyxl import load_workbook

    fgw = demo_users["hebei_fgw"]
    raw = token(fgw, ["registry:read"])
    got = client.get(f"/api/units/{fgw.unit_id}/workbook", **bearer(raw))
    assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in got["Content-Disposition"]
    book = load_workbook(io.BytesIO(got.content))
    names = [load_forms()[f].sheet for f in ("basic_info", "columns")]
    assert all(name in book.sheetnames for name in names)
    # Another unit's workbook: not the caller's (403 with the rule's code), or out of scope (404).
    other = demo_users["hebei_jyt"].unit_id
    refused = client.get(f"/api/units/{other}/workbook", **bearer(raw))
    assert refused.status_code in (403, 404)
    province = token(demo_users["hebei"], ["registry:read"])
    assert client.get(f"/api/units/{other}/workbook", **bearer(province)).status_code == 200  # a direct child
    laishui = demo_users["laishui"].unit_id
    deep = client.get(f"/api/units/{laishui}/workbook", **bearer(province))
    assert deep.status_code == 403 and deep.json()["code"] == "registry.workbook"
    outside = client.get(f"/api/units/{demo_users['jiaoyubu'].unit_id}/workbook", **bearer(province))
    assert outside.status_code == 404 and outside.json()["code"] == "not_found"


# ---------------------------------------------------------------- the schema documents

def test_schema_documents_field_codes_idempotency_and_every_error_code():
    doc = schema()
    props = doc["components"]["schemas"]["SiteForm"]["properties"]
    for f in load_forms()["basic_info"].fields:
        if f.system:
            continue
        assert props[f.code]["title"] == f.label and f.code in props[f.code]["description"], f.code
        assert props[f.code]["x-form-code"] == f.code
    columns = doc["components"]["schemas"]["SiteColumnIn"]["properties"]
    assert set(columns) == {c for c in form_codes("columns") if c in census.COLUMN_CODES}
    writes = 0
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            headers = [p for p in op.get("parameters", []) if p["in"] == "header"]
            if method in ("post", "put") and path not in ("/api/imports",):
                writes += 1
                assert [h["name"] for h in headers] == ["Idempotency-Key"], (method, path)
    assert writes >= 20
    code = doc["components"]["schemas"]["ErrorOut"]["properties"]["code"]
    every = catalogue()
    assert set(code["enum"]) == set(every)
    for expected in ("token_scope", "idempotency_conflict", "invalid", "registry.workbook", "registry.review",
                     "registry.website.submit", "registry.website.return_filing.not_coded", "spotcheck.not_reviewer"
                     if "spotcheck.not_reviewer" in every else "registry.owner"):
        assert expected in code["enum"] and f"`{expected}`" in code["description"], expected


def test_every_error_code_served_is_in_the_schema(client, demo_users):
    """Refusals of several kinds: each code is one the schema lists."""
    enum = set(schema()["components"]["schemas"]["ErrorOut"]["properties"]["code"]["enum"])
    raw = token(demo_users["hebei_fgw"])
    site = Website.objects.get(site_code="1306230002")
    answers = [
        client.get("/api/sites"),
        client.get("/api/stats", **bearer(raw)),
        client.get(f"/api/sites/{site.pk}", **bearer(raw)),
        client.get("/api/sites", {"cursor": "x"}, **bearer(raw)),
        post(client, f"/api/sites/{Website.objects.get(site_code='1300000002').pk}/submit", {}, raw),
        client.delete("/api/sites", **bearer(raw)),
        post(client, f"/api/sites/{Website.objects.get(site_code='1300000002').pk}/approve", {}, raw),
    ]
    assert all(a.status_code >= 400 for a in answers), [a.content for a in answers]
    codes = {a.json()["code"] for a in answers}
    assert {"token_invalid", "token_scope", "not_found", "invalid", "method_not_allowed", "registry.review"} <= codes
    assert codes <= enum


# ---------------------------------------------------------------- inputs the schema accepts are accepted

@functools.cache  # the schema is built once (a second a build): the patterns do not change between examples
def _pattern(path, name):
    for param in schema()["paths"][path]["get"]["parameters"]:
        if param["name"] == name:
            return param["schema"]["pattern"]
    raise AssertionError(name)


@pytest.fixture
def reader(demo_users):
    return token(demo_users["hebei"], ["registry:read", "scoring:read", "reports:read"])


@given(data=st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_cursor_and_date_the_schema_allows_is_read(client, reader, data):
    raw = reader
    time_cursor = data.draw(st.from_regex(_pattern("/api/sites", "cursor"), fullmatch=True))
    since = data.draw(st.from_regex(_pattern("/api/sites", "updated_since"), fullmatch=True))
    id_cursor = data.draw(st.from_regex(_pattern("/api/rectifications", "cursor"), fullmatch=True))
    for path, params in (("/api/sites", {"cursor": time_cursor, "updated_since": since}),
                         ("/api/scorecards", {"cursor": time_cursor, "updated_since": since}),
                         ("/api/rectifications", {"cursor": id_cursor, "updated_since": since}),
                         ("/api/reports", {"cursor": id_cursor}), ("/api/waiting", {"cursor": id_cursor})):
        got = client.get(path, params, **bearer(raw))
        assert got.status_code == 200, (path, params, got.content)


@given(when=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
       offset=st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59), form=st.integers(0, 3))
@settings(max_examples=60, deadline=None)
def test_every_real_date_matches_the_pattern_and_every_match_is_a_real_date(when, offset, form):
    """Held out from the schema's own generator: dates written by a calendar, not by the regex."""
    from sitecensus.api import sync

    sign = "+" if offset >= 0 else "-"
    zone = f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    text = [when.date().isoformat(), when.isoformat(timespec="seconds"), when.isoformat() + "Z",
            when.isoformat(timespec="minutes") + zone][form]
    assert re.fullmatch(sync.SINCE_PATTERN, text), text
    assert sync.since(text) is not None or when.year < 2


@pytest.mark.parametrize("text", ["2023-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-04-25T24:00",
                                  "2026-04-25T08:00+24:00", "0000-01-01", "1900-02-29", "2026-4-25"])
def test_impossible_dates_are_refused_by_the_schema_pattern(client, demo_users, text):
    from sitecensus.api import sync

    assert not re.fullmatch(sync.SINCE_PATTERN, text)
    got = client.get("/api/sites", {"updated_since": text}, **bearer(token(demo_users["hebei"], ["registry:read"])))
    assert got.status_code == 422 and "updated_since" in got.json()["detail"]


def test_edges_of_the_calendar_bound_nothing(client, demo_users):
    raw = token(demo_users["hebei"], ["registry:read"])
    everything = client.get("/api/sites", {"limit": 500}, **bearer(raw)).json()["items"]
    early = client.get("/api/sites", {"updated_since": "0001-01-01T00:00+05:00", "limit": 500}, **bearer(raw))
    assert early.status_code == 200 and len(early.json()["items"]) == len(everything)
    late = client.get("/api/sites", {"updated_since": "9999-12-31T23:59-05:00"}, **bearer(raw))
    assert late.status_code == 200 and late.json()["items"] == []
    future = client.get("/api/sites", {"cursor": "99999999999999999_9999999999999999"}, **bearer(raw))
    assert future.status_code == 200 and future.json()["items"] == []


def test_integers_sent_as_floats_are_integers(client, demo_users):
    raw = token(demo_users["hebei"])
    site = Website.objects.get(site_code="1300000002")
    took = post(client, "/api/review/bulk", {"action": "return", "ids": [float(site.pk)], "reason": "请补充栏目"}, raw)
    assert took.status_code == 200 and took.json()["done"] + [r["id"] for r in took.json()["refused"]] == [site.pk]
    for bad in ([1.5], ["1"], [True]):
        refused = post(client, "/api/review/bulk", {"action": "return", "ids": bad, "reason": "x"}, raw)
        assert refused.status_code == 422 and refused.json()["code"] == "invalid", bad
    filing = {"basic": {"site_name": "测试", "is_portal": True, "other_domains": ["a.example.gov.cn"]},
              "columns": [{"column_name": "通知公告", "is_homepage": True}]}
    unknown = post(client, "/api/sites", {**filing, "basic": {**filing["basic"], "no_such_field": "x"}}, raw)
    assert unknown.status_code == 422 and "no_such_field" in json.dumps(unknown.json(), ensure_ascii=False)


def test_empty_bodies_agree_with_the_schema(client, demo_users):
    """A body whose fields all have defaults may be `{}`; no body at all is what the schema refuses."""
    raw = token(demo_users["hebei"], ["registry:write", "scoring:write", "reports:write"])
    doc = schema()
    site = Website.objects.get(site_code="1300000001")
    tried = 0
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            content = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if not content:
                continue
            ref = content["schema"]["$ref"].rsplit("/", 1)[-1]
            if doc["components"]["schemas"][ref].get("required"):
                continue
            url = re.sub(r"\{\w+\}", str(site.pk), path)
            for body in ("{}", ""):
                got = client.generic(method.upper(), url, body, content_type="application/json", **bearer(raw))
                assert got.status_code < 500, (path, body, got.content)
                if body:
                    assert got.status_code != 422, (path, got.content)
                else:
                    assert op["requestBody"]["required"] and got.status_code == 422, (path, got.content)
                    assert "请求体" in got.json()["detail"]
            tried += 1
    assert tried >= 3


# ---------------------------------------------------------------- NUL characters

@pytest.mark.parametrize("where", ["reason", "new_url", "merged_into"])
def test_nul_in_a_life_change_is_a_typed_400_in_chinese(client, demo_users, where):
    site = Website.objects.get(site_code="1306000002")
    raw = token(demo_users["baoding_jyj"])
    body = {"life": "migrated", "reason": "域名变更", "new_url": "https://a.example.gov.cn/"}
    body[where] = "a\x00b"
    got = post(client, f"/api/sites/{site.pk}/life", body, raw)
    assert got.status_code == 400 and got.json()["code"] == "invalid", got.content
    assert "空字符" in got.json()["detail"] and where in got.json()["detail"]
    assert Website.objects.get(pk=site.pk).status == "approved"  # nothing half-saved


def test_nul_anywhere_else_is_refused_too(client, demo_users):
    raw = token(demo_users["hebei"], ["registry:write", "scoring:write", "reports:write"])
    site = Website.objects.get(site_code="1300000002")
    answers = [
        client.get("/api/sites", {"q": "涞水\x00"}, **bearer(raw)),
        client.get("/api/public/sites", {"q": "\x00"}),
        post(client, f"/api/sites/{site.pk}/return", {"reason": "\x00"}, raw),
        post(client, "/api/reports/own", {"narrative": "报告\x00"}, raw),
        post(client, "/api/sites", {"basic": {"site_name": "\x00"}, "columns": []}, raw),
        post(client, "/api/sites", {"basic": {"site_name\x00": "x"}, "columns": []}, raw),
    ]
    for got in answers:
        assert got.status_code == 400 and got.json()["code"] == "invalid", got.content
        assert "空字符" in got.json()["detail"] or "控制字符" in got.json()["detail"], got.json()
    with_key = post(client, "/api/reports/own", {"narrative": ""}, raw, HTTP_IDEMPOTENCY_KEY="ab\x01c")
    assert with_key.status_code == 400 and with_key.json()["field"] == "Idempotency-Key"


def test_nul_in_an_uploaded_file_name_never_reaches_the_database(client, demo_users):
    """Django's multipart parser drops it from file names; the check stays as a second line."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sitecensus.registry.models import ImportFile

    raw = token(demo_users["hebei"])
    got = client.post("/api/imports", {"files": [SimpleUploadedFile("填报\x00模板.xlsx", b"PK\x03\x04")]}, **bearer(raw))
    assert got.status_code in (201, 400), got.content
    assert "\\u0000" not in got.content.decode()
    assert ImportFile.objects.exists() and all("\x00" not in f.filename for f in ImportFile.objects.all())
