"""The images API and the web pages, as a client sees them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.test import Client

from moderation.models import ImageUpload, ItemStatus
from tests.factories import image_bytes, make_moderator, make_user
from tests.test_images import png_declaring, zip_archive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker_and_fresh_limits() -> Iterator[mock.MagicMock]:
    cache.clear()
    with mock.patch("moderation.tasks.analyze_image.delay") as delay:
        yield delay


def signed_in(user: Any = None) -> tuple[Client, Any]:
    user = user or make_user()
    client = Client()
    client.force_login(user)
    return client, user


def post_image(client: Client, content: bytes, name: str = "photo.jpg") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/api/v1/images/", {"image": SimpleUploadedFile(name, content, "image/jpeg")}
    )


def stored_files() -> list[str]:
    if not default_storage.exists("quarantine"):
        return []
    return default_storage.listdir("quarantine")[1]


def test_upload_answers_202_at_once(django_capture_on_commit_callbacks: Any) -> None:
    client, user = signed_in()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_image(client, image_bytes())
    assert response.status_code == 202
    body = response.json()
    image = ImageUpload.objects.get(id=body["id"])
    assert body == {"id": str(image.id), "status": "pending", "url": f"/api/v1/images/{image.id}/"}
    assert image.owner == user


def test_anonymous_upload_is_401() -> None:
    response = post_image(Client(), image_bytes())
    assert response.status_code == 401
    assert not ImageUpload.objects.exists()


def test_missing_field_is_400_naming_it() -> None:
    client, _ = signed_in()
    response = client.post("/api/v1/images/", {})
    assert response.status_code == 400
    assert "image" in response.json()


@pytest.mark.parametrize(
    ("content", "status", "fragment"),
    [
        (b"", 400, "empty"),
        (b"just some text, not an image\n", 400, "JPEG, PNG, WebP or GIF"),
        (image_bytes()[:200], 400, "truncated"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', 400, "JPEG, PNG, WebP or GIF"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", 400, "JPEG, PNG, WebP or GIF"),
        (png_declaring(20000, 20000), 400, "20000×20000 pixels (400.0 MP); the limit is 40 MP"),
        (image_bytes() + zip_archive(), 400, "polyglot"),
    ],
    ids=["empty", "text-as-jpg", "truncated-jpeg", "svg", "pdf", "png-bomb", "zip-polyglot"],
)
def test_bad_images_are_refused_and_leave_nothing(
    content: bytes, status: int, fragment: str
) -> None:
    client, _ = signed_in()
    response = post_image(client, content)
    assert response.status_code == status
    message = " ".join(response.json()["image"])
    assert fragment in message
    assert not ImageUpload.objects.exists()
    assert stored_files() == []


def test_too_large_is_413_naming_the_limit(settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    client, _ = signed_in()
    response = post_image(client, image_bytes(size=(400, 400), fmt="PNG") + b"\0" * 2000)
    assert response.status_code == 413
    assert "1000 bytes" in " ".join(response.json()["image"])
    assert not ImageUpload.objects.exists()


def test_way_too_large_is_refused_before_parsing(settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    client, _ = signed_in()
    response = post_image(client, b"\xff\xd8" + b"\0" * 200_000)
    assert response.status_code == 413
    assert not ImageUpload.objects.exists()


def test_uploads_are_rate_limited(settings: Any) -> None:
    settings.UPLOAD_RATE = "2/minute"
    client, _ = signed_in()
    assert post_image(client, image_bytes()).status_code == 202
    assert post_image(client, image_bytes()).status_code == 202
    response = post_image(client, image_bytes())
    assert response.status_code == 429
    assert ImageUpload.objects.count() == 2
    # Another user has a budget of their own; reading is not limited.
    assert post_image(signed_in()[0], image_bytes()).status_code == 202
    assert client.get("/api/v1/images/").status_code == 200


def test_list_shows_only_own_images() -> None:
    client, _ = signed_in()
    post_image(client, image_bytes())
    post_image(signed_in()[0], image_bytes())
    response = client.get("/api/v1/images/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_detail_shape_and_access() -> None:
    owner_client, _ = signed_in()
    image_id = post_image(owner_client, image_bytes()).json()["id"]
    ImageUpload.objects.filter(id=image_id).update(
        status=ItemStatus.IN_REVIEW,
        labels=[{"name": "Weapons", "parent": "Violence", "confidence": 70.0}],
        reasons=[{"label": "Weapons", "confidence": 70.0, "band": "review", "threshold": 50,
                  "category": "Violence"}],
    )  # fmt: skip

    body = owner_client.get(f"/api/v1/images/{image_id}/").json()
    assert body["status"] == "in_review"
    assert body["decided_by"] is None and body["decided_at"] is None
    assert body["labels"] == [{"name": "Weapons", "parent": "Violence", "confidence": 70.0}]
    assert body["reasons"][0]["band"] == "review"
    assert {"id", "created_at", "url"} <= set(body)

    assert signed_in()[0].get(f"/api/v1/images/{image_id}/").status_code == 404
    assert Client().get(f"/api/v1/images/{image_id}/").status_code == 401
    moderator_client, _ = signed_in(make_moderator())
    assert moderator_client.get(f"/api/v1/images/{image_id}/").status_code == 200


def test_token_auth() -> None:
    make_user(username="tok")
    response = Client().post("/api/v1/auth/token/", {"username": "tok", "password": "pw-for-tests"})
    assert response.status_code == 200
    token = response.json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/images/").status_code == 200
    assert Client(HTTP_AUTHORIZATION="Token wrong").get("/api/v1/images/").status_code == 401


def test_quarantined_file_is_shown_to_moderators_only() -> None:
    owner_client, _ = signed_in()
    image_id = post_image(owner_client, image_bytes()).json()["id"]
    url = f"/images/{image_id}/file"

    assert owner_client.get(url).status_code == 404
    assert signed_in()[0].get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    moderator_client, _ = signed_in(make_moderator())
    response = moderator_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")  # type: ignore[attr-defined]


def test_approved_file_is_shown_to_its_owner_not_to_others() -> None:
    owner_client, _ = signed_in()
    image_id = post_image(owner_client, image_bytes()).json()["id"]
    ImageUpload.objects.filter(id=image_id).update(status=ItemStatus.APPROVED)
    url = f"/images/{image_id}/file"
    response = owner_client.get(url)
    assert response.status_code == 200
    assert "inline" in response["Content-Disposition"]
    assert signed_in()[0].get(url).status_code == 404


def test_user_files_have_no_public_url() -> None:
    client, _ = signed_in()
    image = ImageUpload.objects.get(id=post_image(client, image_bytes()).json()["id"])
    with pytest.raises(ValueError):
        default_storage.url(image.file_key)


def test_upload_page_form_and_live_list(django_capture_on_commit_callbacks: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, _ = signed_in()
    page = client.get("/upload/")
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    assert b"Nothing uploaded yet" in page.content

    response = client.post(
        "/upload/",
        {"image": SimpleUploadedFile("beach.jpg", image_bytes(), "image/jpeg")},
        follow=True,
    )
    assert b"beach.jpg uploaded" in response.content
    assert b'hx-trigger="every 2s"' in response.content  # polls while pending
    ImageUpload.objects.update(status=ItemStatus.APPROVED)
    partial = client.get("/upload/mine/", HTTP_HX_REQUEST="true")
    assert b"hx-trigger" not in partial.content
    assert b"Approved" in partial.content
    assert b"<html" not in partial.content  # the grid alone, for the upload page to swap in


def test_my_uploads_opened_directly_is_a_whole_page() -> None:
    client, _ = signed_in()
    assert post_image(client, image_bytes(), name="beach.jpg").status_code == 202

    page = client.get("/upload/mine/")

    assert page.status_code == 200
    html = page.content.decode()
    assert html.startswith("<!doctype html>") and "<h1>My uploads</h1>" in html
    assert 'id="my-uploads"' in html and 'href="/upload/"' in html and "beach.jpg" in html


def test_upload_page_shows_a_clear_error_for_a_bad_file() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, _ = signed_in()
    response = client.post(
        "/upload/", {"image": SimpleUploadedFile("notes.jpg", b"hello", "image/jpeg")}, follow=True
    )
    assert b"notes.jpg: image must be a JPEG, PNG, WebP or GIF" in response.content
    assert not ImageUpload.objects.exists()


def test_upload_page_needs_login() -> None:
    response = Client().get("/upload/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_openapi_schema_describes_the_images_api() -> None:
    client, _ = signed_in()
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/images/", "/api/v1/images/{image_id}/", "/api/v1/auth/token/"} <= set(paths)
    assert "202" in paths["/api/v1/images/"]["post"]["responses"]
