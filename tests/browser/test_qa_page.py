"""QA of machine decisions in headless Chromium: a moderator checks two samples with the keys
of the review page (a approve, r reject: the outcome they stand for)."""

from __future__ import annotations

from django.core import mail
from playwright.sync_api import expect

from moderation.models import AuditEvent, ImageUpload, ItemStatus, QaSample
from moderation.qa.sampling import qa_sample_recent
from tests.browser.conftest import SignIn
from tests.factories import make_moderator
from tests.qa_helpers import machine_image, share_everything


def test_moderator_overturns_one_machine_decision_and_confirms_another(
    signed_in_page: SignIn,
) -> None:
    approved = machine_image()
    rejected = machine_image(reject=True)
    share_everything()
    qa_sample_recent()
    first = QaSample.objects.get(item_id=approved.id)
    second = QaSample.objects.get(item_id=rejected.id)
    moderator = make_moderator()
    page = signed_in_page(moderator, then="/review/qa/")

    expect(page.locator("#qa-samples tbody tr[data-sample]")).to_have_count(2)
    page.locator("#start-qa").click()
    page.wait_for_url(f"**/review/qa/{first.id}/")
    expect(page.locator("#qa-status")).to_contain_text("The machine decided: Approved.")
    expect(page.locator("#qa-overturn")).to_contain_text("Overturn: reject")
    # The image is blurred until revealed, with the key of the review page.
    expect(page.locator("#preview")).to_have_class("preview blurred")
    page.keyboard.press("b")
    expect(page.locator("#preview")).to_have_class("preview")
    expect(page.locator("#toggle-blur")).to_have_attribute("aria-pressed", "true")

    # Overturning needs a reason: the page says so and sends nothing.
    page.keyboard.press("r")
    expect(page.locator("#qa-hint")).to_have_text("Choose a reason to overturn.")
    assert ImageUpload.objects.get(id=approved.id).status == ItemStatus.APPROVED

    page.locator("#reason").select_option("violence")
    page.locator("#note").fill("A real weapon.")
    page.locator("body").click()  # out of the fields: the keys are shortcuts again
    page.keyboard.press("r")
    page.wait_for_url(f"**/review/qa/{second.id}/")
    expect(page.locator(".message.success")).to_have_text("Overturned; the submitter is told.")

    image = ImageUpload.objects.get(id=approved.id)
    assert (image.status, image.decided_by) == (ItemStatus.REJECTED, "moderator")
    assert not image.file_key.startswith("images/approved/")
    event = AuditEvent.objects.get(item_id=approved.id, action="decision")
    assert (event.actor, event.reasons[0]["reason"], event.note) == (
        moderator, "violence", "A real weapon.",
    )  # fmt: skip
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]

    # The rejection was right: r confirms it, and the queue is empty.
    expect(page.locator("#qa-agree")).to_contain_text("Machine was right")
    page.keyboard.press("r")
    page.wait_for_url("**/review/qa/")
    expect(page.locator(".message.success")).to_have_text("Recorded: the machine was right.")
    expect(page.locator("#qa-samples")).to_contain_text("Nothing to check.")
    assert QaSample.objects.get(id=second.id).verdict == "agree"
    assert ImageUpload.objects.get(id=rejected.id).status == ItemStatus.REJECTED
