"""The API's permission matrix, generated from the OpenAPI schema: every operation
has a row (its area and whether it writes); without a token it is 401, without its
grant 403 token_scope, and a read-only grant never writes. A new operation without
a row fails here."""

import re

import pytest

from sitecensus.api import services
from sitecensus.api.api import api

pytestmark = pytest.mark.django_db

FILING = {"basic": {"site_name": "x"}, "columns": [{"column_name": "x"}]}
# operationId → (area, mode, JSON body)
MATRIX = {
    "sitecensus_api_api_stats": ("reports", "read", None),
    "list_sites": ("registry", "read", None),
    "get_site": ("registry", "read", None),
    "create_site": ("registry", "write", FILING),
    "update_site": ("registry", "write", FILING),
    "submit_site": ("registry", "write", None),
    "approve_site": ("registry", "write", None),
    "return_site": ("registry", "write", {"reason": "栏目不全"}),
    "undo_site": ("registry", "write", None),
    "sitecensus_api_api_review_bulk": ("registry", "write", {"action": "approve", "ids": [1]}),
    "change_site": ("registry", "write", FILING),
    "life_site": ("registry", "write", {"life": "closed", "reason": "x"}),
    "list_scorecards": ("scoring", "read", None),
    "get_scorecard": ("scoring", "read", None),
    "open_selfcheck": ("scoring", "write", None),
    "open_inspection": ("scoring", "write", {"reason": ""}),
    "fill_scorecard": ("scoring", "write", {"entries": {}}),
    "submit_scorecard": ("scoring", "write", None),
    "list_rectifications": ("scoring", "read", None),
    "get_rectification": ("scoring", "read", None),
    "answer_rectification": ("scoring", "write", {"answer": "已整改", "evidence": []}),
    "sitecensus_api_api_reports": ("reports", "read", None),
    "save_report": ("reports", "write", {"narrative": "", "submit": False}),
    "sitecensus_api_api_batches": ("spotcheck", "read", None),
    "batch_sites": ("spotcheck", "read", None),
    "sitecensus_api_api_audit_events": ("audit", "read", None),
    "list_events": ("events", "read", None),
    "create_import": ("registry", "write", "FILES"),
    "get_import": ("registry", "read", None),
    "confirm_import": ("registry", "write", {"valid_only": False}),
    "cancel_import": ("registry", "write", None),
    "upload_card_files": ("scoring", "write", "FILES"),
    "answer_rectification_files": ("scoring", "write", "FILES"),
    "get_evidence": ("scoring", "read", None),
    "list_suggestions": ("scoring", "read", None),
    "decide_suggestion": ("scoring", "write", {"accept": True}),
    "get_spotcheck_site": ("spotcheck", "read", None),
    "review_spotcheck": ("spotcheck", "write", None),
    "fill_spotcheck": ("spotcheck", "write", {"entries": {}}),
    "submit_spotcheck": ("spotcheck", "write", None),
    "sign_spotcheck": ("spotcheck", "write", None),
    "return_spotcheck": ("spotcheck", "write", {"reason": "结果有误"}),
    "sign_spotcheck_bulk": ("spotcheck", "write", {"ids": [1]}),
    "list_waiting": ("registry", "read", None),
    "list_media": ("registry", "read", None),  # 政务新媒体 (issue 22)
    "get_media": ("registry", "read", None),
    "download_workbook": ("registry", "read", None),
    "get_job": ("jobs", "read", None),  # the caller's own jobs, whatever its grants  # any of registry / scoring / reports
}
PUBLIC = {"sitecensus_api_api_public_sites"}


def operations():
    schema = api.get_openapi_schema(path_prefix="/api/")
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield op["operationId"], method.upper(), re.sub(r"\{\w+_id\}", "1", path)


def call(client, method, url, body, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    if body is None:
        return client.generic(method, url, **headers)
    if body == "FILES":
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(url, {"files": [SimpleUploadedFile("a.xlsx", b"x")], "answer": "已整改"}, **headers)
    import json

    return client.generic(method, url, json.dumps(body), content_type="application/json", **headers)


def test_every_operation_has_a_row():
    assert {op for op, _, _ in operations()} == set(MATRIX) | PUBLIC


def test_matrix(client, demo_users):
    national = demo_users["guoban"]
    read_all = services.create_token(actor=national, name="只读", scopes=[
        "registry:read", "scoring:read", "reports:read", "spotcheck:read"])[1]
    audit = services.create_token(actor=demo_users["auditadmin"], name="审计", scopes=["audit:read"])[1]
    for op, method, url in operations():
        if op in PUBLIC:
            assert call(client, method, url, None).status_code == 200
            continue
        area, mode, body = MATRIX[op]
        anonymous = call(client, method, url, body)
        assert anonymous.status_code == 401 and anonymous.json()["code"] == "token_invalid", op
        if area == "audit":
            # Only the audit administrator: everyone else is told it does not exist.
            assert call(client, method, url, body, read_all).status_code == 404, op
            assert call(client, method, url, body, audit).status_code == 200, op
            continue
        if area == "jobs":
            assert call(client, method, url, body, read_all).status_code == 404, op
            continue
        lacking = call(client, method, url, body, audit)
        assert lacking.status_code == 403 and lacking.json()["code"] == "token_scope", op
        if mode == "write":
            read_only = call(client, method, url, body, read_all)
            assert read_only.status_code == 403 and read_only.json()["code"] == "token_scope", op
        else:
            assert call(client, method, url, body, read_all).status_code in (200, 404), op
