"""No lock is held across storage I/O, and the hourly recount takes no table lock (issue 14,
finding 12).

A person's change to an item (a decision, an undo, a QA or appeal overturn, a new sentiment,
the tidying of a stale copy) holds the item with a token of its own and copies or deletes
files with no transaction open (moderation/items/holds.py). The probes wrap every call to the
file store and read pg_locks for this very connection at each one: a transaction that has
written anything holds its transaction id's lock (and its row and table locks) until it ends.
Transactional tests, so that setting up leaves no lock of its own behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from feedback import filing
from feedback import services as feedback_services
from feedback.models import Feedback
from moderation.appeals import services as appeals
from moderation.images import services as image_services
from moderation.items import holds
from moderation.models import ImageUpload, ItemStatus, ReviewItem, ReviewQueueCount
from moderation.qa import services as qa
from moderation.review import bulk
from moderation.review import services as reviews
from moderation.review.counts import queue_counts_rebuild
from moderation.review.undo import review_undo
from project.errors import Conflict
from tests.factories import make_moderator
from tests.qa_helpers import machine_image, sampled, share_everything
from tests.test_feedback import HAPPY, TEXT, FakeTextAnalyzer, read_document
from tests.test_reviews import queued_feedback, queued_image

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

STORE_CALLS = ("save", "delete", "exists", "size", "open")


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


def locks_held() -> list[tuple[str, str]]:
    """What this connection's transaction holds: nothing, outside a transaction (the query's
    own locks on pg_locks and its virtual id aside)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT locktype, mode FROM pg_locks WHERE pid = pg_backend_pid()"
            " AND locktype <> 'virtualxid'"
            " AND relation IS DISTINCT FROM 'pg_locks'::regclass"
        )
        return [(str(kind), str(mode)) for kind, mode in cursor.fetchall()]


