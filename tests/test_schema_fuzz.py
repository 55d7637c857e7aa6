"""The whole API, fuzzed from its own OpenAPI schema: no request may get a 5xx.

schemathesis reads /api/v1/schema/ from the WSGI application (no server) and sends each
operation generated requests, valid and invalid, as a submitter and as a moderator, by token
and by session, and as nobody. The examples are few per operation, so the run stays short;
the tests in test_hostile_input.py go deeper on the two endpoints the public reaches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from moderation.review.decision_reasons import reason_codes_all
from tests.factories import ReviewAnalyzer, make_moderator, make_user, token_header
from tests.test_reviews import queued_feedback, queued_image

APP = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", APP)
CSRF_SECRET = "a" * 32  # a valid unmasked CSRF secret: the cookie and the header carry it

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _app_in_the_test_transaction(settings: Any) -> Iterator[None]:
    """Requests run in this thread on the test's connection. Django's handler closes
    connections it thinks are stale at the start and end of each request (inside the test's
    transaction, that would break it); the test client disconnects that too."""
    cache.clear()
    settings.UPLOAD_RATE = settings.FEEDBACK_RATE = "100000/minute"
    settings.UPLOAD_ADDRESS_RATE = settings.FEEDBACK_ADDRESS_RATE = "100000/minute"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with (
            mock.patch("moderation.tasks.analyze_image.delay"),
            mock.patch("feedback.tasks.analyze_feedback.delay"),
            mock.patch(
                "moderation.images.services.get_image_analyzer", return_value=ReviewAnalyzer()
            ),
        ):
            yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Token and session are both covered; a moderator by session is the one that also needs CSRF.
@pytest.fixture(params=["submitter-token", "moderator-session", "anonymous"])
def credentials(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Headers and cookies of one kind of caller, with some queue entries to find."""
    queued_image()
    queued_feedback()
    role = request.param
    if role == "anonymous":
        return {}
    user = make_moderator() if role.startswith("moderator") else make_user()
    if role.endswith("token"):
        return {"headers": {"Authorization": token_header(user)}}
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return {
        "headers": {"X-CSRFToken": CSRF_SECRET},
        "cookies": {
            django_settings.SESSION_COOKIE_NAME: session,
            django_settings.CSRF_COOKIE_NAME: CSRF_SECRET,
        },
    }


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # the same requests on every run: CI stays short and repeatable
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error(case: Any, credentials: dict[str, Any]) -> None:
    headers = {**(case.headers or {}), **credentials.get("headers", {})}
    case.call_and_validate(
        headers=headers, cookies=credentials.get("cookies"), checks=[not_a_server_error]
    )


def test_the_schema_describes_what_the_fuzzer_needs() -> None:
    """Uploads are bytes (not a URL), and the decision's codes are listed, so generated
    requests reach the code behind the validation instead of stopping at it."""
    raw = schema.raw_schema
    upload = raw["components"]["schemas"]["Upload"]["properties"]["image"]
    assert upload == {"type": "string", "format": "binary"}
    reason = raw["components"]["schemas"]["Decision"]["properties"]["reason"]
    assert set(raw["components"]["schemas"][reason["$ref"].rsplit("/", 1)[-1]]["enum"]) == set(
        reason_codes_all()
    )
    post = raw["paths"]["/api/v1/images/"]["post"]["responses"]
    assert {"202", "400", "401", "413", "429"} <= set(post)
    params = {p["name"] for p in raw["paths"]["/api/v1/reviews/"]["get"]["parameters"]}
    assert {"kind", "reason", "older_than", "sort", "page"} <= params
