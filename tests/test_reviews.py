"""The review queue's server side: claims, decisions, conflicts, notifications, the API."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import Feedback
from moderation.images import services
from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.review import services as reviews
from project.errors import BadInput, Conflict
from tests.factories import make_moderator, make_user, upload_file


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def queued_image(owner: User | None = None) -> ReviewItem:
    image = services.image_upload_create(owner=owner or make_user(), upload=upload_file())
    services.image_analyze(image_id=image.id)
    return ReviewItem.objects.get(item_id=image.id)


def image_of(entry: ReviewItem) -> ImageUpload:
    """The queued image as it is now in the database."""
    return ImageUpload.objects.get(id=entry.item_id)


def queued_feedback() -> ReviewItem:
    feedback = feedback_services.feedback_create(text="Veldig bra!", author=make_user())
    Feedback.objects.filter(id=feedback.id).update(status=ItemStatus.IN_REVIEW, language="no")
    return ReviewItem.objects.create(kind="feedback", item_id=feedback.id, reason="language")


@pytest.mark.django_db
def test_claim_is_exclusive_until_it_expires() -> None:
    entry = queued_image()
    ada, bob = make_moderator(), make_moderator()

    reviews.review_claim(review_id=entry.id, moderator=ada)
    with pytest.raises(Conflict, match=f"{ada.username} is reviewing this item"):
        reviews.review_claim(review_id=entry.id, moderator=bob)
    reviews.review_claim(review_id=entry.id, moderator=ada)  # renewing one's own claim is fine

    ReviewItem.objects.filter(id=entry.id).update(
        claim_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert reviews.review_claim(review_id=entry.id, moderator=bob).claimed_by == bob


@pytest.mark.django_db
def test_claim_next_hands_out_the_oldest_free_item_once() -> None:
    first, second = queued_image(), queued_image()
    ada, bob = make_moderator(), make_moderator()

    assert reviews.review_claim_next(moderator=ada) == first
    assert reviews.review_claim_next(moderator=ada) == first  # still hers: resume it
    assert reviews.review_claim_next(moderator=bob) == second
    assert reviews.review_claim_next(moderator=make_moderator()) is None
    assert reviews.review_claim_next(moderator=bob, kind="feedback") is None


@pytest.mark.django_db
def test_release_stale_claims() -> None:
    entry = queued_image()
    reviews.review_claim(review_id=entry.id, moderator=make_moderator())
    assert reviews.review_release_stale() == 0
    ReviewItem.objects.filter(id=entry.id).update(
        claim_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert reviews.review_release_stale() == 1
    entry.refresh_from_db()
    assert entry.claimed_by is None and entry.claim_expires_at is None


@pytest.mark.django_db
def test_approving_an_image_moves_it_audits_and_notifies() -> None:
    owner = make_user(email="owner@example.com")
    entry = queued_image(owner)
    quarantined = entry.item.file_key  # type: ignore[union-attr]
    moderator = make_moderator()

    with mock.patch("django.db.transaction.on_commit", side_effect=lambda f: f()):
        reviews.review_decide(
            review_id=entry.id, moderator=moderator, decision="approve", reason="false_positive",
            note="A toy.",
        )  # fmt: skip

    image = image_of(entry)
    assert image.status == ItemStatus.APPROVED
    assert image.decided_by == "moderator" and image.decided_at is not None
    assert image.file_key == f"images/approved/{image.id}.jpg"
    assert default_storage.exists(image.file_key) and not default_storage.exists(quarantined)
    entry.refresh_from_db()
    assert entry.resolved_at is not None and entry.claimed_by == moderator
    event = AuditEvent.objects.get(item_id=image.id, action="decision")
    assert (event.actor, event.actor_kind, event.from_status, event.to_status) == (
        moderator, "moderator", "in_review", "approved",
    )  # fmt: skip
    assert event.reasons == [{"label": "moderator", "band": "approve", "reason": "false_positive"}]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.com"]
    assert "was approved" in mail.outbox[0].subject
    assert "false positive" in mail.outbox[0].body and "A toy." in mail.outbox[0].body


@pytest.mark.django_db
def test_rejecting_keeps_the_file_in_quarantine() -> None:
    entry = queued_image()
    reviews.review_decide(
        review_id=entry.id, moderator=make_moderator(), decision="reject", reason="violence"
    )
    image = image_of(entry)
    assert image.status == ItemStatus.REJECTED
    assert image.file_key.startswith("quarantine/")


@pytest.mark.django_db
def test_a_second_decision_is_a_conflict_and_changes_nothing() -> None:
    entry = queued_image()
    ada, bob = make_moderator(), make_moderator()
    reviews.review_decide(review_id=entry.id, moderator=ada, decision="reject", reason="violence")
    with pytest.raises(Conflict, match="already been decided"):
        reviews.review_decide(review_id=entry.id, moderator=bob, decision="approve", reason="ok")
    assert image_of(entry).status == ItemStatus.REJECTED
    assert AuditEvent.objects.filter(item_id=image_of(entry).id, action="decision").count() == 1


@pytest.mark.django_db
def test_deciding_an_item_someone_else_holds_is_a_conflict() -> None:
    entry = queued_image()
    ada, bob = make_moderator(), make_moderator()
    reviews.review_claim(review_id=entry.id, moderator=ada)
    with pytest.raises(Conflict, match="is reviewing this item"):
        reviews.review_decide(review_id=entry.id, moderator=bob, decision="approve", reason="ok")
    assert image_of(entry).status == ItemStatus.IN_REVIEW


@pytest.mark.django_db
def test_feedback_approval_needs_a_sentiment_and_files_the_document() -> None:
    entry = queued_feedback()
    moderator = make_moderator()
    with pytest.raises(BadInput, match="sentiment is required"):
        reviews.review_decide(
            review_id=entry.id, moderator=moderator, decision="approve", reason="ok"
        )
    with pytest.raises(BadInput, match="reason must be one of"):
        reviews.review_decide(
            review_id=entry.id, moderator=moderator, decision="approve", reason="because"
        )

    reviews.review_decide(
        review_id=entry.id, moderator=moderator, decision="approve", reason="ok",
        sentiment="positive",
    )  # fmt: skip

    feedback = Feedback.objects.get(id=entry.item_id)
    assert feedback.status == ItemStatus.APPROVED
    assert (feedback.sentiment, feedback.sentiment_set_by) == ("positive", "moderator")
    assert feedback.route.startswith("feedback/positive/")
    with default_storage.open(feedback.route) as stored:
        assert json.loads(stored.read())["decided_by"] == "moderator"


# --- races on PostgreSQL ----------------------------------------------------------------------


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment in threads; each result or exception, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("attempt", range(5))
def test_two_moderators_claiming_at_once_exactly_one_wins(attempt: int) -> None:
    assert connection.vendor == "postgresql"
    entry = queued_image()
    ada, bob = make_moderator(), make_moderator()
    results = race(
        lambda: reviews.review_claim(review_id=entry.id, moderator=ada),
        lambda: reviews.review_claim(review_id=entry.id, moderator=bob),
    )
    won = [r for r in results if isinstance(r, ReviewItem)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 1 and len(lost) == 1, results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_moderators_taking_the_next_item_never_get_the_same_one() -> None:
    entries = {queued_image().id for _ in range(3)}
    moderators = [make_moderator() for _ in range(4)]
    results = race(*(lambda m=m: reviews.review_claim_next(moderator=m) for m in moderators))
    handed = [r.id for r in results if isinstance(r, ReviewItem)]
    assert sorted(map(str, handed)) == sorted(map(str, entries))
    assert results.count(None) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("attempt", range(5))
def test_two_decisions_racing_exactly_one_is_recorded(attempt: int) -> None:
    entry = queued_image()
    ada, bob = make_moderator(), make_moderator()
    results = race(
        lambda: reviews.review_decide(
            review_id=entry.id, moderator=ada, decision="approve", reason="ok"
        ),
        lambda: reviews.review_decide(
            review_id=entry.id, moderator=bob, decision="reject", reason="violence"
        ),
    )
    assert sum(isinstance(r, ReviewItem) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    events = AuditEvent.objects.filter(item_id=image_of(entry).id, action="decision")
    assert events.count() == 1
    image = image_of(entry)
    assert image.status == events.get().to_status


# --- API ----------------------------------------------------------------------------------------


def api_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_queue_api_is_for_moderators_only() -> None:
    queued_image()
    assert Client().get("/api/v1/reviews/").status_code == 401
    assert api_client(make_user()).get("/api/v1/reviews/").status_code == 403
    body = api_client(make_moderator()).get("/api/v1/reviews/?kind=image").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["kind"], row["status"], row["reason"], row["priority"]) == (
        "image", "in_review", "Weapons", 70.0,
    )  # fmt: skip
    assert row["reasons"][0]["threshold"] == 50
    assert api_client(make_moderator()).get("/api/v1/reviews/?kind=feedback").json()["count"] == 0


@pytest.mark.django_db
def test_claim_and_decision_api_with_conflicts() -> None:
    entry = queued_image()
    ada, bob = api_client(make_moderator()), api_client(make_moderator())
    assert ada.post(f"/api/v1/reviews/{entry.id}/claim/").status_code == 200
    conflict = bob.post(f"/api/v1/reviews/{entry.id}/claim/")
    assert conflict.status_code == 409
    assert "is reviewing this item" in conflict.json()["detail"]

    bad = ada.post(f"/api/v1/reviews/{entry.id}/decision/", {"decision": "maybe", "reason": "ok"})
    assert bad.status_code == 400 and "decision" in bad.json()
    decided = ada.post(
        f"/api/v1/reviews/{entry.id}/decision/", {"decision": "approve", "reason": "ok"}
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"
    again = bob.post(
        f"/api/v1/reviews/{entry.id}/decision/", {"decision": "reject", "reason": "violence"}
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "this item has already been decided"
    assert api_client(make_moderator()).get("/api/v1/reviews/").json()["count"] == 0
