"""A moderator who reads Norwegian works the queue with the keyboard, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem, UserPreference
from tests.browser.conftest import SignIn
from tests.factories import make_moderator
from tests.test_reviews import queued_image


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def test_norwegian_moderator_decides_with_the_keyboard(signed_in_page: SignIn) -> None:
    first, second = queued_image(), queued_image()
    moderator = make_moderator()
    UserPreference.objects.create(user=moderator, language="nb")
    page = signed_in_page(moderator, then="/review/")

    # The queue.
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("h1")).to_contain_text("Vurderingskø")
    expect(page.locator("#start-reviewing")).to_contain_text("Start vurdering")
    expect(page.locator("#queue-table thead")).to_contain_text("Hvorfor den er her")
    expect(page.locator(".queue-row")).to_have_count(2)
    expect(page.locator("#language-picker")).to_have_value("nb")

    # Open the oldest item.
    page.locator("#start-reviewing").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/review/{first.id}/")
    expect(page.locator("aside h2").first).to_have_text("Hvorfor er denne her?")
    expect(page.locator(".reasons")).to_have_text(
        "Weapons 70,0 % ≥ vurderingsgrensen 50 %, < avvisningsgrensen 90 %Grensene til Violence."
    )
    expect(page.locator("#toggle-blur")).to_contain_text("Vis")
    expect(page.locator("#toggle-blur")).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("b")  # its state changes, its name stays
    expect(page.locator("#toggle-blur")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#toggle-blur")).to_contain_text("Vis")

    # Reject: a reason first, then r.
    page.keyboard.press("r")
    expect(page.locator("#decide-hint")).to_have_text(
        "Velg hvorfor den avvises (tastene 1–9, 0), og trykk r igjen."
    )
    assert ImageUpload.objects.get(id=first.item_id).status == ItemStatus.IN_REVIEW
    page.locator("body").click()  # leave the reason list the hint focused
    page.keyboard.press("4")
    expect(page.locator("#reason")).to_have_value("violence")
    expect(page.locator("#reason option:checked")).to_have_text("4. Vold")
    page.keyboard.press("r")

    # On to the next item, told in Norwegian.
    page.wait_for_url(f"**/review/{second.id}/")
    expect(page.locator(".message.success")).to_have_text("Avvist.")
    expect(page.locator("#approve")).to_contain_text("Godkjenn")

    image = ImageUpload.objects.get(id=first.item_id)
    assert (image.status, image.decided_by) == (ItemStatus.REJECTED, "moderator")
    assert ReviewItem.objects.get(id=first.id).resolved_at is not None
    event = AuditEvent.objects.get(item_id=image.id, action="decision")
    assert (event.actor, event.to_status) == (moderator, ItemStatus.REJECTED)
    assert event.reasons == [{"label": "moderator", "band": "reject", "reason": "violence"}]
    assert ReviewItem.objects.get(id=second.id).claimed_by == moderator
    assert ImageUpload.objects.get(id=second.item_id).status == ItemStatus.IN_REVIEW
