"""A moderator compares an upload with the rejected image it matches, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from moderation.images import hashbank, services
from moderation.images.models import HashBankEntry
from moderation.models import ItemStatus, Policy, ReviewItem
from moderation.policy.models import HashMatchAction
from tests.browser.conftest import SignIn
from tests.factories import make_moderator, make_user, upload_file
from tests.test_hashbank import encoded, photo


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def filters(page: Page) -> list[str]:
    return list(
        page.eval_on_selector_all(
            "figure.preview img", "images => images.map(i => getComputedStyle(i).filter)"
        )
    )


def test_moderator_sees_both_images_side_by_side_blurred(signed_in_page: SignIn) -> None:
    source = services.image_upload_create(owner=make_user(), upload=upload_file(encoded(photo(21))))
    source.refresh_from_db()
    hashbank.hashbank_entry_add(
        pdq_hash=source.pdq_hash, reason="rejected: violence", note="case 12", source_item=source
    )
    Policy.objects.update(hash_match_action=HashMatchAction.REVIEW)
    image = services.image_upload_create(
        owner=make_user(), upload=upload_file(encoded(photo(21).resize((240, 180)), quality=60))
    )
    services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW
    entry = ReviewItem.objects.get(item_id=image.id)

    page = signed_in_page(make_moderator(), then=f"/review/{entry.id}/")
    match = page.locator("#hash-match-1")
    expect(match).to_contain_text("Matches a rejected image")
    expect(match).to_contain_text("rejected: violence")
    expect(match).to_contain_text("case 12")
    expect(match).to_contain_text(str(source.id))
    sides = match.locator("figure.preview")
    expect(sides).to_have_count(2)
    for side in (match.locator("img.match-this"), match.locator("img.match-source")):
        expect(side).to_have_js_property("complete", True)
        assert side.evaluate("img => img.naturalWidth") > 0  # the files are served
    # Every image on the page is blurred and grey until revealed, and one key reveals all.
    assert len(filters(page)) == 3
    assert all("blur" in f and "grayscale" in f for f in filters(page))
    page.keyboard.press("b")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('figure.preview img'))"
        ".every(i => getComputedStyle(i).filter === 'none')"
    )
    expect(sides.first).to_have_attribute("data-blurred", "false")
    # Clicking either image blurs them all again.
    match.locator("img.match-source").click()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('figure.preview img'))"
        ".every(i => getComputedStyle(i).filter.includes('blur'))"
    )
    assert HashBankEntry.objects.filter(source_item=source).exists()
