"""The review queue's counters move with every change to the open queue, in step with a recount."""

from __future__ import annotations

import pytest
from django.test import Client

from moderation.models import ReviewItem, ReviewQueueCount
from moderation.review import bulk, selectors
from moderation.review import services as reviews
from moderation.review.counts import queue_counts_rebuild
from moderation.review.selectors import QueueFilters
from project.errors import Conflict
from tests.factories import make_moderator
from tests.test_reviews import queued_feedback, queued_image


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def counters() -> dict[tuple[str, str], int]:
    """Non-zero counters (a counter that went back to 0 stays as a row)."""
    return {(c.kind, c.reason): c.open for c in ReviewQueueCount.objects.exclude(open=0)}


def recounted() -> dict[tuple[str, str], int]:
    """What a recount from the entries says; the counters must always agree with it."""
    queue_counts_rebuild()
    return counters()


@pytest.mark.django_db
def test_counters_follow_queueing_deciding_undoing_and_deleting() -> None:
    moderator = make_moderator()
    first, second, third = queued_image(), queued_image(), queued_feedback()
    assert counters() == {("image", "Weapons"): 2, ("feedback", "language"): 1}

    reviews.review_decide(
        review_id=first.id, moderator=moderator, decision="reject", reason="violence"
    )
    assert counters() == {("image", "Weapons"): 1, ("feedback", "language"): 1}

    result = bulk.review_bulk_decide(
        review_ids=[second.id], moderator=moderator, decision="reject", reason="violence"
    )
    assert result.action is not None
    assert counters() == {("feedback", "language"): 1}
    bulk.review_bulk_undo(bulk_id=result.action.id, moderator=moderator)
    assert counters() == {("image", "Weapons"): 1, ("feedback", "language"): 1}

    ReviewItem.objects.get(id=third.id).delete()
    assert counters() == {("image", "Weapons"): 1}
    assert counters() == recounted()


@pytest.mark.django_db
def test_a_lost_decision_race_leaves_the_counters_alone() -> None:
    entry = queued_image()
    ada, bob = make_moderator(), make_moderator()
    reviews.review_claim(review_id=entry.id, moderator=ada)

    with pytest.raises(Conflict):
        reviews.review_decide(review_id=entry.id, moderator=bob, decision="approve", reason="ok")
    assert counters() == {("image", "Weapons"): 1}


@pytest.mark.django_db
def test_rebuild_repairs_counters_that_drifted() -> None:
    queued_image(), queued_image()
    ReviewQueueCount.objects.update(open=57)  # as after a raw-SQL import that bypassed them
    assert queue_counts_rebuild() == 2
    assert counters() == {("image", "Weapons"): 2}


@pytest.mark.django_db
def test_queue_page_totals_and_pages_come_from_the_counters(client: Client) -> None:
    for _ in range(3):
        queued_image()
    queued_feedback()
    client.force_login(make_moderator())

    counts = selectors.review_queue_counts()
    assert (counts.total, counts.kinds) == (4, {"image": 3, "feedback": 1})
    assert counts.reasons == [("Weapons", 3), ("language", 1)]
    assert counts.matching(QueueFilters(kind="feedback")) == 1
    assert counts.matching(QueueFilters(reason="Weapons")) == 3
    assert counts.matching(QueueFilters(older_than="1h")) is None  # counted by the query

    response = client.get("/review/?kind=image")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    assert len(response.context["rows"]) == 3
