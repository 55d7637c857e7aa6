"""JSON nested deeper than Python's decoder can go is a 400 on every API endpoint that reads a
body, never a 500, signed in or not (issue 14, finding 6)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from rest_framework import parsers
from rest_framework.views import APIView

from moderation.models import ImageUpload
from project.parsers import JSONParser
from tests.factories import make_moderator, make_user
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db

DEPTH = 100_000
NESTED = {
    "list": "[" * DEPTH + "]" * DEPTH,
    "object": '{"a":' * DEPTH + "1" + "}" * DEPTH,
}


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def post_json(client: Client, url: str, body: str) -> Any:
    # The test client would re-raise a server error; a real server answers it with a 500.
    client.raise_request_exception = False
    return client.post(url, body, content_type="application/json")


def assert_refused(response: Any) -> None:
    assert response.status_code == 400, response.content[:300]
    assert response.json() == {"detail": "JSON parse error - nested too deeply"}


@pytest.mark.parametrize("shape", list(NESTED))
@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/feedback/"])
def test_anonymous_endpoints_answer_deep_json_with_400(url: str, shape: str) -> None:
    assert_refused(post_json(Client(), url, NESTED[shape]))


@pytest.mark.parametrize("shape", list(NESTED))
def test_feedback_api_signed_in_answers_deep_json_with_400(shape: str) -> None:
    client = Client()
    client.force_login(make_user())
    assert_refused(post_json(client, "/api/v1/feedback/", NESTED[shape]))


@pytest.mark.parametrize("shape", list(NESTED))
def test_images_api_answers_deep_json_with_400_and_stores_nothing(shape: str) -> None:
    client = Client()
    client.force_login(make_user())
    assert_refused(post_json(client, "/api/v1/images/", NESTED[shape]))
    assert not ImageUpload.objects.exists()


@pytest.mark.parametrize("shape", list(NESTED))
def test_decision_api_answers_deep_json_with_400_and_decides_nothing(shape: str) -> None:
    entry = queued_image()
    client = Client()
    client.force_login(make_moderator())
    url = f"/api/v1/reviews/{entry.id}/decision/"
    assert_refused(post_json(client, url, NESTED[shape]))
    entry.refresh_from_db()
    assert entry.resolved_at is None


def api_view_classes(patterns: Any = None) -> Iterator[type[APIView]]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from api_view_classes(pattern.url_patterns)
        elif isinstance(cls := getattr(pattern.callback, "cls", None), type) and issubclass(
            cls, APIView
        ):
            yield cls


def test_every_api_view_parses_json_with_the_guarded_parser() -> None:
    """A view naming DRF's own JSONParser (as ObtainAuthToken does) would answer 500 again."""
    views = list(api_view_classes())
    assert views
    for view in views:
        json_parsers = [p for p in view.parser_classes if issubclass(p, parsers.JSONParser)]
        assert all(issubclass(p, JSONParser) for p in json_parsers), view
