"""Appeals in headless Chromium: a submitter appeals from their pages, a moderator overturns from
the appeals page, and both sides see the outcome. The pages pass axe and fit a phone."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from playwright.sync_api import Page, expect

from feedback.models import Feedback
from moderation.appeals import services as appeals
from moderation.appeals.models import Appeal, AppealState
from moderation.models import ImageUpload, ItemStatus
from tests.browser.conftest import SignIn
from tests.browser.test_every_page import PHONE, axe_violations, sideways
from tests.factories import make_moderator, make_user
from tests.test_appeals import machine_rejected_feedback, owner_of, rejected_image


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def page_problems(page: Page) -> list[str]:
    problems = [f"axe {json.dumps(violation)}" for violation in axe_violations(page)]
    if wider := sideways(page):
        problems.append(wider)
    return problems


def test_a_submitter_appeals_a_rejected_image_from_my_uploads(signed_in_page: SignIn) -> None:
    image = rejected_image(owner=make_user(email="owner@example.com"))
    page = signed_in_page(owner_of(image), then="/upload/")
    page.set_viewport_size(PHONE)
    card = page.locator('.thumb[data-status="rejected"]')

    card.get_by_text("Appeal", exact=True).click()
    card.get_by_label("Why is the decision wrong?").fill("It is a water pistol, not a gun.")
    assert page_problems(page) == []
    card.get_by_role("button", name="Send appeal").click()

    page.wait_for_url("**/upload/")
    expect(page.locator(".messages")).to_contain_text("Appeal sent")
    expect(card.locator('[data-appeal-state="open"]')).to_contain_text("Appeal sent")
    expect(card.get_by_role("button", name="Send appeal")).to_have_count(0)
    appeal = Appeal.objects.get()
    assert (appeal.item_id, appeal.message) == (image.id, "It is a water pistol, not a gun.")


def test_a_too_long_appeal_is_refused_with_the_limit(signed_in_page: SignIn) -> None:
    author = make_user()
    feedback = machine_rejected_feedback(author=author)
    page = signed_in_page(author, then=f"/feedback/{feedback.id}/")
    page.get_by_text("Appeal", exact=True).click()
    box = page.get_by_label("Why is the decision wrong?")
    # The browser stops at maxlength; a client that does not gets the limit named.
    box.evaluate("(e) => e.removeAttribute('maxlength')")
    box.fill("x" * 2001)
    page.get_by_role("button", name="Send appeal").click()

    expect(page.locator(".messages")).to_contain_text(
        "message is 2001 characters; the limit is 2000 characters"
    )
    assert not Appeal.objects.exists()
    page.get_by_text("Appeal", exact=True).click()
    page.get_by_label("Why is the decision wrong?").fill("I only said what happened.")
    page.get_by_role("button", name="Send appeal").click()
    expect(page.locator('[data-appeal-state="open"]')).to_be_visible()
    assert Appeal.objects.get().message == "I only said what happened."


def test_a_moderator_overturns_from_the_appeals_page_and_the_submitter_sees_it(
    signed_in_page: SignIn,
) -> None:
    rejecter = make_moderator()
    image = rejected_image(owner=make_user(email="owner@example.com"), moderator=rejecter)
    owner = owner_of(image)
    appeals.appeal_create(item=image, submitter=owner, message="It is a water pistol.")
    mail.outbox.clear()

    # The moderator who rejected it does not get it in their list.
    theirs = signed_in_page(rejecter, then="/review/appeals/")
    expect(theirs.locator("#appeals-hidden")).to_be_visible()
    expect(theirs.get_by_role("link", name="It is a water pistol.")).to_have_count(0)

    page = signed_in_page(make_moderator(), then="/review/appeals/")
    assert page_problems(page) == []
    page.get_by_role("link", name="It is a water pistol.").click()
    page.wait_for_url("**/review/appeals/*/")
    expect(page.locator("#appeal-message")).to_have_text("It is a water pistol.")
    expect(page.locator("#preview-image")).to_be_attached()
    assert page_problems(page) == []
    page.get_by_label("Note").fill("Agreed: a toy.")
    page.get_by_role("button", name="Overturn: approve").click()

    page.wait_for_url("**/review/appeals/")
    expect(page.locator(".messages")).to_contain_text("Appeal accepted")
    image = ImageUpload.objects.get(id=image.id)
    assert image.status == ItemStatus.APPROVED
    assert image.file_key.startswith("images/approved/") and default_storage.exists(image.file_key)
    assert Appeal.objects.get().state == AppealState.OVERTURNED
    assert [m.subject for m in mail.outbox] == ["Your appeal was accepted"]

    mine = signed_in_page(owner, then="/upload/")
    card = mine.locator(".thumb").first
    expect(card).to_have_attribute("data-status", "approved")
    expect(card.locator('[data-appeal-state="overturned"]')).to_contain_text(
        "Your appeal was accepted."
    )
    expect(card).to_contain_text("Agreed: a toy.")


def test_overturning_feedback_asks_for_its_sentiment(signed_in_page: SignIn) -> None:
    author = make_user()
    feedback = machine_rejected_feedback(author=author)
    appeal = appeals.appeal_create(item=feedback, submitter=author, message="Fair criticism.")
    page = signed_in_page(make_moderator(), then=f"/review/appeals/{appeal.id}/")

    page.get_by_role("button", name="Overturn: approve").click()
    expect(page.locator(".messages")).to_contain_text("sentiment is required")
    assert Appeal.objects.get().state == AppealState.OPEN

    page.get_by_label("Negative").check()
    page.get_by_role("button", name="Overturn: approve").click()
    page.wait_for_url("**/review/appeals/")
    feedback = Feedback.objects.get(id=feedback.id)
    assert (feedback.status, feedback.sentiment) == (ItemStatus.APPROVED, "negative")
