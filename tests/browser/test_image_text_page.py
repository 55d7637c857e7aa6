"""A moderator sees the text read off an image, its personal data masked, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench.ocr_data import VARIANTS, Phrase, render
from moderation.images import services
from moderation.models import ImageUpload, ReviewItem
from tests.browser.conftest import SignIn
from tests.factories import make_moderator, make_user, upload_file


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and the pixels put every image in the review band (tests/conftest.py)."""


def test_moderator_sees_the_text_found_with_the_phone_number_masked(
    signed_in_page: SignIn,
) -> None:
    # The real local reader and the real text analysis on a rendered poster.
    poster = render(Phrase("Ring meg: 912 34 567", "nb", ""), VARIANTS[1])
    image = services.image_upload_create(
        owner=make_user(), upload=upload_file(poster, "poster.png", "image/png")
    )
    services.image_analyze(image_id=image.id)
    entry = ReviewItem.objects.get(item_id=image.id)
    assert "912 34 567" not in ImageUpload.objects.get(id=image.id).found_text

    page = signed_in_page(make_moderator(), then=f"/review/{entry.id}/")
    found = page.locator("#found-text")
    expect(found).to_contain_text("meg")
    expect(found).to_contain_text("[PHONE]")
    expect(page.locator("#text-found")).not_to_contain_text("912 34 567")
    expect(page.locator("#text-found")).to_contain_text("Personal data masked: PHONE")
