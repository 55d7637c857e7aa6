"""The upload page in a real browser: choosing or dropping a file, errors, live status."""

from __future__ import annotations

import base64
import io
import os
import signal
import subprocess
from pathlib import Path

from django.contrib.auth.models import User
from PIL import Image
from playwright.sync_api import Page, expect

from moderation.models import ImageUpload
from tests.browser.conftest import SignIn
from tests.factories import make_user

CARDS = "#my-uploads .thumb"


def jpeg_file(tmp_path: Path, name: str = "photo.jpg", size: tuple[int, int] = (320, 240)) -> Path:
    path = tmp_path / name
    Image.new("RGB", size, (30, 120, 200)).save(path, format="JPEG")
    return path


def open_upload_page(signed_in_page: SignIn, user: User | None = None) -> Page:
    page = signed_in_page(user or make_user(), then="/upload/")
    expect(page.get_by_role("heading", name="Upload an image")).to_be_visible()
    expect(page.locator(CARDS)).to_have_count(0)
    return page


def test_upload_shows_pending_then_approved_without_reload(
    signed_in_page: SignIn,
    celery_worker_process: subprocess.Popen[str],
    tmp_path: Path,
) -> None:
    page = open_upload_page(signed_in_page)
    # Freeze the worker so the image is certainly still pending when the page shows it.
    os.kill(celery_worker_process.pid, signal.SIGSTOP)
    try:
        page.locator("#id_image").set_input_files(jpeg_file(tmp_path))
        expect(page.locator(".dropzone-label strong")).to_have_text("photo.jpg")
        with page.expect_navigation():
            page.get_by_role("button", name="Upload").click()
        expect(page).to_have_url("/upload/")  # the POST redirected back to the page

        expect(page.locator(".message.success")).to_have_text(
            "photo.jpg uploaded; it is being checked."
        )
        card = page.locator(CARDS)
        expect(card).to_have_count(1)
        expect(card.locator(".name")).to_have_text("photo.jpg")
        expect(card.locator(".badge")).to_have_text("Pending")
        expect(card.locator("img")).to_have_count(0)
        page.evaluate("window.__marker = 1")
    finally:
        os.kill(celery_worker_process.pid, signal.SIGCONT)

    expect(card.locator(".badge")).to_have_text("Approved", timeout=60_000)
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    expect(page).to_have_url("/upload/")
    thumbnail = card.locator("img")
    expect(thumbnail).to_have_attribute("alt", "photo.jpg")
    # The approved file is served to its owner and decodes in the browser.
    expect(thumbnail).to_have_js_property("complete", True)
    expect(thumbnail).to_have_js_property("naturalWidth", 320)
    expect(thumbnail).to_have_js_property("naturalHeight", 240)
    # Nothing is pending any more, so the grid stops polling.
    expect(page.locator("#my-uploads")).not_to_have_attribute("hx-trigger", "every 2s")
    assert ImageUpload.objects.get().status == "approved"


def test_a_file_that_is_not_an_image_is_refused_on_the_page(
    signed_in_page: SignIn, tmp_path: Path
) -> None:
    page = open_upload_page(signed_in_page)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"this is plain text, not a picture\n" * 20)

    page.locator("#id_image").set_input_files(bad)
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()

    expect(page).to_have_url("/upload/")
    expect(page.locator(".message.error")).to_have_text(
        "bad.jpg: image must be a JPEG, PNG, WebP or GIF file"
    )
    expect(page.locator(".message.success")).to_have_count(0)
    expect(page.locator(CARDS)).to_have_count(0)
    expect(page.get_by_text("Nothing uploaded yet.")).to_be_visible()
    assert not ImageUpload.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(page: Page) -> None:
    page.goto("/upload/")

    expect(page).to_have_url("/accounts/login/?next=/upload/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("#upload-form")).to_have_count(0)


def test_dropping_a_file_on_the_form_uploads_it(signed_in_page: SignIn) -> None:
    page = open_upload_page(signed_in_page)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 30)).save(buffer, format="JPEG")
    data_transfer = page.evaluate_handle(
        """([name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/jpeg" }));
            return transfer;
        }""",
        ["dropped.jpg", base64.b64encode(buffer.getvalue()).decode()],
    )

    with page.expect_navigation():
        page.dispatch_event("#upload-form", "drop", {"dataTransfer": data_transfer})

    expect(page.locator(".message.success")).to_have_text(
        "dropped.jpg uploaded; it is being checked."
    )
    card = page.locator(CARDS)
    expect(card).to_have_count(1)
    expect(card.locator(".name")).to_have_text("dropped.jpg")
    expect(card.locator(".muted.small")).to_contain_text("64×48")
    image = ImageUpload.objects.get()
    assert image.original_name == "dropped.jpg"
    assert (image.width, image.height) == (64, 48)
