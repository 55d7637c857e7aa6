"""Queue thumbnails: small, grey and blurred, made by the server (never the stored file), for
moderators only, not cached outside the server, made once per content."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from moderation.images import thumbnails
from moderation.models import ImageUpload
from tests.factories import make_moderator, make_user, signed_in
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""
    cache.clear()


def test_a_moderator_gets_a_small_grey_blurred_copy_not_the_file() -> None:
    entry = queued_image()
    image = ImageUpload.objects.get(id=entry.item_id)
    response = signed_in(make_moderator()).get(f"/images/{image.id}/thumbnail")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}
    assert response["X-Content-Type-Options"] == "nosniff"
    with default_storage.open(image.file_key, "rb") as stored:
        original = stored.read()
    assert response.content != original
    thumb = Image.open(io.BytesIO(response.content))
    assert thumb.mode == "L" and max(thumb.size) <= thumbnails.SIZE


def largest_step(image: Image.Image) -> int:
    """The largest difference between horizontally neighbouring pixels."""
    pixels, width = list(image.tobytes()), image.size[0]
    return max(abs(pixels[i] - pixels[i + 1]) for i in range(len(pixels) - 1) if (i + 1) % width)


def test_a_sharp_edge_comes_out_grey_and_blurred() -> None:
    sharp = Image.new("RGB", (400, 300), (255, 0, 0))
    sharp.paste((0, 0, 255), (200, 0, 400, 300))  # a hard red|blue edge down the middle
    buffer = io.BytesIO()
    sharp.save(buffer, format="PNG")
    thumb = Image.open(io.BytesIO(thumbnails.thumbnail_bytes(buffer.getvalue())))
    assert thumb.mode == "L" and thumb.size == (96, 72)
    assert largest_step(sharp.convert("L")) > 40  # the edge, before
    assert largest_step(thumb) < 15  # spread over many pixels, after


def test_the_queue_row_shows_the_thumbnail_not_the_file() -> None:
    entry = queued_image()
    page = signed_in(make_moderator()).get("/review/").content.decode()
    assert f'src="/images/{entry.item_id}/thumbnail"' in page
    assert f"/images/{entry.item_id}/file" not in page


def test_submitters_and_strangers_get_no_thumbnail() -> None:
    owner = make_user()
    entry = queued_image(owner)
    path = f"/images/{entry.item_id}/thumbnail"
    assert signed_in(owner).get(path).status_code == 404  # even of their own image
    assert signed_in(make_user()).get(path).status_code == 404
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_it_is_made_once_per_content() -> None:
    first, second = queued_image(), queued_image()  # the same bytes
    client = signed_in(make_moderator())
    with mock.patch.object(thumbnails, "thumbnail_bytes", wraps=thumbnails.thumbnail_bytes) as made:
        for entry in (first, first, second):
            assert client.get(f"/images/{entry.item_id}/thumbnail").status_code == 200
    assert made.call_count == 1


def test_a_purged_image_has_no_thumbnail() -> None:
    entry = queued_image()
    ImageUpload.objects.filter(id=entry.item_id).update(file_key="")
    response = signed_in(make_moderator()).get(f"/images/{entry.item_id}/thumbnail")
    assert response.status_code == 410
