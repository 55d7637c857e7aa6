"""The review dashboard in headless Chromium, driven by the keyboard as a moderator would."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from tests.browser.conftest import SignIn
from tests.factories import make_moderator, make_user
from tests.test_reviews import queued_image


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def blur_filter(page: Page) -> str:
    return str(page.eval_on_selector("#preview-image", "img => getComputedStyle(img).filter"))


def test_moderator_reviews_with_the_keyboard_only(signed_in_page: SignIn) -> None:
    first, second = queued_image(), queued_image()
    moderator = make_moderator()
    page = signed_in_page(moderator, then="/review/")

    expect(page.locator(".queue-row")).to_have_count(2)
    page.locator("#start-reviewing").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/review/{first.id}/")

    # Blurred and grey until revealed.
    expect(page.locator("#preview")).to_have_class("preview blurred")
    assert "blur" in blur_filter(page) and "grayscale" in blur_filter(page)
    expect(page.locator("#preview-image")).to_have_js_property("complete", True)
    assert page.eval_on_selector("#preview-image", "img => img.naturalWidth") > 0
    page.keyboard.press("b")
    expect(page.locator("#preview")).to_have_class("preview")
    page.wait_for_function(  # after the 0.15 s transition
        # A function, not an expression: the page's CSP forbids eval of strings.
        "() => getComputedStyle(document.getElementById('preview-image')).filter === 'none'"
    )

    page.keyboard.press("a")
    page.wait_for_url(f"**/review/{second.id}/")
    expect(page.locator(".message.success")).to_have_text("Approved.")
    expect(page.locator("#preview")).to_have_class("preview blurred")  # the default again

    assert ImageUpload.objects.get(id=first.item_id).status == ItemStatus.APPROVED
    decision = AuditEvent.objects.get(item_id=first.item_id, action="decision")
    assert decision.reasons[0]["reason"] == "ok"  # no reason chosen: the first approve one

    # Changed my mind: the last decision can be undone from the next item's page.
    expect(page.locator("#undo-decision-bar")).to_contain_text("The last item was approved.")
    page.locator("#undo-decision").click()
    page.wait_for_url(f"**/review/{first.id}/")
    expect(page.locator(".message.success")).to_have_text("Undone: the item is back in the queue.")
    assert ImageUpload.objects.get(id=first.item_id).status == ItemStatus.IN_REVIEW
    assert ReviewItem.objects.get(id=second.id).claimed_by == moderator


def test_rejecting_asks_for_a_reason_first(signed_in_page: SignIn) -> None:
    entry = queued_image()
    page = signed_in_page(make_moderator(), then=f"/review/{entry.id}/")

    expect(page.locator("#reason")).to_have_value("")  # a rejection never starts from "ok"
    page.keyboard.press("r")
    expect(page.locator("#decide-hint")).to_contain_text("Choose why it is rejected")
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.IN_REVIEW

    page.locator("body").click()  # leave the reason list the hint focused
    page.keyboard.press("4")  # 4. Violence
    expect(page.locator("#reason")).to_have_value("violence")
    expect(page.locator("#reason-guidance")).to_have_text("Violence, gore or threats of harm.")
    page.keyboard.press("r")
    page.wait_for_url("**/review/")
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.REJECTED
    decision = AuditEvent.objects.get(item_id=entry.item_id, action="decision")
    assert decision.reasons[0]["reason"] == "violence"


def test_a_reject_reason_then_approve_is_refused_and_nothing_decided(
    signed_in_page: SignIn,
) -> None:
    entry = queued_image()
    page = signed_in_page(make_moderator(), then=f"/review/{entry.id}/")
    page.keyboard.press("3")  # 3. Nudity: a reject reason
    page.keyboard.press("a")
    expect(page.locator(".message.error")).to_contain_text(
        "reason must be one of ok, false_positive to approve"
    )
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.IN_REVIEW


def test_shortcuts_help_opens_with_question_mark(signed_in_page: SignIn) -> None:
    queued_image()
    page = signed_in_page(make_moderator(), then="/review/")
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("approve")


def test_queue_rows_are_reachable_with_j_and_enter(signed_in_page: SignIn) -> None:
    entries = [queued_image(), queued_image()]
    page = signed_in_page(make_moderator(), then="/review/")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/review/{entries[1].id}/")


def test_a_submitter_is_refused_the_queue(signed_in_page: SignIn) -> None:
    page = signed_in_page(make_user(), then="/upload/")
    response = page.goto("/review/")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Moderators only")
    expect(page.locator("nav.nav")).not_to_contain_text("Review")
