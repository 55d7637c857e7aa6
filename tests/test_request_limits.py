"""Bodies refused by their declared length before anything reads them, and private answers that
no cache keeps.

The test client's request body is a `FakePayload` that raises when read past its end: each
request here declares 200 MB and carries a few bytes, so a view, form or CSRF check that tried
to read the declared body would fail the test instead of answering 413.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.test import Client

from feedback.models import Feedback
from moderation.models import ImageUpload
from project.limits import MULTIPART_SLACK_BYTES
from tests.factories import make_moderator, make_user, token_header
from tests.routes import all_routes
from tests.test_security_headers import pages

pytestmark = pytest.mark.django_db

HUGE = 200 * 1024 * 1024
NO_STORE = "no-store"


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def declaring(client: Client, path: str, length: int, body: bytes = b"x=1") -> Any:
    return client.post(
        path,
        body,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(length),
    )


def test_every_route_refuses_a_huge_declared_body_unread() -> None:
    anonymous, signed_in = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    signed_in.force_login(make_moderator())
    for route in all_routes():
        for client in (anonymous, signed_in):
            response = declaring(client, route.path(), HUGE)
            assert response.status_code == 413, (str(route), response.status_code)
    assert not ImageUpload.objects.exists() and not Feedback.objects.exists()


@pytest.mark.parametrize("path", ["/upload/", "/feedback/", "/accounts/login/"])
def test_web_forms_name_the_limit_in_plain_words(path: str, settings: Any) -> None:
    response = declaring(Client(enforce_csrf_checks=True), path, HUGE)
    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert f"{HUGE} bytes" in text
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if path == "/upload/":
        limit = settings.MAX_UPLOAD_BYTES + MULTIPART_SLACK_BYTES
    assert f"the limit here is {limit} bytes" in text


def test_the_api_keys_the_refusal_by_field_or_detail(settings: Any) -> None:
    client = Client()
    client.force_login(make_user())
    images = declaring(client, "/api/v1/images/", HUGE)
    assert images.status_code == 413
    limit = settings.MAX_UPLOAD_BYTES + MULTIPART_SLACK_BYTES
    assert f"the limit here is {limit} bytes" in images.json()["image"][0]
    feedback = declaring(Client(), "/api/v1/feedback/", HUGE)
    assert feedback.status_code == 413
    assert (
        f"the limit here is {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes"
        in (feedback.json()["detail"])
    )


def test_upload_routes_accept_bodies_past_the_default_limit(settings: Any) -> None:
    # 3 MB: over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB), within MAX_UPLOAD_BYTES (10 MiB). The
    # body is read and judged on its content (not an image), not refused for its length.
    junk = b"\0" * (3 * 1024 * 1024)
    assert len(junk) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    client = Client()
    client.force_login(make_user())
    response = client.post("/api/v1/images/", {"image": _file(junk)})
    assert response.status_code == 400, response.content
    assert "image" in response.json()
    page = client.post("/upload/", {"image": _file(junk)})
    assert page.status_code == 302  # back to the form, which shows what was wrong
    assert not ImageUpload.objects.exists()


def test_a_body_at_the_limit_is_read_as_usual(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64
    body = b"text=" + b"a" * 59
    assert len(body) == 64
    response = Client().post(
        "/api/v1/feedback/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code != 413
    refused = Client().post(
        "/api/v1/feedback/", body + b"a", content_type="application/x-www-form-urlencoded"
    )
    assert refused.status_code == 413


def test_the_server_answers_413_without_waiting_for_the_body(
    live_server: Any, django_db_serialized_rollback: None
) -> None:
    """As over the wire: headers declaring 200 MB and no body at all. The answer comes back at
    once; a server that read the body would wait for bytes that never come. (Serialized
    rollback, like every transactional test here: see tests/browser/conftest.py.)"""
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"POST /upload/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {HUGE}\r\n\r\n".encode()
        )
        answer = conn.recv(4096)  # raises TimeoutError if nothing came within 10 s
    assert answer.startswith(b"HTTP/1.1 413")


def _file(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("big.png", content, content_type="image/png")


# ---- Cache-Control ---------------------------------------------------------------------------


def test_every_page_of_a_signed_in_user_is_no_store() -> None:
    clients, urls = pages()
    for who, url in urls:
        if who == "anonymous":
            continue
        response = clients[who].get(url)
        assert response.status_code == 200, (who, url)
        assert NO_STORE in response["Cache-Control"], (who, url)
        assert "private" in response["Cache-Control"], (who, url)


def test_the_history_csv_and_api_answers_are_no_store() -> None:
    moderator = make_moderator()
    client = Client()
    client.force_login(moderator)
    csv = client.get("/review/history/", {"format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert NO_STORE in csv["Cache-Control"]
    api = Client(HTTP_AUTHORIZATION=token_header(moderator))
    for path in ("/api/v1/reviews/", "/api/v1/images/"):
        response = api.get(path)
        assert response.status_code == 200, path
        assert NO_STORE in response["Cache-Control"], path
    refused = Client().get("/api/v1/images/")  # 401: still nothing to keep
    assert refused.status_code == 401 and NO_STORE in refused["Cache-Control"]
