"""Schemathesis against /api/v1/openapi.json: every operation, a bounded number of generated
requests each (valid and invalid), with a key holding every scope. No 5xx, and every response
(status code, media type, body, headers) is the one the document promises. On PostgreSQL in CI,
where text with NUL bytes or out-of-range ids would fail inside the database."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks

from tests.editorial.api.helpers import draft_body, make_key

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
]


@pytest.fixture
def bearer(db, editor):
    from tests.editorial.api.helpers import Api

    api_client, key = make_key(editor)
    api_client.rate_limit_per_minute = 100_000  # the rate limit has its own test
    api_client.save()
    client = Api(key)
    client.post("/articles", draft_body())  # something for the article paths to find
    # As Django's test client does (after its own requests, which reconnect it): the WSGI app
    # must not close the test's connection, and with it the test transaction, per request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {key}"}
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_openapi_document(case, bearer):
    case.headers = {**(case.headers or {}), **bearer}
    response = case.call()
    case.validate_response(response, checks=CHECKS)