@contextmanager
def probing_the_store() -> Iterator[list[tuple[str, bool, list[tuple[str, str]]]]]:
    """Every call to the file store (and the server-side copy), with whether a transaction was
    open and the locks held when it started."""
    seen: list[tuple[str, bool, list[tuple[str, str]]]] = []

    def probe(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            seen.append((name, connection.in_atomic_block, locks_held()))
            return original(*args, **kwargs)

        return call

    default_storage.exists("probe")  # sets the lazy storage up
    store: Any = default_storage._wrapped  # type: ignore[attr-defined]
    patches: list[Any] = [
        mock.patch.object(store, name, side_effect=probe(name, getattr(store, name)))
        for name in STORE_CALLS
    ]
    copy = image_services.storage_copy
    patches.append(mock.patch.object(image_services, "storage_copy", probe("copy", copy)))
    for patch in patches:
        patch.start()
    try:
        yield seen
    finally:
        for patch in reversed(patches):
            patch.stop()


def approved_key(image: ImageUpload, approved: bool) -> str:
    return image_services.image_file_key(image, approved=approved)


def assert_back_in_review_in_quarantine(entry: ReviewItem) -> None:
    image = ImageUpload.objects.get(id=entry.item_id)
    assert (image.status, image.analysis_token) == (ItemStatus.IN_REVIEW, None)
    assert image.file_key.startswith(f"{image_services.QUARANTINE}/")
    assert default_storage.exists(image.file_key)
    assert not default_storage.exists(approved_key(image, True))


def assert_unlocked(seen: list[tuple[str, bool, list[tuple[str, str]]]], *calls: str) -> None:
    assert {name for name, _, _ in seen} >= set(calls), seen  # the I/O did happen
    assert [(name, atomic, locks) for name, atomic, locks in seen if atomic or locks] == []


def test_a_decision_copies_the_file_with_no_lock_held() -> None:
    entry = queued_image()

    with probing_the_store() as seen:
        reviews.review_decide(
            review_id=entry.id, moderator=make_moderator(), decision="approve", reason="ok"
        )

    assert_unlocked(seen, "copy", "delete")  # the copy, then the quarantined name goes
    image = ImageUpload.objects.get(id=entry.item_id)
    assert (
        image.file_key.startswith(f"{image_services.APPROVED_PREFIX}/")
        and image.analysis_token is None
    )
    assert default_storage.exists(image.file_key)
    assert not default_storage.exists(approved_key(image, False))
    assert ReviewQueueCount.objects.get(kind="image").open == 0


def test_an_undo_moves_the_file_back_with_no_lock_held() -> None:
    entry = queued_image()
    moderator = make_moderator()
    reviews.review_decide(review_id=entry.id, moderator=moderator, decision="approve", reason="ok")

    with probing_the_store() as seen:
        review_undo(review_id=entry.id, moderator=moderator)

    assert_unlocked(seen, "copy", "delete")
    assert_back_in_review_in_quarantine(entry)
    entry.refresh_from_db()
    assert (entry.resolved_at, entry.claimed_by) == (None, moderator)  # back in their hands
    assert ReviewQueueCount.objects.get(kind="image").open == 1


def test_a_bulk_undo_moves_each_file_back_with_no_lock_held() -> None:
    entry = queued_image()
    moderator = make_moderator()
    result = bulk.review_bulk_decide(
        review_ids=[entry.id], moderator=moderator, decision="approve", reason="ok"
    )
    assert result.action is not None

    with probing_the_store() as seen:
        assert bulk.review_bulk_undo(bulk_id=result.action.id, moderator=moderator) == 1

    assert_unlocked(seen, "copy", "delete")
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.IN_REVIEW
    assert ReviewQueueCount.objects.get(kind="image").open == 1


def test_feedback_is_filed_refiled_and_taken_back_with_no_lock_held() -> None:
    entry = queued_feedback()
    moderator = make_moderator()

    with probing_the_store() as seen:
        reviews.review_decide(
            review_id=entry.id,
            moderator=moderator,
            decision="approve",
            reason="ok",
            sentiment="positive",
        )
        filed = Feedback.objects.get(id=entry.item_id).route
        feedback_services.feedback_set_sentiment(
            feedback_id=entry.item_id, sentiment="neutral", moderator=moderator
        )
        refiled = Feedback.objects.get(id=entry.item_id).route
        review_undo(review_id=entry.id, moderator=moderator)

    assert_unlocked(seen, "save", "delete")
    assert "/positive/" in filed and "/neutral/" in refiled
    assert not default_storage.exists(filed) and not default_storage.exists(refiled)
    feedback = Feedback.objects.get(id=entry.item_id)
    assert (feedback.status, feedback.route, feedback.analysis_token) == (
        ItemStatus.IN_REVIEW, "", None,
    )  # fmt: skip


def test_a_qa_overturn_takes_the_image_down_with_no_lock_held() -> None:
    share_everything()
    image = machine_image()
    assert image.file_key.startswith(f"{image_services.APPROVED_PREFIX}/")
    sample = sampled(image)

    with probing_the_store() as seen:
        qa.qa_decide(
            sample_id=sample.id,
            moderator=make_moderator(),
            verdict="overturn",
            reason="violence",
        )

    assert_unlocked(seen, "copy", "delete")
    image.refresh_from_db()
    assert (image.status, image.analysis_token) == (ItemStatus.REJECTED, None)
    assert image.file_key.startswith(f"{image_services.QUARANTINE}/")
    assert default_storage.exists(image.file_key)
    assert not default_storage.exists(approved_key(image, True))


def test_an_appeal_overturn_approves_the_image_with_no_lock_held() -> None:
    entry = queued_image()
    reviews.review_decide(
        review_id=entry.id, moderator=make_moderator(), decision="reject", reason="violence"
    )
    image = ImageUpload.objects.get(id=entry.item_id)
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="A toy gun.")

    with probing_the_store() as seen:
        appeals.appeal_decide(appeal_id=appeal.id, moderator=make_moderator(), verdict="overturn")

    assert_unlocked(seen, "copy", "delete")
    image.refresh_from_db()
    assert (image.status, image.analysis_token) == (ItemStatus.APPROVED, None)
    assert image.file_key.startswith(
        f"{image_services.APPROVED_PREFIX}/"
    ) and default_storage.exists(image.file_key)


