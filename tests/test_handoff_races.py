"""Take-overs and escalations race like claims and decisions: the conditional UPDATE's row
count decides, on PostgreSQL with real threads (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.review import handoff
from moderation.review import services as reviews
from project.errors import AppError
from tests.factories import make_moderator
from tests.test_reviews import queued_image, race

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _offline(offline_review: None, django_db_serialized_rollback: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


@pytest.mark.parametrize("attempt", range(3))
def test_two_moderators_taking_over_a_stale_claim_exactly_one_wins(attempt: int) -> None:
    assert connection.vendor == "postgresql"
    entry = queued_image()
    ada, bob, cy = make_moderator(), make_moderator(), make_moderator()
    reviews.review_claim(review_id=entry.id, moderator=ada)
    ReviewItem.objects.filter(id=entry.id).update(
        claim_renewed_at=timezone.now() - timedelta(hours=1)
    )
    results = race(
        lambda: reviews.review_take_over(review_id=entry.id, moderator=bob),
        lambda: reviews.review_take_over(review_id=entry.id, moderator=cy),
    )
    won = [r for r in results if isinstance(r, ReviewItem)]
    lost = [r for r in results if isinstance(r, AppError)]
    assert len(won) == 1 and len(lost) == 1, results
    entry.refresh_from_db()
    assert entry.claimed_by == won[0].claimed_by
    assert AuditEvent.objects.filter(item_id=entry.item_id, action="take_over").count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_an_escalation_and_a_decision_at_once_exactly_one_happens(attempt: int) -> None:
    entry = queued_image()
    ada, bob = make_moderator(), make_moderator()
    results = race(
        lambda: handoff.review_escalate(review_id=entry.id, moderator=ada, note="not sure"),
        lambda: reviews.review_decide(
            review_id=entry.id, moderator=bob, decision="approve", reason="ok"
        ),
    )
    assert sum(isinstance(r, ReviewItem) for r in results) == 1, results
    entry.refresh_from_db()
    status = ImageUpload.objects.get(id=entry.item_id).status
    if isinstance(results[0], ReviewItem):  # escalated: nobody but a senior decides it now
        assert entry.escalated_at is not None and entry.resolved_at is None
        assert status == ItemStatus.IN_REVIEW
    else:
        assert entry.escalated_at is None and status == ItemStatus.APPROVED
        assert not AuditEvent.objects.filter(item_id=entry.item_id, action="escalate").exists()
