"""Flows behind the accessibility and phone work, in Chromium: blur off only when confirmed,
times in the viewer's zone, and the policy editor's preview before saving."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Dialog, Page, ViewportSize, expect

from moderation.models import ModeratorPreference, Policy
from moderation.review import services as review_services
from tests.browser.conftest import SignIn
from tests.browser.test_every_page import DESKTOP, PHONE, sign_in
from tests.factories import make_moderator, make_user
from tests.test_reviews import queued_image


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def blur_preference(user_id: int) -> bool:
    preference = ModeratorPreference.objects.filter(user_id=user_id).first()
    return True if preference is None else preference.blur_images


def test_turning_blur_off_needs_a_confirmation(signed_in_page: SignIn) -> None:
    entry = queued_image()
    moderator = make_moderator()
    page = signed_in_page(moderator, then=f"/review/{entry.id}/")
    box = page.get_by_label("Blur images by default")
    expect(box).to_be_checked()

    questions: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    box.click()
    expect(box).to_be_checked()  # said no: nothing changes
    assert questions and "unblurred" in questions[0]
    assert blur_preference(moderator.pk) is True

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        box.click()
    expect(page.get_by_label("Blur images by default")).not_to_be_checked()
    assert blur_preference(moderator.pk) is False

    # Turning it back on asks nothing.
    with page.expect_navigation():
        page.get_by_label("Blur images by default").click()
    assert blur_preference(moderator.pk) is True


def test_history_times_are_shown_in_the_viewers_zone(
    new_context: Callable[..., BrowserContext],
) -> None:
    moderator = make_moderator()
    entry = queued_image()
    review_services.review_claim(review_id=entry.id, moderator=moderator)
    review_services.review_decide(
        review_id=entry.id, moderator=moderator, decision="reject", reason="violence"
    )
    page = new_context(timezone_id="Asia/Kolkata", locale="en-GB").new_page()  # UTC+05:30
    sign_in(page, moderator)
    page.goto("/review/history/")
    stamp = page.locator("time[data-local]").first
    utc = stamp.get_attribute("datetime")
    assert utc and utc.endswith("+00:00")
    hours, minutes = int(utc[11:13]), int(utc[14:16])
    total = (hours * 60 + minutes + 330) % (24 * 60)
    local = f"{total // 60:02d}:{total % 60:02d}"
    expect(stamp).to_have_text(re.compile(rf"^{utc[:8]}\d\d {local} "))
    expect(stamp).to_contain_text(re.compile(r"GMT\+5:30|IST"))  # the zone is named
    expect(stamp).to_have_attribute("title", re.compile(r"UTC$"))  # the server's UTC stays


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_policy_preview_scrolls_into_view_and_then_saves(
    page: Page, viewport: ViewportSize
) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    page.set_viewport_size(viewport)
    sign_in(page, admin)
    page.goto("/admin/moderation/policy/propose/")
    page.get_by_label("Review at, Violence", exact=True).fill("80")

    # Saving unseen is refused: the preview appears instead, in view.
    page.get_by_label("What changes and why").fill("weapons at fairs")
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.locator("#save-refused")).to_be_visible()
    expect(page.locator("#preview")).to_be_in_viewport()
    expect(page.locator("#preview")).to_contain_text("Now (actual status)")
    assert Policy.objects.count() == 1

    page.get_by_role("button", name="Save as version 2").click()
    page.wait_for_url("**/admin/moderation/policy/")
    expect(page.locator(".messagelist")).to_contain_text("Saved as version 2.")
    v2 = Policy.objects.get(version=2)
    assert v2.comment == "weapons at fairs"
    assert v2.bands.get(category="Violence").review_at == 80


def test_policy_preview_button_scrolls_to_the_result(page: Page) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    page.set_viewport_size(PHONE)
    sign_in(page, admin)
    page.goto("/admin/moderation/policy/propose/")
    expect(page.locator("#preview")).to_have_count(0)
    page.get_by_role("button", name="Preview impact").click()
    expect(page.locator("#preview")).to_be_in_viewport()
    # An unknown category cannot even be chosen: the list is the taxonomy.
    options = page.locator("#id_bands-0-category option")
    assert options.count() > 50