def test_a_held_item_is_not_decided_until_the_hold_is_released_or_runs_out() -> None:
    entry = queued_image()
    moderator = make_moderator()
    hold = holds.item_hold(ImageUpload, entry.item_id)
    assert hold is not None
    assert holds.item_hold(ImageUpload, entry.item_id) is None  # one holder at a time

    with pytest.raises(Conflict, match="Someone else is changing this item"):
        reviews.review_decide(
            review_id=entry.id, moderator=moderator, decision="approve", reason="ok"
        )
    image = ImageUpload.objects.get(id=entry.item_id)
    assert (image.status, image.analysis_token) == (ItemStatus.IN_REVIEW, hold.token)
    assert image.file_key.startswith(f"{image_services.QUARANTINE}/")
    assert not default_storage.exists(approved_key(image, True))
    entry.refresh_from_db()
    assert (entry.resolved_at, entry.claimed_by) == (None, None)  # its claim was given back

    ran_out = timezone.now() - timedelta(seconds=holds.HOLD_SECONDS + 1)
    ImageUpload.objects.filter(id=entry.item_id).update(analysis_started_at=ran_out)
    reviews.review_decide(review_id=entry.id, moderator=moderator, decision="approve", reason="ok")
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.APPROVED
    assert holds.item_hold(ImageUpload, hold.item_id) is not None  # the old token is gone


def test_an_item_still_being_analysed_is_not_changed_and_says_so() -> None:
    feedback = feedback_services.feedback_create(text=TEXT, author=None)  # pending

    with pytest.raises(Conflict, match="still being analysed"):
        feedback_services.feedback_set_sentiment(
            feedback_id=feedback.id, sentiment="negative", moderator=make_moderator()
        )

    feedback.refresh_from_db()
    assert (feedback.status, feedback.sentiment, feedback.analysis_token) == (
        ItemStatus.PENDING, "", None,
    )  # fmt: skip


def test_a_decision_that_fails_after_its_copy_leaves_no_copy_behind() -> None:
    entry = queued_image()
    moderator = make_moderator()

    with (
        mock.patch.object(reviews, "queue_count_add", side_effect=RuntimeError("database")),
        pytest.raises(RuntimeError),
    ):
        reviews.review_decide(
            review_id=entry.id, moderator=moderator, decision="approve", reason="ok"
        )

    assert_back_in_review_in_quarantine(entry)
    entry.refresh_from_db()
    assert (entry.resolved_at, entry.claimed_by) == (None, None)
    assert ReviewQueueCount.objects.get(kind="image").open == 1


def test_tidying_deletes_the_stale_copy_with_no_lock_held() -> None:
    entry = queued_image()
    image = ImageUpload.objects.get(id=entry.item_id)
    stale = approved_key(image, True)
    default_storage.save(stale, default_storage.open(image.file_key))

    with probing_the_store() as seen:
        assert image_services.image_files_tidy(image_id=image.id)

    assert_unlocked(seen, "delete")
    assert not default_storage.exists(stale) and default_storage.exists(image.file_key)
    assert ImageUpload.objects.get(id=image.id).analysis_token is None


def test_a_worker_files_a_machine_decision_with_no_lock_held() -> None:
    feedback = feedback_services.feedback_create(text=TEXT, author=None)

    with (
        mock.patch("feedback.services.get_text_analyzer", return_value=FakeTextAnalyzer(HAPPY)),
        probing_the_store() as seen,
    ):
        feedback_services.feedback_analyze(feedback_id=feedback.id)

    assert_unlocked(seen, "save")
    feedback.refresh_from_db()
    assert (feedback.status, feedback.analysis_token) == (ItemStatus.APPROVED, None)
    assert feedback.route.startswith("feedback/positive/") and default_storage.exists(
        feedback.route
    )
    assert read_document(feedback.route)["status"] == "approved"


def test_a_worker_that_loses_discards_the_document_it_filed() -> None:
    feedback = feedback_services.feedback_create(text=TEXT, author=None)
    key = f"feedback/positive/{feedback.created_at:%Y/%m/%d}/{feedback.id}.json"
    original = filing.file_document

    def file_then_lose(message: Feedback) -> str:
        # Filed; meanwhile another worker decided the message and sent it to review.
        filed = original(message)
        Feedback.objects.filter(id=message.id).update(
            status=ItemStatus.IN_REVIEW, analysis_token=None
        )
        return filed

    with (
        mock.patch("feedback.services.get_text_analyzer", return_value=FakeTextAnalyzer(HAPPY)),
        mock.patch.object(filing, "file_document", side_effect=file_then_lose),
    ):
        assert feedback_services.feedback_analyze(feedback_id=feedback.id) is None

    feedback.refresh_from_db()
    assert (feedback.status, feedback.route) == (ItemStatus.IN_REVIEW, "")
    assert not default_storage.exists(key)


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
