"""The moderator's flow in headless Chromium (issue 15): keys counted per decision, claims that
start with work and not with looking, take-over, release, skip and second opinions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import Page, expect

from feedback.models import Feedback
from moderation.models import (
    SENIOR_MODERATORS_GROUP,
    AuditEvent,
    ImageUpload,
    ItemStatus,
    ReviewItem,
    ReviewSkip,
)
from tests.browser.conftest import SignIn
from tests.factories import make_moderator
from tests.test_reviews import queued_feedback, queued_image


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


class Keys:
    """The moderator's keyboard, counting every key pressed."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.count += 1


def status_of(entry: ReviewItem) -> str:
    item = entry.item
    assert item is not None
    item.refresh_from_db()
    return str(item.status)


def test_decisions_take_few_keys_from_the_queue(signed_in_page: SignIn) -> None:
    """Approve ≤ 2 keys, reject ≤ 3, unclassified feedback ≤ 3, each from the queue page."""
    approve_me, reject_me = queued_image(), queued_image()
    feedback = queued_feedback()
    assert Feedback.objects.get(id=feedback.item_id).sentiment in ("", None)
    moderator = make_moderator()
    page = signed_in_page(moderator, then="/review/")

    keys = Keys(page)
    keys.press("Enter")  # start reviewing: the oldest item
    page.wait_for_url(f"**/review/{approve_me.id}/")
    keys.press("a")
    page.wait_for_url(f"**/review/{reject_me.id}/")  # decided, and on to the next
    assert keys.count <= 2 and status_of(approve_me) == ItemStatus.APPROVED

    page.goto("/review/")
    keys = Keys(page)
    keys.press("Enter")  # my own claim on the next item is resumed
    page.wait_for_url(f"**/review/{reject_me.id}/")
    keys.press("0", "r")  # the tenth reason, "Other", then reject
    page.wait_for_url(f"**/review/{feedback.id}/")
    assert keys.count <= 3 and status_of(reject_me) == ItemStatus.REJECTED
    assert AuditEvent.objects.get(item_id=reject_me.item_id, action="decision").reasons[0][
        "reason"
    ] == "other"  # fmt: skip

    page.goto("/review/")
    keys = Keys(page)
    keys.press("Enter")
    page.wait_for_url(f"**/review/{feedback.id}/")
    expect(page.locator("#sentiment-needed")).to_be_visible()
    keys.press("n", "a")  # negative, approve
    page.wait_for_url("**/review/")
    assert keys.count <= 3 and status_of(feedback) == ItemStatus.APPROVED
    assert Feedback.objects.get(id=feedback.item_id).sentiment == "negative"


def test_approving_unclassified_feedback_asks_for_a_sentiment_without_a_reload(
    signed_in_page: SignIn,
) -> None:
    entry = queued_feedback()
    page = signed_in_page(make_moderator(), then=f"/review/{entry.id}/")
    page.keyboard.press("a")
    expect(page.locator("#decide-hint")).to_contain_text("Choose one first")
    expect(page.locator(".message.error")).to_have_count(0)  # the server was not asked
    assert status_of(entry) == ItemStatus.IN_REVIEW
    # The hint focused the sentiments: the keys still work from there.
    page.keyboard.press("u")
    expect(page.locator("input[name=sentiment][value=neutral]")).to_be_checked()
    page.keyboard.press("a")
    page.wait_for_url("**/review/")
    assert status_of(entry) == ItemStatus.APPROVED
    assert Feedback.objects.get(id=entry.item_id).sentiment == "neutral"


def test_escape_leaves_the_note_so_a_is_a_key_again(signed_in_page: SignIn) -> None:
    entry = queued_image()
    page = signed_in_page(make_moderator(), then=f"/review/{entry.id}/")
    page.locator("#note").focus()
    page.keyboard.type("Looks fine")
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    page.wait_for_url("**/review/")
    assert status_of(entry) == ItemStatus.APPROVED
    decision = AuditEvent.objects.get(item_id=entry.item_id, action="decision")
    assert decision.note == "Looks fine"  # not "Looks finea"


