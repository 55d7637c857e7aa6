"""The shared queue counters are never locked across storage I/O, and the hourly recount takes
no table lock (issue 14, finding 12).

The probes read pg_locks for this very connection: a transaction that has written to the
counters' table holds a lock on it (and the row lock that goes with it) until it commits.
Transactional tests, so that setting up the queue leaves no lock of its own behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connection

from moderation.images import services as image_services
from moderation.models import ImageUpload, ItemStatus, ReviewItem, ReviewQueueCount
from moderation.review import bulk
from moderation.review import services as reviews
from moderation.review.counts import queue_counts_rebuild
from tests.factories import make_moderator
from tests.test_reviews import queued_feedback, queued_image

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _offline(offline_review: None, django_db_serialized_rollback: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def counter_table_locks() -> list[str]:
    """The locks this connection's transaction holds on the counters' table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = %s::regclass",
            [ReviewQueueCount._meta.db_table],
        )
        return [mode for (mode,) in cursor.fetchall()]


def probing_file_moves(seen: list[list[str]]) -> Any:
    """Patch the image file move (the storage I/O of a decision or an undo) to note the
    counter locks held when it starts."""
    original: Callable[..., Any] = image_services.image_file_move

    def move(*args: Any, **kwargs: Any) -> Any:
        seen.append(counter_table_locks())
        return original(*args, **kwargs)

    return mock.patch.object(image_services, "image_file_move", side_effect=move)


def test_a_decision_copies_the_file_before_it_touches_the_counters() -> None:
    entry = queued_image()
    seen: list[list[str]] = []

    with probing_file_moves(seen):
        reviews.review_decide(
            review_id=entry.id, moderator=make_moderator(), decision="approve", reason="ok"
        )

    assert seen == [[]]  # one file move, under no counter lock
    assert ImageUpload.objects.get(id=entry.item_id).file_key.startswith("images/approved/")
    assert ReviewQueueCount.objects.get(kind="image").open == 0


def test_an_undo_moves_the_file_back_before_it_touches_the_counters() -> None:
    entry = queued_image()
    moderator = make_moderator()
    result = bulk.review_bulk_decide(
        review_ids=[entry.id], moderator=moderator, decision="approve", reason="ok"
    )
    assert result.action is not None
    seen: list[list[str]] = []

    with probing_file_moves(seen):
        assert bulk.review_bulk_undo(bulk_id=result.action.id, moderator=moderator) == 1

    assert seen == [[]]
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.IN_REVIEW
    assert ReviewQueueCount.objects.get(kind="image").open == 1


def test_the_recount_takes_no_table_lock_and_repairs_drift() -> None:
    queued_image()
    queued_image()
    queued_feedback()
    ReviewQueueCount.objects.filter(kind="image").update(open=7)  # drifted
    ReviewQueueCount.objects.filter(kind="feedback").delete()  # lost
    modes: set[str] = set()

    def probe(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        result = execute(sql, *args)
        if "pg_locks" not in sql:
            modes.update(counter_table_locks())
        return result

    with connection.execute_wrapper(probe):
        assert queue_counts_rebuild() == 3

    # Row locks only (FOR UPDATE takes RowShare, UPDATE and INSERT RowExclusive on the table).
    assert modes <= {"AccessShareLock", "RowShareLock", "RowExclusiveLock"}, modes
    counts = {(c.kind, c.open) for c in ReviewQueueCount.objects.exclude(open=0)}
    assert counts == {("image", 2), ("feedback", 1)}
    assert ReviewItem.objects.filter(resolved_at__isnull=True).count() == 3
