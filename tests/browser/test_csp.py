"""The pages work under the Content-Security-Policy: Chromium reports no violation anywhere.

Chromium writes every refused script, style or image to the console ("Refused to … because it
violates the following Content Security Policy directive …"); these tests collect the console
while using each page, and expect nothing of the kind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from feedback.models import Feedback
from moderation.models import ImageUpload, ItemStatus
from tests.browser.conftest import SignIn
from tests.browser.test_upload_page import jpeg_file
from tests.factories import make_moderator, make_user
from tests.test_reviews import queued_feedback, queued_image


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


class Console:
    """Console messages and uncaught errors of the pages it watches."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> Page:
        def on_console(message: ConsoleMessage) -> None:
            self.messages.append(f"{page.url}: [{message.type}] {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.messages.append(f"{page.url}: [pageerror] {error}"))
        return page

    @property
    def violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m or "[pageerror]" in m]


@pytest.fixture
def console() -> Console:
    return Console()


def test_the_console_watch_sees_a_violation(
    new_context: Callable[..., BrowserContext], console: Console
) -> None:
    """The other tests could not fail if a violation did not reach the console: it does."""
    page = console.watch(new_context().new_page())
    page.goto("/")
    page.evaluate(
        """() => {
          document.body.insertAdjacentHTML("beforeend", '<p style="color: red">styled</p>');
          const script = document.createElement("script");
          script.textContent = "window.ran = true";
          document.body.appendChild(script);
        }"""
    )
    expect(page.locator("p", has_text="styled")).to_have_count(1)
    page.wait_for_timeout(100)  # console events arrive asynchronously
    assert page.evaluate("window.ran === undefined")
    assert any("style-src" in m for m in console.violations), console.messages
    assert any("script-src" in m for m in console.violations), console.messages


def test_sign_in_feedback_and_upload_pages_run_without_violations(
    new_context: Callable[..., BrowserContext],
    signed_in_page: SignIn,
    console: Console,
    tmp_path: Path,
) -> None:
    anonymous = console.watch(new_context().new_page())
    anonymous.goto("/accounts/login/")
    expect(anonymous.get_by_role("heading", name="Sign in")).to_be_visible()
    anonymous.goto("/admin/login/")
    expect(anonymous.locator("#login-form")).to_be_visible()

    # Feedback: the character count (a script of ours), the send, the status page polling.
    anonymous.goto("/feedback/")
    anonymous.locator("#id_text").fill("The boots are lovely.")
    expect(anonymous.locator("#count")).to_have_text("21")
    anonymous.get_by_role("button", name="Send feedback").click()
    anonymous.wait_for_url("**/feedback/*-*/")
    with anonymous.expect_response(lambda r: "/feedback/" in r.url and r.status == 200):
        pass  # htmx polls the status while the message is pending

    # Upload: choose a file, send it, and let htmx poll "my uploads".
    page = console.watch(signed_in_page(make_user(), then="/upload/"))
    page.locator("#id_image").set_input_files(jpeg_file(tmp_path))
    expect(page.locator(".dropzone-label strong")).to_have_text("photo.jpg")
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()
    expect(page.locator("#my-uploads .thumb")).to_have_count(1)
    with page.expect_response(lambda r: "/upload/mine/" in r.url and r.status == 200):
        pass
    assert ImageUpload.objects.filter(status=ItemStatus.PENDING).count() == 1

    assert console.violations == []


def test_review_pages_run_without_violations(signed_in_page: SignIn, console: Console) -> None:
    image_entry = queued_image()
    feedback_entry = queued_feedback()
    Feedback.objects.filter(id=feedback_entry.item_id).update(
        redacted_text="Mail me at [EMAIL]",
        pii=[{"type": "EMAIL", "begin": 0, "end": 4, "confidence": 99.0}],
        sentiment_scores={"positive": 10.0, "negative": 70.0, "neutral": 15.0, "mixed": 5.0},
        toxicity=[{"name": "INSULT", "confidence": 66.6}],
    )
    page = console.watch(signed_in_page(make_moderator(), then="/review/"))

    # The queue: filters submit themselves on change (a script of ours, no onchange=).
    expect(page.locator(".queue-row")).to_have_count(2)
    with page.expect_navigation():
        page.locator("select[name=sort]").select_option("priority")
    assert "sort=priority" in page.url

    # The image item: the preview loads (img-src) and the blur toggles.
    page.goto(f"/review/{image_entry.id}/")
    expect(page.locator("#preview-image")).to_have_js_property("complete", True)
    assert page.eval_on_selector("#preview-image", "img => img.naturalWidth") > 0
    page.keyboard.press("b")
    expect(page.locator("#preview")).to_have_class("preview")
    page.once("dialog", lambda dialog: dialog.accept())  # turning blur off asks first
    with page.expect_navigation():
        page.locator("input[name=blur_images]").click()  # the preference form submits itself

    # The feedback item: bars are sized by class, and revealing the text is an htmx swap.
    page.goto(f"/review/{feedback_entry.id}/")
    bar = page.locator(".bars .bar span").first
    assert bar.evaluate("el => el.getBoundingClientRect().width") > 0
    page.get_by_role("button", name="Reveal personal data (EMAIL)").click()
    expect(page.locator("#feedback-text-box")).to_contain_text("Veldig bra!")

    page.goto("/review/stats/")
    expect(page.get_by_role("heading", name="Moderation stats")).to_be_visible()
    page.goto("/review/history/")

    assert console.violations == []


def test_admin_pages_run_without_violations(signed_in_page: SignIn, console: Console) -> None:
    admin = User.objects.create_superuser("root", "root@example.com", "pw-for-tests")
    submitter = make_user()
    page = console.watch(signed_in_page(admin))
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()

    page.goto("/admin/moderation/policy/")
    page.get_by_role("link", name="Propose a new version").click()
    page.wait_for_url("**/policy/propose/")
    # The editor's own stylesheet applies (it was an inline <style> before).
    grid = page.locator(".policy-grid")
    assert grid.evaluate("el => getComputedStyle(el).display") == "grid"
    with page.expect_navigation():
        page.get_by_role("button", name="Preview impact").click()
    expect(page.locator("#preview")).to_be_visible()

    # Django's own scripts: the user form's permission pickers and the theme toggle.
    page.goto(f"/admin/auth/user/{submitter.pk}/change/")
    expect(page.locator("#id_groups_from")).to_be_visible()  # built by SelectFilter2.js
    page.locator("button.theme-toggle").first.click()
    page.goto("/admin/moderation/imageupload/")

    assert console.violations == []
