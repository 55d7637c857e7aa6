"""Skip and second opinion (issue 15, finding 11): `s` passes an item on and "next" does not
serve it straight back; `e` sends it with a note to a queue only senior moderators see and
decide. Both on the page and the API, both audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from moderation.models import (
    SENIOR_MODERATORS_GROUP,
    AuditEvent,
    ImageUpload,
    ItemStatus,
    ReviewItem,
    ReviewSkip,
)
from moderation.review import handoff
from moderation.review import services as reviews
from moderation.review.selectors import review_queue_counts
from project.errors import BadInput, Conflict, Forbidden
from tests.factories import make_moderator, make_user, signed_in
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def make_senior(**kwargs: object) -> User:
    user = make_moderator(**kwargs)
    user.groups.add(Group.objects.get(name=SENIOR_MODERATORS_GROUP))
    return user


def test_the_senior_group_is_made_by_a_migration_with_both_permissions() -> None:
    group = Group.objects.get(name=SENIOR_MODERATORS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {"review_content", "review_escalated"}
    senior, moderator = make_senior(), make_moderator()
    assert senior.has_perm("moderation.review_escalated")
    assert not moderator.has_perm("moderation.review_escalated")


def test_skip_releases_the_claim_and_next_does_not_serve_it_back(settings: Any) -> None:
    settings.REVIEW_SKIP_SECONDS = 900
    first, second = queued_image(), queued_image()
    ada, bob = make_moderator(), make_moderator()
    client = signed_in(ada)
    assert client.post("/review/next/")["Location"] == f"/review/{first.id}/"

    response = client.post(f"/review/{first.id}/skip/")
    assert response["Location"] == f"/review/{second.id}/"  # moved on, not back
    first.refresh_from_db()
    assert first.claimed_by is None and first.claim_expires_at is None
    skip = ReviewSkip.objects.get(review=first, moderator=ada)
    assert skip.until - timezone.now() > timedelta(seconds=890)
    event = AuditEvent.objects.get(item_id=first.item_id, action="skip")
    assert event.actor == ada and event.to_status == ItemStatus.IN_REVIEW

    # Skipping the second too leaves Ada nothing; Bob still gets the first at once.
    assert client.post(f"/review/{second.id}/skip/", follow=True).redirect_chain[-1][0] == (
        "/review/"
    )
    assert reviews.review_claim_next(moderator=ada) is None
    assert reviews.review_claim_next(moderator=bob) == first
    # A while later, Ada may be served the second again.
    ReviewSkip.objects.filter(moderator=ada).update(until=timezone.now() - timedelta(seconds=1))
    assert reviews.review_claim_next(moderator=ada) == second


def test_skipping_an_item_someone_else_holds_leaves_their_claim() -> None:
    entry = queued_image()
    ada, bob = make_moderator(), make_moderator()
    reviews.review_claim(review_id=entry.id, moderator=ada)
    handoff.review_skip(review_id=entry.id, moderator=bob)
    entry.refresh_from_db()
    assert entry.claimed_by == ada


def test_skip_on_the_api() -> None:
    entry = queued_image()
    ada = make_moderator()
    reviews.review_claim(review_id=entry.id, moderator=ada)
    response = signed_in(ada).post(f"/api/v1/reviews/{entry.id}/skip/")
    assert response.status_code == 200 and response.json()["claimed_by"] is None
    assert ReviewSkip.objects.filter(review=entry, moderator=ada).exists()
    reviews.review_decide(review_id=entry.id, moderator=make_moderator(), decision="approve",
                          reason="ok")  # fmt: skip
    decided = signed_in(ada).post(f"/api/v1/reviews/{entry.id}/skip/")
    assert decided.status_code == 409


def test_escalation_needs_a_note() -> None:
    entry = queued_image()
    ada = make_moderator()
    with pytest.raises(BadInput, match="note is required"):
        handoff.review_escalate(review_id=entry.id, moderator=ada, note="   ")
    api = signed_in(ada).post(f"/api/v1/reviews/{entry.id}/escalate/", {"note": ""})
    assert api.status_code == 400
    assert api.json() == {"note": ["note is required: say what the second opinion should look at"]}
    page = signed_in(ada).post(f"/review/{entry.id}/escalate/", {"note": ""}, follow=True)
    assert "note is required" in page.content.decode()
    assert ReviewItem.objects.get(id=entry.id).escalated_at is None
    assert not AuditEvent.objects.filter(action="escalate").exists()


def test_an_escalated_item_is_for_seniors_only() -> None:
    entry, other = queued_image(), queued_image()
    ada, bob, sam = make_moderator(username="ada"), make_moderator(), make_senior(username="sam")
    reviews.review_claim(review_id=entry.id, moderator=ada)

    response = signed_in(ada).post(
        f"/review/{entry.id}/escalate/", {"note": "Is that a real gun?"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/review/{other.id}/"  # on to the next one
    assert "Sent for a second opinion." in response.content.decode()
    entry.refresh_from_db()
    assert entry.escalated_by == ada and entry.escalation_note == "Is that a real gun?"
    assert entry.escalated_at is not None and entry.claimed_by is None
    event = AuditEvent.objects.get(item_id=entry.item_id, action="escalate")
    assert (event.actor, event.note) == (ada, "Is that a real gun?")

    # Out of the main queue and its counts, for everyone.
    counts = review_queue_counts()
    assert (counts.total, counts.escalated) == (1, 1)
    main = signed_in(bob).get("/review/").content.decode()
    assert str(entry.id) not in main and str(other.id) in main
    assert "1 waiting for a senior moderator" in main
    assert str(entry.id) not in signed_in(bob).get("/review/?queue=escalated").content.decode()
    # "Next" serves the main queue by default: its one item is Ada's now (she moved on to it).
    assert ReviewItem.objects.get(id=other.id).claimed_by == ada
    assert reviews.review_claim_next(moderator=sam) is None
    assert reviews.review_claim_next(moderator=bob, escalated=True) is None

    # A moderator can look, but neither claim nor decide it.
    page = signed_in(bob).get(f"/review/{entry.id}/").content.decode()
    assert "only a senior moderator can decide it" in page and 'id="decide-form"' not in page
    with pytest.raises(Forbidden):
        reviews.review_claim(review_id=entry.id, moderator=bob)
    api = signed_in(bob).post(
        f"/api/v1/reviews/{entry.id}/decision/", {"decision": "approve", "reason": "ok"}
    )
    assert api.status_code == 403
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.IN_REVIEW

    # The senior sees it in the second-opinion queue, with the note, and decides it.
    queue = signed_in(sam).get("/review/?queue=escalated").content.decode()
    assert str(entry.id) in queue and str(other.id) not in queue
    assert "Is that a real gun?" in queue
    listed = signed_in(sam).get("/api/v1/reviews/?queue=escalated").json()
    assert [row["id"] for row in listed["results"]] == [str(entry.id)]
    assert listed["results"][0]["escalated_by"] == "ada"
    assert signed_in(sam).post("/review/next/", {"queue": "escalated"})["Location"] == (
        f"/review/{entry.id}/"
    )
    item_page = signed_in(sam).get(f"/review/{entry.id}/").content.decode()
    assert "Sent for a second opinion by ada" in item_page and 'id="decide-form"' in item_page
    decided = signed_in(sam).post(
        f"/review/{entry.id}/decide/", {"decision": "reject", "reason": "violence", "then": "next"}
    )
    assert decided["Location"] == "/review/?queue=escalated"  # that queue is empty now
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.REJECTED


def test_escalation_is_a_conditional_update() -> None:
    entry = queued_image()
    ada, bob = make_moderator(username="ada"), make_moderator()
    reviews.review_claim(review_id=entry.id, moderator=ada)
    with pytest.raises(Conflict, match="ada is reviewing this item"):
        handoff.review_escalate(review_id=entry.id, moderator=bob, note="second opinion?")
    handoff.review_escalate(review_id=entry.id, moderator=ada, note="second opinion?")
    with pytest.raises(Conflict, match="already waiting for a second opinion"):
        handoff.review_escalate(review_id=entry.id, moderator=ada, note="again")
    assert AuditEvent.objects.filter(action="escalate").count() == 1


def test_a_moderator_cannot_escalate_their_own_item() -> None:
    ada = make_moderator()
    entry = queued_image(owner=ada)
    with pytest.raises(Forbidden):
        handoff.review_escalate(review_id=entry.id, moderator=ada, note="mine")


def test_escalate_on_the_api() -> None:
    entry = queued_image()
    response = signed_in(make_moderator()).post(
        f"/api/v1/reviews/{entry.id}/escalate/", {"note": "not sure"}
    )
    assert response.status_code == 200
    assert response.json()["escalation_note"] == "not sure"
    assert response.json()["escalated_at"] is not None
    assert signed_in(make_user()).post(
        f"/api/v1/reviews/{entry.id}/escalate/", {"note": "x"}
    ).status_code == 403  # fmt: skip


def test_bulk_rejection_flash_is_spelled_right() -> None:
    """Finding 2: the flash read "1 item(s) rejectd"."""
    entry = queued_image()
    response = signed_in(make_moderator()).post(
        "/review/bulk/",
        {"ids": [str(entry.id)], "decision": "reject", "reason": "violence"},
        follow=True,
    )
    assert "1 item rejected." in response.content.decode()


def test_every_reason_has_a_key_a_proper_name_and_guidance() -> None:
    entry = queued_image()
    page = signed_in(make_moderator()).get(f"/review/{entry.id}/").content.decode()
    assert ">2. False positive</option>" in page
    assert ">8. Personal data</option>" in page
    assert ">0. Other</option>" in page  # the tenth reason has a key too
    assert "Falsepositive" not in page and "Personaldata" not in page
    # The shortcuts help lists each reason with its key and its guidance.
    assert '<th scope="row">False positive</th>' in page
    assert "The analyzer flagged something that is not there." in page
