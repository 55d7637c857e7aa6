"""docs/screenshots/, made from a seeded demo: desktop and a 390 px phone.

Runs with the suite (the pictures go to a temporary folder and are checked); to refresh the
committed ones, run `bin/screenshots` (VAKT_SCREENSHOTS=docs/screenshots, this module only).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import Page, expect

from feedback import services as feedback_services
from moderation.appeals.services import appeal_create
from moderation.images import services as image_services
from moderation.images.analyzers.base import ImageAnalysis, ModerationLabel
from moderation.management.commands.seed_demo import DEMO_ACCOUNTS
from moderation.models import Appeal, ImageUpload, ItemStatus, ReviewItem
from moderation.qa.sampling import qa_sample_recent
from moderation.review import services as review_services
from tests.browser.test_every_page import DESKTOP, PHONE
from tests.factories import image_bytes, upload_file
from tests.qa_helpers import machine_image

# What the demo's images "contain": each lands in a review band of the seeded policy.
DEMO_LABELS = [
    ModerationLabel("Weapons", 72.4, "Violence"),
    ModerationLabel("Alcoholic Beverages", 91.0, "Alcohol"),
    ModerationLabel("Explicit Nudity", 63.1, "Explicit"),
    ModerationLabel("Middle Finger", 78.5, "Rude Gestures"),
    ModerationLabel("Hate Symbols", 52.0, ""),
]
DEMO_FEEDBACK = [
    "Leveringen tok tre uker, og ingen svarte på e-post. Elendig service.",
    "The parcel arrived broken and support keeps ignoring me. You are idiots.",
    "Fin nettbutikk, rask levering og hyggelig kundeservice!",
    "Varen var grei, men emballasjen var skadet.",
]
PASSWORDS = {username: password for username, password, _ in DEMO_ACCOUNTS}


class DemoAnalyzer:
    name = "demo"

    def __init__(self) -> None:
        self.labels = itertools.cycle(DEMO_LABELS)

    def analyze(self, source: object, *, min_confidence: float) -> ImageAnalysis:
        return ImageAnalysis(labels=(next(self.labels),), analyzer=self.name, model_version="1")


@pytest.fixture
def demo() -> Iterator[dict[str, Any]]:
    """seed_demo's accounts, and a queue of images and feedback with a few decisions made."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    users = {name: User.objects.get(username=name) for name in PASSWORDS}
    with (
        mock.patch("moderation.tasks.analyze_image.delay"),
        mock.patch("feedback.tasks.analyze_feedback.delay"),
        mock.patch("moderation.images.services.get_image_analyzer", return_value=DemoAnalyzer()),
    ):
        colours = [(180, 60, 50), (40, 120, 200), (230, 180, 40), (70, 150, 90), (120, 80, 160)]
        for i, colour in enumerate(colours * 2):
            content = image_bytes(size=(640, 480), color=colour)
            image = image_services.image_upload_create(
                owner=users["submitter"], upload=upload_file(content, name=f"photo-{i + 1}.jpg")
            )
            image_services.image_analyze(image_id=image.id)
        for text in DEMO_FEEDBACK:
            message = feedback_services.feedback_create(text=text, author=users["submitter"])
            feedback_services.feedback_analyze(feedback_id=message.id)
    moderator = users["moderator"]
    for entry, decision, reason in zip(
        ReviewItem.objects.filter(kind="image").order_by("created_at")[:3],
        ["approve", "reject", "reject"],
        ["ok", "violence", "hate"],
        strict=True,
    ):
        review_services.review_claim(review_id=entry.id, moderator=moderator)
        review_services.review_decide(
            review_id=entry.id, moderator=moderator, decision=decision, reason=reason
        )
    # Two of the machine's own decisions, every machine decision sampled for QA, and the
    # submitter's appeal of a moderator's rejection.
    machine_image(users["submitter"])
    machine_image(users["submitter"], reject=True)
    with mock.patch("moderation.qa.sampling.qa_draw", return_value=0.0):
        qa_sample_recent()
    rejected = ImageUpload.objects.filter(status=ItemStatus.REJECTED, decided_by="moderator")
    appeal_create(
        item=rejected.order_by("decided_at").first(),  # type: ignore[arg-type]
        submitter=users["submitter"],
        message="It is a toy sword from a costume party, not a weapon.",
    )
    yield users


def sign_in_demo(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")


def shots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VAKT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_screenshots_of_the_demo(page: Page, demo: dict[str, Any], tmp_path: Path) -> None:
    folder = shots_folder(tmp_path)
    made: list[tuple[Path, int]] = []
    first_open = ReviewItem.objects.filter(resolved_at__isnull=True).order_by("created_at")
    for viewport, prefix in ((DESKTOP, ""), (PHONE, "phone-")):
        page.set_viewport_size(viewport)

        def shot(name: str, prefix: str = prefix, width: int = viewport["width"]) -> None:
            path = folder / f"{prefix}{name}.png"
            page.screenshot(path=str(path))
            made.append((path, width))

        sign_in_demo(page, "submitter")
        page.goto("/upload/")
        shot("upload")

        sign_in_demo(page, "moderator")
        page.goto("/review/")
        expect(page.locator(".queue-row").first).to_be_visible()
        shot("review-queue")
        page.goto(f"/review/{first_open.filter(kind='image').first().id}/")  # type: ignore[union-attr]
        expect(page.locator("#preview-image")).to_have_js_property("complete", True)
        shot("review-item")
        page.goto(f"/review/{first_open.filter(kind='feedback').first().id}/")  # type: ignore[union-attr]
        shot("review-feedback")
        page.goto("/review/history/")
        shot("history")
        page.goto("/review/stats/")
        shot("stats")
        page.goto("/review/qa/")
        expect(page.locator("#qa-samples tbody tr[data-sample]").first).to_be_visible()
        shot("qa-queue")

        sign_in_demo(page, "admin")  # the moderator made the rejection: another one decides
        page.goto(f"/review/appeals/{Appeal.objects.get().id}/")
        shot("appeal")
        page.goto("/admin/moderation/policy/propose/")
        page.get_by_label("Review at, Violence", exact=True).fill("80")
        page.get_by_role("button", name="Preview impact").click()
        expect(page.locator("#preview")).to_be_in_viewport()
        shot("policy-replay-preview")

    for path, width in made:
        with Image.open(path) as picture:
            assert picture.width == width, path
            assert picture.height >= 600, path
