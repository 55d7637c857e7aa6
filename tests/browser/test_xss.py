"""Stored XSS: what users write (feedback text, file names) is shown as text, never run.

Every payload would set `window.__pwned` or open a dialog if it ran. The pages are opened in
Chromium with a listener on dialogs; the payload must be visible literally and nothing may
have run.
"""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from playwright.sync_api import Dialog, Page, expect

from feedback.models import Feedback
from moderation.models import ImageUpload, ItemStatus, ReviewItem
from tests.browser.conftest import SignIn
from tests.factories import image_bytes, make_moderator, make_user

PAYLOADS = [
    "<script>window.__pwned = 'script'; alert('script')</script>",
    "<img src=x onerror=\"window.__pwned='img'; alert('img')\">",
    "<a href=\"javascript:window.__pwned='link'\">click me</a>",
    "<svg onload=\"window.__pwned='svg'; alert('svg')\"><circle r=5></circle></svg>",
    "\"><script>window.__pwned='attr'</script>",
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
    '<div hx-get="/review/" hx-trigger="load" hx-on::load="window.__pwned=\'htmx\'">x</div>',
    "{{ 7*7 }} {% csrf_token %} ${alert('tpl')}",
]
TEXT = "Feedback with markup: " + " ".join(PAYLOADS)


@pytest.fixture(autouse=True)
def _offline() -> Iterator[None]:
    with (
        mock.patch("moderation.tasks.analyze_image.delay"),
        mock.patch("feedback.tasks.analyze_feedback.delay"),
    ):
        yield


def watch(page: Page) -> list[str]:
    """Collect the messages of dialogs (and dismiss them, so the page carries on)."""
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def assert_nothing_ran(page: Page, dialogs: list[str]) -> None:
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__pwned === undefined"), page.evaluate("window.__pwned")
    assert dialogs == []


def queued_feedback(text: str, *, analysed: bool = True) -> ReviewItem:
    feedback = Feedback.objects.create(
        text=text,
        author=make_user(),
        status=ItemStatus.IN_REVIEW,
        language="en",
        sentiment="neutral",
        # The redacted copy is what the queue and the item show; unanalysed text has none.
        redacted_text=text if analysed else "",
    )
    return ReviewItem.objects.create(kind="feedback", item_id=feedback.id, reason="<b>reason</b>")


def test_feedback_markup_is_shown_as_text_in_the_queue_and_the_item(
    signed_in_page: SignIn,
) -> None:
    entry = queued_feedback(TEXT)
    page = signed_in_page(make_moderator(), then="/review/")
    dialogs = watch(page)
    page.reload()
    snippet = page.locator(".queue-row .snippet")
    expect(snippet).to_contain_text("<script>window.__pwned")  # truncated to 90 characters
    expect(page.locator(".queue-row")).to_contain_text("<b>reason</b>")
    assert_nothing_ran(page, dialogs)

    page.goto(f"/review/{entry.id}/")
    expect(page.locator("#feedback-text")).to_have_text(TEXT)
    assert (
        page.locator("#feedback-text script, #feedback-text img, #feedback-text svg").count() == 0
    )
    assert_nothing_ran(page, dialogs)


def test_revealed_unanalysed_text_is_shown_as_text(signed_in_page: SignIn) -> None:
    """The reveal swaps server-rendered HTML into the page with htmx: still escaped."""
    entry = queued_feedback(TEXT, analysed=False)
    page = signed_in_page(make_moderator(), then=f"/review/{entry.id}/")
    dialogs = watch(page)
    page.get_by_role("button", name="Show the text").click()
    expect(page.locator("#feedback-text")).to_have_text(TEXT)
    assert page.locator("#feedback-text-box a, #feedback-text-box iframe").count() == 0
    assert_nothing_ran(page, dialogs)


def test_feedback_form_shows_refused_markup_back_as_text(signed_in_page: SignIn) -> None:
    """A refused message is put back in the form: as the textarea's text, not as markup."""
    page = signed_in_page(make_user(), then="/feedback/")
    dialogs = watch(page)
    too_long = TEXT + " " + "x" * 20_000
    page.locator("#id_text").evaluate("field => field.removeAttribute('maxlength')")
    page.locator("#id_text").fill(too_long)
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".error")).to_contain_text("the limit is 20000 characters")
    expect(page.locator("#id_text")).to_have_value(too_long)
    assert_nothing_ran(page, dialogs)
    assert not Feedback.objects.exists()


# Browsers send '"' in a file name as %22 (HTML's form encoding): single quotes it is.
NAME = "<img src=x onerror='window.__pwned=1; alert(1)'>.jpg"


def test_file_names_are_shown_as_text(signed_in_page: SignIn) -> None:
    page = signed_in_page(make_user(), then="/upload/")
    dialogs = watch(page)
    page.locator("#id_image").set_input_files(
        {"name": NAME, "mimeType": "image/jpeg", "buffer": image_bytes()}
    )
    expect(page.locator(".dropzone-label strong")).to_have_text(NAME)
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()
    expect(page.locator(".message.success")).to_have_text(f"{NAME} uploaded; it is being checked.")
    card = page.locator("#my-uploads .thumb .name")
    expect(card).to_have_attribute("title", NAME)
    image = ImageUpload.objects.get()
    assert image.original_name == NAME
    assert image.file_key == f"quarantine/{image.id}.jpg"

    # Approved, the name is also the picture's alt text.
    ImageUpload.objects.filter(id=image.id).update(status=ItemStatus.APPROVED)
    page.reload()
    expect(page.locator("#my-uploads img")).to_have_attribute("alt", NAME)
    assert_nothing_ran(page, dialogs)
