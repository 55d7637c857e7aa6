"""CSRF: every URL of the site refuses a cookie-authenticated POST without a token.

The routes come from the resolver, so a form added later is checked without anyone
remembering to list it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from feedback.models import Feedback
from moderation.models import ImageUpload
from tests.factories import ReviewAnalyzer, image_bytes, make_moderator, make_user, token_header
from tests.routes import Route, all_routes
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db

ROUTES = all_routes()


@pytest.fixture(autouse=True)
def _offline(settings: Any) -> Iterator[None]:
    cache.clear()
    settings.UPLOAD_RATE = settings.FEEDBACK_RATE = "10000/minute"
    settings.UPLOAD_ADDRESS_RATE = settings.FEEDBACK_ADDRESS_RATE = "10000/minute"
    with (
        mock.patch("moderation.tasks.analyze_image.delay"),
        mock.patch("feedback.tasks.analyze_feedback.delay"),
        mock.patch("moderation.images.services.get_image_analyzer", return_value=ReviewAnalyzer()),
    ):
        yield


def superuser_moderator() -> User:
    """Someone every view lets through, so a refusal can only be the CSRF check's."""
    return make_moderator(is_staff=True, is_superuser=True)


def csrf_client(user: User | None) -> tuple[Client, str]:
    """A browser-like client: signed in by cookie, CSRF checks on, holding a CSRF cookie."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get("/feedback/")  # any page with a form sets the cookie
    return client, client.cookies["csrftoken"].value


def is_csrf_refusal(response: Any) -> bool:
    # Django's failure page and DRF's {"detail": "CSRF Failed: …"} both say so. Their words, not
    # just "CSRF": the site's own 403 page (templates/403.html) carries the X-CSRFToken header.
    return response.status_code == 403 and (
        b"CSRF verification failed" in response.content or b"CSRF Failed" in response.content
    )


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_post_without_a_token_is_refused(route: Route) -> None:
    client, _ = csrf_client(superuser_moderator())
    response = client.post(route.path(), {"text": "hello", "username": "x", "password": "y"})
    assert is_csrf_refusal(response), (route, response.status_code, response.content[:300])


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_post_with_the_token_passes_the_check(route: Route) -> None:
    client, token = csrf_client(superuser_moderator())
    response = client.post(route.path(), {"csrfmiddlewaretoken": token}, HTTP_X_CSRFTOKEN=token)
    assert not is_csrf_refusal(response), (route, response.content[:300])


def test_the_site_forms_are_among_the_routes_checked() -> None:
    """The walk above really covers the forms (and would, were one renamed or moved)."""
    names = {route.name for route in ROUTES}
    assert {
        "login", "logout", "signup", "upload", "feedback", "review-next", "review-bulk",
        "review-bulk-undo", "review-preferences", "review-decide", "review-renew",
        "review-reveal", "admin:login", "admin:moderation_policy_propose",
        "admin:moderation_policy_propose_from", "api-images", "api-feedback", "api-token",
        "api-review-claim", "api-review-decision",
    } <= names  # fmt: skip


def test_anonymous_forms_need_the_token_too() -> None:
    """Login CSRF: a forged login would sign the victim in as the attacker."""
    client, token = csrf_client(None)
    make_user(username="mallory")
    login = {"username": "mallory", "password": "pw-for-tests"}
    assert is_csrf_refusal(client.post("/accounts/login/", login))
    assert is_csrf_refusal(client.post("/accounts/signup/", {"username": "eve"}))
    assert is_csrf_refusal(client.post("/feedback/", {"text": "forged"}))
    assert not Feedback.objects.exists()
    assert (
        client.post("/accounts/login/", {**login, "csrfmiddlewaretoken": token}).status_code == 302
    )


def test_session_authenticated_api_posts_need_the_token() -> None:
    client, token = csrf_client(make_user())
    upload = {"image": SimpleUploadedFile("a.jpg", image_bytes(), "image/jpeg")}
    refused = client.post("/api/v1/images/", upload)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not ImageUpload.objects.exists()
    refused = client.post("/api/v1/feedback/", {"text": "forged"}, content_type="application/json")
    assert refused.status_code == 403 and not Feedback.objects.exists()

    upload = {"image": SimpleUploadedFile("a.jpg", image_bytes(), "image/jpeg")}
    assert client.post("/api/v1/images/", upload, HTTP_X_CSRFTOKEN=token).status_code == 202
    accepted = client.post(
        "/api/v1/feedback/", {"text": "real"}, content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )  # fmt: skip
    assert accepted.status_code == 202


def test_session_authenticated_moderator_api_posts_need_the_token() -> None:
    entry = queued_image()
    client, token = csrf_client(make_moderator())
    url = f"/api/v1/reviews/{entry.id}/decision/"
    decision = {"decision": "reject", "reason": "violence"}
    assert client.post(url, decision, content_type="application/json").status_code == 403
    assert client.post(f"/api/v1/reviews/{entry.id}/claim/").status_code == 403
    entry.refresh_from_db()
    assert entry.resolved_at is None and entry.claimed_by is None
    response = client.post(url, decision, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_token_authenticated_api_posts_need_no_csrf_token() -> None:
    """A token is sent on purpose by the client, never by a browser on its own: no CSRF."""
    user = make_user()
    client = Client(enforce_csrf_checks=True)
    upload = {"image": SimpleUploadedFile("a.jpg", image_bytes(), "image/jpeg")}
    response = client.post("/api/v1/images/", upload, HTTP_AUTHORIZATION=token_header(user))
    assert response.status_code == 202
