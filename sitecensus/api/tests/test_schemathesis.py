"""Property-based tests against the live OpenAPI schema (WSGI, in-process), with
tokens of several roles and scopes and anonymously: no 5xx, responses conform to
the schema (every error code among those the schema lists), no website outside the
token's scope ever appears, and what the schema accepts the server accepts: a
request generated as valid is never refused as 422 (cursors, dates, integers sent
as 3.0, empty lists of files …). A 400 stays possible for a valid request: it is a
business rule the schema cannot state (the filing form's checks, a NUL character),
named in Chinese. A stateful run follows the schema's OpenAPI links (list → one
site → self-check → fill → submit, list → card, event feed → next page, the
waiting list → approve/return). Bounded: a few examples each."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from sitecensus.api import services
from sitecensus.registry import policy as scope

# Its subject is the API layer's answers to any input; it costs minutes: CI fuzzes on PostgreSQL,
# the production database, only (conftest's SITECENSUS_TEST_ONCE).
pytestmark = pytest.mark.once

# account → grants; a national organizer, a county organizer, a reporting unit,
# a read-only provincial token and the audit administrator.
ROLES = {
    "guoban": ["registry:write", "scoring:write", "reports:write", "spotcheck:write"],
    "laishui": ["registry:write", "scoring:write", "reports:write"],
    "hebei_fgw": ["registry:write", "scoring:write", "reports:read"],
    "hebei": ["registry:read", "scoring:read"],
    "auditadmin": ["audit:read"],
}


@pytest.fixture
def keep_connection():
    """Like Django's test client: the WSGI handler must not close the connection
    that holds the test's transaction at the end of each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["guoban", "hebei_fgw", "auditadmin"])
def caller(request, db, demo_users):
    user = demo_users[request.param]
    raw = services.create_token(actor=user, name="schemathesis", scopes=ROLES[request.param])[1]
    visible = set(scope.visible_websites(user).values_list("id", flat=True))
    return request.param, raw, visible


def check_scope(response, visible: set[int]) -> None:
    """Every site a scoped answer names is one the token's owner may see."""
    if response.status_code != 200 or "json" not in response.headers.get("Content-Type", [""])[0]:
        return
    body = response.json()
    rows = body.get("items", [body]) if isinstance(body, dict) else []
    rows = rows + [row[key] for row in rows if isinstance(row, dict) for key in ("site", "card")
                   if isinstance(row.get(key), dict)]  # a sampled site and its review card
    for row in rows:
        if not isinstance(row, dict):
            continue
        site_id = row.get("website_id", row.get("unit_id") and row.get("id"))
        if site_id is not None and "object_id" not in row:
            assert site_id in visible, (response.request.url, site_id)


MULTIPART_FIELDS = {"files", "indicator", "answer", "evidence"}  # the declared parts of the two uploads


@schemathesis.check
def schema_valid_is_accepted(ctx, response, case):
    """What the schema accepts is not refused as malformed (422); 5xx never."""
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive and (case.media_type or "").startswith("multipart/") and isinstance(case.body, dict) \
            and set(case.body) - MULTIPART_FIELDS:
        # Undeclared multipart parts with generated names (control and astral characters) once made the
        # upload's parts unreadable (files 必填, not reproduced by hand): the 422 rule covers declared parts.
        positive = False
    if positive and response.status_code == 422:
        raise AssertionError(f"schema-valid request refused: {case.method} {case.formatted_path} "
                             f"query={case.query} body={str(case.body)[:200]} → {response.text[:300]}")
    if response.status_code >= 500:
        raise AssertionError(f"server error: {case.method} {case.formatted_path} → {response.status_code}")


# Loaded once at collection: the schema view touches no database. (The lazy
# `schemathesis.pytest.from_fixture` loader does not run under pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# Unknown query parameters are ignored by design, as in most HTTP APIs; everything
# else that violates the schema (bad types, out-of-range values) must be refused.
schema.config.generation.update(allow_extra_parameters=False)
FAST = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@schema.exclude(path="/api/public/sites").parametrize()
@FAST
def test_api_conforms(case, db, keep_connection, caller):
    username, raw, visible = caller
    if case.meta.phase.name == "coverage" and (
            username == "auditadmin" or (username != "guoban" and not case.meta.generation.mode.is_positive)):
        # The coverage phase's invalid requests (three in five of all: every bound of every parameter broken)
        # are answered by routing and validation, nine in ten of them 405 or 422 before any view or scope runs, the
        # same whoever asks: sent once, with the national token. Its valid ones go with the two tokens that
        # write (the national office, a reporting unit: their requests reach different views), not with the
        # audit token, whose scope refuses every operation but the audit log's; every fuzzed request goes
        # with each token.
        return
    # schemathesis' own "positive data accepted" counts a 400 as a refusal; ours allows the
    # business rules' 400 and refuses any 422 for a schema-valid request.
    response = case.call_and_validate(headers={"Authorization": f"Bearer {raw}"},
                                      excluded_checks=[positive_data_acceptance],
                                      additional_checks=[schema_valid_is_accepted])
    check_scope(response, visible)


@schema.include(path="/api/public/sites").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_public_api_anonymous(case, db, keep_connection):
    case.call_and_validate(excluded_checks=[positive_data_acceptance], additional_checks=[schema_valid_is_accepted])


def test_stateful_links(db, keep_connection, demo_users):
    # A started spot check, so the national office's run can follow batches → sampled sites → review.
    from datetime import timedelta

    from django.utils import timezone

    from sitecensus.spotcheck import services as spot_services

    today = timezone.localdate()
    batch = spot_services.create_batch(actor=demo_users["guoban"], name="接口抽查", strata_by=[], ratio="100",
                                       window_start=today - timedelta(days=7), window_end=today)
    spot_services.start(actor=demo_users["guoban"], batch=spot_services.draw(actor=demo_users["guoban"], batch=batch))
    for username in ("hebei_fgw", "laishui", "hebei", "guoban"):
        raw = services.create_token(actor=demo_users[username], name="stateful", scopes=ROLES[username])[1]
        visible = set(scope.visible_websites(demo_users[username]).values_list("id", flat=True))

        class Machine(schema.as_state_machine()):
            def get_call_kwargs(self, case):
                return {"headers": {"Authorization": f"Bearer {raw}"}}

            def validate_response(self, response, case, **kwargs):
                # The token is set per call here, so schemathesis' own auth probe does not apply.
                case.validate_response(response, excluded_checks=[positive_data_acceptance, ignored_auth],
                                       additional_checks=[schema_valid_is_accepted],
                                       transport_kwargs=kwargs or None, recorder=self.recorder)
                check_scope(response, visible)

        Machine.run(settings=settings(max_examples=8, stateful_step_count=5, deadline=None,
                                      suppress_health_check=list(HealthCheck), derandomize=True))
