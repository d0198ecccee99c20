"""Property-based tests against the live OpenAPI schema (WSGI, in-process): no 5xx,
responses conform to the schema, for anonymous and token-authenticated calls."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from sitecensus.api import services


@pytest.fixture
def token(db, demo_users):
    return services.create_token(actor=demo_users["baoding"], name="schemathesis")[1]


# Loaded once at collection: the schema view touches no database. (The lazy
# `schemathesis.pytest.from_fixture` loader does not run under pytest 9.)
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


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# Unknown query parameters are ignored by design, as in most HTTP APIs; everything
# else that violates the schema (bad types, out-of-range pages) must be refused.
schema.config.generation.update(allow_extra_parameters=False)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms(case, db, keep_connection, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


@schema.include(path="/api/public/sites").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_public_api_anonymous(case, db, keep_connection):
    case.call_and_validate()
