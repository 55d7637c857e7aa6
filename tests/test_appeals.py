"""Appeals of rejections (moderation/appeals/): made once by the submitter, decided by another
moderator than the one who rejected; an overturn approves the item as a decision would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection

from feedback import services as feedback_services
from feedback.models import Feedback
from moderation.appeals import services as appeals
from moderation.appeals.models import MAX_MESSAGE_CHARS, Appeal, AppealState
from moderation.images import services
from moderation.images.models import HashBankEntry
from moderation.items.errors import StorageError
from moderation.models import AuditEvent, DecidedBy, ImageUpload, ItemStatus, ReviewItem
from moderation.review import services as reviews
from moderation.review.undo import review_undo
from project.errors import BadInput, Conflict, Forbidden, NotFound, Unavailable
from tests.factories import make_moderator, make_user, signed_in, upload_file
from tests.test_hashbank import encoded, photo

pytestmark = pytest.mark.django_db

Commit = Callable[..., Any]


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def rejected_image(
    owner: User | None = None, moderator: User | None = None, *, seed: int = 7
) -> ImageUpload:
    """An image a moderator rejected (a textured one, so its hash enters the bank; another
    `seed` for another picture, or the bank rejects the next one unseen)."""
    owner = owner or make_user(email="owner@example.com")
    image = services.image_upload_create(owner=owner, upload=upload_file(encoded(photo(seed))))
    services.image_analyze(image_id=image.id)
    entry = ReviewItem.objects.get(item_id=image.id)
    reviews.review_decide(
        review_id=entry.id,
        moderator=moderator or make_moderator(),
        decision="reject",
        reason="violence",
    )
    return ImageUpload.objects.get(id=image.id)


def owner_of(image: ImageUpload) -> User:
    assert image.owner is not None
    return image.owner


def machine_rejected_feedback(author: User | None = None, sentiment: str = "") -> Feedback:
    feedback = feedback_services.feedback_create(text="Dere er håpløse.", author=author)
    Feedback.objects.filter(id=feedback.id).update(
        status=ItemStatus.REJECTED,
        decided_by=DecidedBy.MACHINE,
        sentiment=sentiment,
        redacted_text="Dere er håpløse.",
    )
    return Feedback.objects.get(id=feedback.id)


# --- Appealing ---------------------------------------------------------------------------------


def test_the_owner_appeals_a_rejection_once() -> None:
    rejecter = make_moderator()
    image = rejected_image(moderator=rejecter)

    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="  It is a toy. ")

    appeal.refresh_from_db()
    assert (appeal.kind, appeal.item_id, appeal.submitter) == ("image", image.id, image.owner)
    assert appeal.message == "It is a toy."
    assert appeal.state == AppealState.OPEN
    assert (appeal.rejected_by, appeal.rejected_by_moderator) == ("moderator", rejecter)
    assert AuditEvent.objects.filter(item_id=image.id, action="appeal").count() == 1
    with pytest.raises(Conflict, match="already been appealed"):
        appeals.appeal_create(item=image, submitter=image.owner, message="Again.")
    assert Appeal.objects.count() == 1


def test_an_item_that_is_not_rejected_cannot_be_appealed() -> None:
    owner = make_user()
    image = services.image_upload_create(owner=owner, upload=upload_file())
    services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW
    with pytest.raises(Conflict, match="Only a rejected item"):
        appeals.appeal_create(item=image, submitter=owner, message="Why?")
    assert not Appeal.objects.exists()


def test_only_the_owner_may_appeal() -> None:
    image = rejected_image()
    for intruder in (make_user(), make_moderator(), None):
        with pytest.raises(NotFound):
            appeals.appeal_create(item=image, submitter=intruder, message="Mine now.")
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("x" * (MAX_MESSAGE_CHARS + 1), "message is 2001 characters; the limit is 2000"),
        ("   ", "Say why the decision is wrong"),
        ("a\x00b", "must not contain NUL"),
    ],
)
def test_a_bad_message_is_refused_whole_never_cut(message: str, expected: str) -> None:
    image = rejected_image()
    with pytest.raises(BadInput, match=expected) as caught:
        appeals.appeal_create(item=image, submitter=image.owner, message=message)
    assert caught.value.field == "message"
    assert not Appeal.objects.exists()


def test_a_message_at_the_limit_is_kept_whole() -> None:
    image = rejected_image()
    appeal = appeals.appeal_create(
        item=image, submitter=image.owner, message="y" * MAX_MESSAGE_CHARS
    )
    assert len(Appeal.objects.get(id=appeal.id).message) == MAX_MESSAGE_CHARS


def test_an_anonymous_sender_appeals_their_message() -> None:
    feedback = machine_rejected_feedback(author=None)
    with pytest.raises(NotFound):  # a moderator sees every message, but did not send this one
        appeals.appeal_create(item=feedback, submitter=make_moderator(), message="Hm.")
    appeal = appeals.appeal_create(item=feedback, submitter=None, message="Not toxic.")
    assert appeal.submitter is None and appeal.rejected_by == "machine"
    assert appeal.rejected_by_moderator is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_appeals_at_once_make_one() -> None:
    image = rejected_image()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def appeal() -> None:
        try:
            barrier.wait()
            appeals.appeal_create(item=image, submitter=image.owner, message="Please.")
            outcomes.append("appealed")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=appeal) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["appealed", "conflict"]
    assert Appeal.objects.count() == 1


# --- Handling ----------------------------------------------------------------------------------


def test_the_rejecting_moderator_and_the_submitter_may_not_handle_it() -> None:
    rejecter = make_moderator()
    submitter = make_moderator(email="mod@example.com")
    image = rejected_image(owner=submitter, moderator=rejecter)
    appeal = appeals.appeal_create(item=image, submitter=submitter, message="Fine.")

    for refused, why in ((rejecter, "You made the decision"), (submitter, "You submitted")):
        with pytest.raises(Forbidden, match=why):
            appeals.appeal_decide(appeal_id=appeal.id, moderator=refused, verdict="overturn")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.OPEN
    assert ImageUpload.objects.get(id=image.id).status == ItemStatus.REJECTED


def test_overturning_approves_the_image_and_moves_its_file(
    django_capture_on_commit_callbacks: Commit,
) -> None:
    image = rejected_image()
    quarantined = image.file_key
    assert HashBankEntry.objects.filter(source_item=image).exists()
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="A toy gun.")
    handler = make_moderator()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decided = appeals.appeal_decide(
            appeal_id=appeal.id, moderator=handler, verdict="overturn", note="Clearly a toy."
        )

    assert (decided.state, decided.handled_by, decided.note) == (
        AppealState.OVERTURNED, handler, "Clearly a toy.",
    )  # fmt: skip
    assert decided.handled_at is not None
    image.refresh_from_db()
    assert (image.status, image.decided_by) == (ItemStatus.APPROVED, DecidedBy.MODERATOR)
    assert image.file_key == f"images/approved/{image.id}.jpg"
    assert default_storage.exists(image.file_key) and not default_storage.exists(quarantined)
    assert not HashBankEntry.objects.filter(source_item=image).exists()
    event = AuditEvent.objects.get(item_id=image.id, action="appeal_overturned")
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        handler, "rejected", "approved", "Clearly a toy.",
    )  # fmt: skip
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.com"]
    assert mail.outbox[0].subject == "Your appeal was accepted"
    assert "Clearly a toy." in mail.outbox[0].body and str(image.id) in mail.outbox[0].body


def test_a_store_that_does_not_answer_leaves_the_appeal_open() -> None:
    image = rejected_image()
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="A toy gun.")
    with (
        mock.patch(
            "moderation.images.services.image_file_copy", side_effect=StorageError("no answer")
        ),
        pytest.raises(Unavailable, match="nothing was decided"),
    ):
        appeals.appeal_decide(appeal_id=appeal.id, moderator=make_moderator(), verdict="overturn")

    assert Appeal.objects.get(id=appeal.id).state == AppealState.OPEN
    quarantined = image.file_key
    image.refresh_from_db()
    assert (image.status, image.file_key) == (ItemStatus.REJECTED, quarantined)
    assert quarantined.startswith("quarantine/") and default_storage.exists(image.file_key)
    assert HashBankEntry.objects.filter(source_item=image).exists()
    assert not AuditEvent.objects.filter(item_id=image.id, action="appeal_overturned").exists()


def test_upholding_keeps_the_rejection(django_capture_on_commit_callbacks: Commit) -> None:
    image = rejected_image()
    quarantined = image.file_key
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="Please.")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        appeals.appeal_decide(appeal_id=appeal.id, moderator=make_moderator(), verdict="uphold")

    assert Appeal.objects.get(id=appeal.id).state == AppealState.UPHELD
    image.refresh_from_db()
    assert (image.status, image.file_key) == (ItemStatus.REJECTED, quarantined)
    assert default_storage.exists(quarantined)
    assert HashBankEntry.objects.filter(source_item=image).exists()
    assert AuditEvent.objects.filter(item_id=image.id, action="appeal_upheld").count() == 1
    assert [m.subject for m in mail.outbox] == ["Your appeal was turned down"]


def test_the_first_verdict_wins() -> None:
    image = rejected_image()
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="Please.")
    appeals.appeal_decide(appeal_id=appeal.id, moderator=make_moderator(), verdict="uphold")
    with pytest.raises(Conflict, match="already been decided"):
        appeals.appeal_decide(appeal_id=appeal.id, moderator=make_moderator(), verdict="overturn")
    assert ImageUpload.objects.get(id=image.id).status == ItemStatus.REJECTED
    assert AuditEvent.objects.filter(item_id=image.id, action__startswith="appeal_").count() == 1


def test_a_bad_verdict_or_note_changes_nothing() -> None:
    image = rejected_image()
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="Please.")
    with pytest.raises(BadInput) as caught:
        appeals.appeal_decide(appeal_id=appeal.id, moderator=make_moderator(), verdict="maybe")
    assert caught.value.field == "verdict"
    with pytest.raises(BadInput, match="note is 2001 characters") as caught:
        appeals.appeal_decide(
            appeal_id=appeal.id, moderator=make_moderator(), verdict="uphold", note="n" * 2001
        )
    assert caught.value.field == "note"
    assert Appeal.objects.get(id=appeal.id).state == AppealState.OPEN


def test_overturning_feedback_files_it_and_needs_a_sentiment(
    django_capture_on_commit_callbacks: Commit,
) -> None:
    author = make_user(email="author@example.com")
    feedback = machine_rejected_feedback(author=author)
    appeal = appeals.appeal_create(item=feedback, submitter=author, message="I was only honest.")
    handler = make_moderator()

    with pytest.raises(BadInput, match="sentiment is required") as caught:
        appeals.appeal_decide(appeal_id=appeal.id, moderator=handler, verdict="overturn")
    assert caught.value.field == "sentiment"
    assert Appeal.objects.get(id=appeal.id).state == AppealState.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        appeals.appeal_decide(
            appeal_id=appeal.id, moderator=handler, verdict="overturn", sentiment="negative"
        )

    feedback.refresh_from_db()
    assert (feedback.status, feedback.sentiment) == (ItemStatus.APPROVED, "negative")
    assert feedback.route.startswith("feedback/negative/")
    assert default_storage.exists(feedback.route)
    assert [m.to for m in mail.outbox] == [["author@example.com"]]


def test_a_rejected_document_is_refiled_on_overturn(
    django_capture_on_commit_callbacks: Commit,
) -> None:
    author = make_user()
    feedback = feedback_services.feedback_create(text="Sånn går det.", author=author)
    Feedback.objects.filter(id=feedback.id).update(
        status=ItemStatus.IN_REVIEW, sentiment="neutral", redacted_text="Sånn går det."
    )
    entry = ReviewItem.objects.create(kind="feedback", item_id=feedback.id, reason="language")
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_decide(
            review_id=entry.id, moderator=make_moderator(), decision="reject", reason="spam"
        )
    rejected_route = Feedback.objects.get(id=feedback.id).route
    assert rejected_route.startswith("feedback/rejected/") and default_storage.exists(
        rejected_route
    )
    appeal = appeals.appeal_create(
        item=Feedback.objects.get(id=feedback.id), submitter=author, message="Not spam."
    )

    with django_capture_on_commit_callbacks(execute=True):
        appeals.appeal_decide(appeal_id=appeal.id, moderator=make_moderator(), verdict="overturn")

    feedback.refresh_from_db()
    assert feedback.route.startswith("feedback/neutral/") and default_storage.exists(feedback.route)
    assert not default_storage.exists(rejected_route)


def test_an_appealed_decision_can_no_longer_be_undone() -> None:
    rejecter = make_moderator()
    image = rejected_image(moderator=rejecter)
    appeals.appeal_create(item=image, submitter=image.owner, message="Please.")
    entry = ReviewItem.objects.get(item_id=image.id)
    with pytest.raises(Conflict, match="can no longer be undone"):
        review_undo(review_id=entry.id, moderator=rejecter)
    assert ImageUpload.objects.get(id=image.id).status == ItemStatus.REJECTED


def test_the_submitter_sees_an_overturn_as_a_moderator_approval() -> None:
    image = rejected_image()
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="Please.")
    appeals.appeal_decide(appeal_id=appeal.id, moderator=make_moderator(), verdict="overturn")
    body = signed_in(owner_of(image)).get(f"/api/v1/images/{image.id}/").json()
    assert body["status"] == "approved"
    assert body["decided_by_name"] == "a moderator"
    assert body["decision_reason"] is None  # not the rejection's "violence" any more
    assert body["appeal"]["state"] == "overturned"


def test_deleting_the_item_takes_its_appeal_along() -> None:
    image = rejected_image()
    appeals.appeal_create(item=image, submitter=image.owner, message="Please.")
    ImageUpload.objects.filter(id=image.id).delete()
    assert not Appeal.objects.exists()