def test_reasons_have_names_guidance_and_keys_in_the_help(signed_in_page: SignIn) -> None:
    entry = queued_image()
    page = signed_in_page(make_moderator(), then=f"/review/{entry.id}/")
    options = page.locator("#reason option").all_inner_texts()
    assert options[1:3] == ["1. OK", "2. False positive"]
    assert "8. Personal data" in options and options[-1] == "0. Other"
    page.keyboard.press("?")
    help_dialog = page.locator("#shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog.locator("#reasons-help")).to_contain_text("Personal data")
    expect(help_dialog.locator("#reasons-help")).to_contain_text(
        "The analyzer flagged something that is not there."
    )
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    page.keyboard.press("8")
    expect(page.locator("#reason-guidance")).to_have_text(
        "Shows someone's personal data: names, numbers, addresses."
    )


def test_long_signal_names_are_not_cut(signed_in_page: SignIn) -> None:
    entry = queued_feedback()
    Feedback.objects.filter(id=entry.item_id).update(
        sentiment="negative",
        toxicity=[{"name": "VIOLENCE_OR_THREAT", "confidence": 72.7}],
    )
    page = signed_in_page(make_moderator(), then=f"/review/{entry.id}/")
    label = page.locator(".bar-label", has_text="VIOLENCE_OR_THREAT")
    expect(label).to_have_text("VIOLENCE_OR_THREAT")
    assert label.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert label.evaluate("el => getComputedStyle(el).textOverflow") != "ellipsis"


def test_looking_never_claims_the_first_key_does(signed_in_page: SignIn) -> None:
    first, second = queued_image(), queued_image()
    ada = make_moderator(username="ada")
    page = signed_in_page(ada, then=f"/review/{first.id}/")
    expect(page.locator("#claim-status")).to_contain_text("Nobody is reviewing this item.")
    page.keyboard.press("j")  # browse to the next one, and back
    page.wait_for_url(f"**/review/{second.id}/")
    page.keyboard.press("k")
    page.wait_for_url(f"**/review/{first.id}/")
    assert not ReviewItem.objects.filter(claimed_by__isnull=False).exists()

    page.keyboard.press("3")  # the first decision key claims it
    expect(page.locator("#claim-status")).to_contain_text("You are reviewing this item")
    first.refresh_from_db()
    assert first.claimed_by == ada
    expect(page.locator("#reason")).to_have_value("nudity")


def test_start_reviewing_release_and_take_over(signed_in_page: SignIn) -> None:
    entry = queued_image()
    ada, bob = make_moderator(username="ada"), make_moderator(username="bob")
    ada_page = signed_in_page(ada, then=f"/review/{entry.id}/")
    ada_page.locator("#start-item").click()
    expect(ada_page.locator("#claim-status")).to_contain_text("You are reviewing this item")
    entry.refresh_from_db()
    assert entry.claimed_by == ada

    bob_page = signed_in_page(bob, then=f"/review/{entry.id}/")
    expect(bob_page.locator("#claim-status")).to_contain_text("ada is reviewing this item")
    expect(bob_page.locator("#claim-status")).to_contain_text("You can look, but not decide.")
    expect(bob_page.locator("#decide-form")).to_have_count(0)
    expect(bob_page.locator("#take-over")).to_have_count(0)

    # Ada's page goes quiet (a closed tab): her claim turns stale and Bob may take it over.
    ada_page.close()
    ReviewItem.objects.filter(id=entry.id).update(
        claim_renewed_at=timezone.now() - timedelta(minutes=5)
    )
    bob_page.reload()
    bob_page.locator("#take-over").click()
    expect(bob_page.locator(".message.success")).to_have_text("You took this item over.")
    expect(bob_page.locator("#claim-status")).to_contain_text("You are reviewing this item")
    entry.refresh_from_db()
    assert entry.claimed_by == bob
    assert AuditEvent.objects.get(item_id=entry.item_id, action="take_over").note == "ada"

    bob_page.locator("#release").click()
    bob_page.wait_for_url("**/review/")
    entry.refresh_from_db()
    assert entry.claimed_by is None


def test_skip_moves_on_and_is_not_served_back(signed_in_page: SignIn) -> None:
    first, second = queued_image(), queued_image()
    ada = make_moderator()
    page = signed_in_page(ada, then="/review/")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/review/{first.id}/")
    page.keyboard.press("s")
    page.wait_for_url(f"**/review/{second.id}/")
    expect(page.locator(".message.success")).to_have_text("Skipped.")
    first.refresh_from_db()
    assert first.claimed_by is None
    assert ReviewSkip.objects.filter(review=first, moderator=ada).exists()
    assert AuditEvent.objects.filter(item_id=first.item_id, action="skip").count() == 1
    page.keyboard.press("s")  # nothing else to hand out: back to the queue
    page.wait_for_url("**/review/")
    expect(page.locator(".messages")).to_contain_text("The queue is empty")


def make_senior(**kwargs: object) -> User:
    user = make_moderator(**kwargs)
    user.groups.add(Group.objects.get(name=SENIOR_MODERATORS_GROUP))
    return user


def test_escalate_to_a_senior_who_decides(signed_in_page: SignIn) -> None:
    entry = queued_image()
    ada, sam = make_moderator(username="ada"), make_senior(username="sam")
    page = signed_in_page(ada, then=f"/review/{entry.id}/")
    page.keyboard.press("e")
    expect(page.locator("#escalate-dialog")).to_be_visible()
    expect(page.locator("#escalate-note")).to_be_focused()
    page.keyboard.type("Is that a real weapon?")
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/review/")
    expect(page.locator(".messages")).to_contain_text("Sent for a second opinion.")
    expect(page.locator("#second-opinions")).to_contain_text("1 waiting for a senior moderator")
    entry.refresh_from_db()
    assert entry.escalated_by == ada and entry.escalation_note == "Is that a real weapon?"

    # Ada can still look, but not decide.
    page.goto(f"/review/{entry.id}/")
    expect(page.locator("#waits-for-senior")).to_be_visible()
    expect(page.locator("#decide-form")).to_have_count(0)

    senior = signed_in_page(sam, then="/review/")
    senior.locator("#second-opinions").click()
    senior.wait_for_url("**/review/?queue=escalated")
    expect(senior.locator(".queue-row")).to_contain_text("Is that a real weapon?")
    senior.keyboard.press("Enter")  # start reviewing the second-opinion queue
    senior.wait_for_url(f"**/review/{entry.id}/")
    expect(senior.locator("#escalation")).to_contain_text("Sent for a second opinion by ada")
    senior.keyboard.press("4")
    senior.keyboard.press("r")
    senior.wait_for_url("**/review/?queue=escalated")
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.REJECTED
