"""The queue's thumbnails and groups, and the item page's rule, submitter and group decision,
in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from moderation.models import AuditEvent, ImageUpload, ItemStatus
from tests.browser.conftest import SignIn
from tests.factories import make_moderator, make_user
from tests.test_reviews import queued_image


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def test_a_group_of_identical_images_is_seen_in_the_queue_and_decided_together(
    signed_in_page: SignIn,
) -> None:
    first = queued_image(make_user(username="sigrid"))
    second = queued_image()  # the same bytes from someone else
    page = signed_in_page(make_moderator(), then="/review/")

    # Two rows, each with a server-made thumbnail that loaded, and the group marked.
    expect(page.locator(".queue-row")).to_have_count(2)
    expect(page.locator(".queue-thumb")).to_have_count(2)
    for thumb in page.locator(".queue-thumb").all():
        expect(thumb).to_have_js_property("complete", True)
        assert thumb.evaluate("img => img.naturalWidth") > 0
        assert "/thumbnail" in str(thumb.get_attribute("src"))
    expect(page.locator(".badge.group")).to_have_text(["2 identical", "2 identical"])

    page.goto(page.url.replace("/review/", f"/review/{first.id}/"))
    expect(page.locator(".reasons .rule")).to_have_text(
        "Weapons 70.0 % ≥ review threshold 50 %, < reject threshold 90 %"
    )
    expect(page.locator("#submitter")).to_contain_text("sigrid")
    expect(page.locator("#submitter .submitter-counts")).to_have_text(
        "0 approved · 0 rejected · 1 open"
    )
    expect(page.locator("#group")).to_contain_text("1 identical open item")

    page.locator("#approve-group").click()
    page.wait_for_url("**/review/")
    expect(page.locator(".message.success")).to_contain_text("2 items approved.")
    for entry in (first, second):
        assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.APPROVED
        assert AuditEvent.objects.filter(item_id=entry.item_id, action="decision").count() == 1
