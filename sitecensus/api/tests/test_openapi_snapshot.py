"""The API's contract does not move when its code does: the OpenAPI document (every path, method,
operation id, parameter, response code and schema) equals the committed snapshot
(tests/data/openapi.json) — all but the catalogue of error codes, which grows with every policy
rule and transition anywhere and has its own tests (test_census_record.py) — and every documented operation is routed to a view that answers its
method (two routers mounting the same path would answer the second one's methods with 405).

A deliberate change of the API regenerates the snapshot:
    UPDATE_OPENAPI_SNAPSHOT=1 python -m pytest sitecensus/api/tests/test_openapi_snapshot.py
and the diff of tests/data/openapi.json is then part of the review."""

import json
import os
import re
from pathlib import Path

import pytest
from django.urls import get_resolver

from sitecensus.api.api import api

SNAPSHOT = Path(__file__).parent / "data" / "openapi.json"


def current() -> dict:
    """The document as served (the URLconf loaded, as in production), through JSON as clients read
    it, without the error-code catalogue (ErrorOut.code keeps its type)."""
    get_resolver().url_patterns
    schema = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/"), ensure_ascii=False))
    code = schema["components"]["schemas"]["ErrorOut"]["properties"]["code"]
    for key in ("enum", "description", "x-error-codes"):
        code.pop(key, None)
    return schema


def operations(schema: dict) -> dict:
    return {op["operationId"]: (method.upper(), path, sorted(op["responses"]))
            for path, methods in schema["paths"].items() for method, op in methods.items()}


def test_the_openapi_document_equals_the_snapshot():
    schema = current()
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
    before = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    # The operations first (a readable failure), then the whole document.
    assert operations(schema) == operations(before)
    assert schema["components"] == before["components"]
    for path in before["paths"]:
        assert schema["paths"][path] == before["paths"][path], path
    assert schema == before


@pytest.mark.django_db
def test_every_operation_answers_its_method(client):
    for method, path, _ in operations(current()).values():
        url = re.sub(r"\{\w+\}", "1", path)
        response = client.generic(method, url)
        assert response.status_code != 405, f"{method} {path} is routed to a view without that method"
        assert response.status_code != 404 or "public" not in path, f"{method} {path}"
