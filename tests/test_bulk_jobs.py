"""Bulk "all in this filter" as a job (issue 14, finding 11): the BulkAction is written first,
a Celery task decides bounded batches, records every decision for undo, and sends the e-mails."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase
from django.utils import timezone

from feedback.models import Feedback
from moderation.models import (
    AuditEvent,
    BulkAction,
    BulkState,
    ImageUpload,
    ItemStatus,
    ReviewItem,
)
from moderation.review import bulk, bulk_jobs, tasks
from moderation.review import services as reviews
from moderation.review.counts import queue_counts_rebuild
from project.errors import Conflict
from tests.conftest import WorkerFactory
from tests.factories import make_moderator, make_user, signed_in
from tests.test_reviews import queued_feedback

OWNER_EMAIL = "owner@example.com"


def stored_queue(n: int, owner: User | None = None) -> list[ReviewItem]:
    """n open image entries with their quarantined files, written in bulk."""
    owner = owner or make_user(email=OWNER_EMAIL)
    images = []
    for _ in range(n):
        image_id = uuid.uuid4()
        key = default_storage.save(f"quarantine/{image_id}.jpg", ContentFile(b"jpeg"))
        images.append(
            ImageUpload(
                id=image_id, owner=owner, file_key=key, content_type="image/jpeg",
                sha256=image_id.hex * 2, size_bytes=4, width=1, height=1,
                status=ItemStatus.IN_REVIEW,
                reasons=[{"label": "Weapons", "confidence": 70.0, "band": "review"}],
            )
        )  # fmt: skip
    ImageUpload.objects.bulk_create(images)
    entries = ReviewItem.objects.bulk_create(
        ReviewItem(kind="image", item_id=image.id, reason="Weapons", priority=70.0)
        for image in images
    )
    queue_counts_rebuild()  # bulk_create bypasses the counters' signals
    return entries


def start_job(moderator: User, decision: str = "approve", **filters: str) -> BulkAction:
    """Ask for a job as the queue page does; the job's message is caught, not sent."""
    with (
        mock.patch.object(tasks.bulk_decide, "delay") as delay,
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        response = signed_in(moderator).post(
            "/review/bulk/",
            {
                "scope": "filter",
                "decision": decision,
                "reason": "ok" if decision == "approve" else "spam",
                **filters,
            },
        )
    assert response.status_code == 302
    action = BulkAction.objects.get()
    delay.assert_called_once_with(str(action.id))
    return action


def decisions() -> int:
    return AuditEvent.objects.filter(action="decision").count()


@pytest.fixture
def batch_of_four(settings: Any) -> None:
    settings.REVIEW_BULK_BATCH_SIZE = 4


@pytest.fixture
def run_batch(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Iterator[Callable[[BulkAction], mock.MagicMock]]:
    """Run one batch the way the worker does (the task function), on-commit hooks included;
    returns the mocked `delay` that would queue the next one."""

    def run(action: BulkAction) -> mock.MagicMock:
        with (
            mock.patch.object(tasks.bulk_decide, "delay") as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            tasks.bulk_decide(str(action.id))
        action.refresh_from_db()
        return delay

    yield run


@pytest.mark.django_db
def test_the_request_writes_the_job_and_decides_nothing() -> None:
    for _ in range(3):
        stored_queue(1)
    queued_feedback()
    moderator = make_moderator()
    action = start_job(moderator, decision="reject", kind="image")

    assert (action.state, action.total, action.decided) == (BulkState.QUEUED, 3, 0)
    assert action.moderator == moderator and action.filters["kind"] == "image"
    assert ImageUpload.objects.filter(status=ItemStatus.IN_REVIEW).count() == 3
    assert mail.outbox == []  # the job tells the submitters, not the request
    while bulk_jobs.review_bulk_run_batch(bulk_id=action.id):
        pass
    assert ImageUpload.objects.filter(status=ItemStatus.REJECTED).count() == 3
    assert Feedback.objects.get().status == ItemStatus.IN_REVIEW


@pytest.mark.django_db
@pytest.mark.usefixtures("batch_of_four")
def test_the_job_decides_bounded_batches_records_progress_and_mails(
    run_batch: Callable[[BulkAction], mock.MagicMock],
) -> None:
    stored_queue(10)
    action = start_job(make_moderator())
    assert action.total == 10

    next_batch = run_batch(action)
    assert (action.state, action.decided) == (BulkState.RUNNING, 4)
    next_batch.assert_called_once_with(str(action.id))
    assert ImageUpload.objects.filter(status=ItemStatus.APPROVED).count() == 4
    assert len(mail.outbox) == 4 and mail.outbox[0].to == [OWNER_EMAIL]

    run_batch(action)
    assert action.decided == 8
    last = run_batch(action)
    assert (action.state, action.decided, action.skipped) == (BulkState.DONE, 10, 0)
    last.assert_not_called()
    assert action.entries.count() == 10 and decisions() == 10
    assert len(mail.outbox) == 10
    for image in ImageUpload.objects.all():
        assert image.file_key.startswith("images/approved/")


@pytest.mark.django_db
@pytest.mark.usefixtures("batch_of_four")
def test_undo_covers_every_batch_and_waits_for_the_job_to_stop(
    run_batch: Callable[[BulkAction], mock.MagicMock],
) -> None:
    stored_queue(10)
    moderator = make_moderator()
    action = start_job(moderator)
    run_batch(action)
    with pytest.raises(Conflict):  # still deciding: nothing to undo yet
        bulk.review_bulk_undo(bulk_id=action.id, moderator=moderator)
    run_batch(action)
    run_batch(action)

    assert bulk.review_bulk_undo(bulk_id=action.id, moderator=moderator) == 10
    assert ImageUpload.objects.filter(status=ItemStatus.IN_REVIEW).count() == 10
    assert ReviewItem.objects.filter(resolved_at__isnull=True).count() == 10
    for image in ImageUpload.objects.all():
        assert image.file_key.startswith("quarantine/")
    assert not run_batch(action).called  # an undone job is never picked up again
    assert ImageUpload.objects.filter(status=ItemStatus.IN_REVIEW).count() == 10


@pytest.mark.django_db
@pytest.mark.usefixtures("batch_of_four")
def test_a_job_that_dies_midway_can_still_undo_what_it_decided(
    run_batch: Callable[[BulkAction], mock.MagicMock],
) -> None:
    stored_queue(10)
    moderator = make_moderator()
    action = start_job(moderator)
    run_batch(action)
    real = reviews.review_decide
    calls = iter(range(100))

    def dies_on_the_third(**kwargs: Any) -> Any:
        if next(calls) == 2:
            raise RuntimeError("worker lost its database")
        return real(**kwargs)

    with (
        mock.patch("moderation.review.bulk.review_decide", side_effect=dies_on_the_third),
        pytest.raises(RuntimeError),
    ):
        run_batch(action)
    action.refresh_from_db()
    assert (action.state, action.decided) == (BulkState.FAILED, 6)
    assert ImageUpload.objects.filter(status=ItemStatus.APPROVED).count() == 6

    assert bulk.review_bulk_undo(bulk_id=action.id, moderator=moderator) == 6
    assert ImageUpload.objects.filter(status=ItemStatus.IN_REVIEW).count() == 10
    assert AuditEvent.objects.filter(action="undo").count() == 6


@pytest.mark.django_db
@pytest.mark.usefixtures("batch_of_four")
def test_a_second_copy_of_the_message_decides_nothing_twice(
    run_batch: Callable[[BulkAction], mock.MagicMock],
) -> None:
    stored_queue(6)
    action = start_job(make_moderator())
    copies: list[bool] = []
    real = bulk.bulk_decide_one

    def with_a_copy_running_alongside(*args: Any) -> Any:
        if not copies:  # while the first batch holds its lease
            copies.append(bulk_jobs.review_bulk_run_batch(bulk_id=action.id))
        return real(*args)

    with mock.patch("moderation.review.bulk_jobs.bulk_decide_one", with_a_copy_running_alongside):
        run_batch(action)
    assert copies == [False] and action.decided == 4

    # A worker killed mid-batch: one of the next batch was decided (and recorded), the rest
    # not, the cursor is behind and the lease has run out. The redelivered message resumes.
    for entry in ReviewItem.objects.filter(resolved_at__isnull=True)[:1]:
        assert bulk.bulk_decide_one(action, entry.id) is None
    BulkAction.objects.filter(id=action.id).update(lease_until=timezone.now())
    run_batch(action)
    assert (action.state, action.decided, action.skipped) == (BulkState.DONE, 6, 0)
    run_batch(action)  # a copy arriving after the end
    assert decisions() == 6 and action.entries.count() == 6
    assert len(mail.outbox) == 5  # the item decided outside run_batch mailed on its own commit


@pytest.mark.django_db
@pytest.mark.usefixtures("batch_of_four")
def test_items_others_hold_are_skipped_and_counted(
    run_batch: Callable[[BulkAction], mock.MagicMock],
) -> None:
    entries = stored_queue(5)
    reviews.review_claim(review_id=entries[0].id, moderator=make_moderator())
    action = start_job(make_moderator())
    run_batch(action)
    run_batch(action)
    assert (action.state, action.decided, action.skipped) == (BulkState.DONE, 4, 1)
    assert ImageUpload.objects.get(id=entries[0].item_id).status == ItemStatus.IN_REVIEW


@pytest.mark.django_db
def test_a_moderator_who_lost_the_permission_decides_nothing(
    run_batch: Callable[[BulkAction], mock.MagicMock],
) -> None:
    stored_queue(3)
    moderator = make_moderator()
    action = start_job(moderator)
    moderator.groups.clear()
    run_batch(action)
    assert action.state == BulkState.FAILED and decisions() == 0


@pytest.mark.django_db
def test_a_filter_matching_nothing_writes_no_job() -> None:
    stored_queue(2)
    client = signed_in(make_moderator())
    page = client.post(
        "/review/bulk/",
        {"scope": "filter", "kind": "feedback", "decision": "approve", "reason": "ok"},
        follow=True,
    ).content.decode()
    assert "Select at least one item." in page and not BulkAction.objects.exists()
    response = client.post(
        "/review/bulk/", {"scope": "filter", "decision": "maybe", "reason": "ok"}, follow=True
    )
    assert "decision must be approve or reject" in response.content.decode()
    assert not BulkAction.objects.exists()


@pytest.mark.django_db
def test_a_selection_over_the_limit_is_refused_whole(settings: Any) -> None:
    settings.REVIEW_BULK_BATCH_SIZE = 3
    entries = stored_queue(4)
    client = signed_in(make_moderator())
    response = client.post(
        "/review/bulk/",
        {"ids": [str(e.id) for e in entries], "decision": "reject", "reason": "violence"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Too many ids: 4 selected, at most 3 at once" in body
    assert decisions() == 0 and not BulkAction.objects.exists()
    response = client.post(
        "/review/bulk/",
        {"ids": [str(e.id) for e in entries[:3]], "decision": "reject", "reason": "violence"},
    )
    assert response.status_code == 302 and decisions() == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("batch_of_four")
def test_the_queue_page_shows_progress_then_undo(
    run_batch: Callable[[BulkAction], mock.MagicMock],
) -> None:
    stored_queue(6)
    moderator = make_moderator()
    client = signed_in(moderator)
    with mock.patch.object(tasks.bulk_decide, "delay"):
        client.post("/review/bulk/", {"scope": "filter", "decision": "approve", "reason": "ok"})
    action = BulkAction.objects.get()
    run_batch(action)

    page = client.get("/review/").content.decode()
    status_url = f"/review/bulk/{action.id}/"
    assert "4 of 6 decided" in page and f'hx-get="{status_url}"' in page
    assert "/undo/" not in page
    polled = client.get(status_url).content.decode()
    assert polled.startswith('<div id="bulk-status"') and "4 of 6 decided" in polled
    assert signed_in(make_moderator()).get(status_url).status_code == 404

    run_batch(action)
    polled = client.get(status_url).content.decode()
    assert "hx-get" not in polled  # polling stops
    assert f'action="/review/bulk/{action.id}/undo/"' in polled and "6 items approved" in polled
    assert f'action="/review/bulk/{action.id}/undo/"' in client.get("/review/").content.decode()


@pytest.mark.django_db
def test_a_job_whose_message_was_lost_is_sent_again(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    stored_queue(2)
    action = start_job(make_moderator())
    assert bulk_jobs.review_bulk_stalled(idle_seconds=60) == []
    BulkAction.objects.filter(id=action.id).update(updated_at=timezone.now() - timedelta(minutes=5))
    with (
        mock.patch.object(tasks.bulk_decide, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.resend_stalled_bulk() == 1
    delay.assert_called_once_with(str(action.id))
    BulkAction.objects.filter(id=action.id).update(
        lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert bulk_jobs.review_bulk_stalled(idle_seconds=60) == []  # a batch is running


def mails_in(folder: Path) -> list[str]:
    return [
        line
        for path in folder.glob("*.log")
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]


def test_a_real_worker_decides_250_items_in_batches_once_each(
    celery_workers: WorkerFactory, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    # No undo window in the worker: each decision's e-mail goes at its commit (the delayed job
    # is covered by tests/test_undo_decision.py).
    worker = celery_workers.start(
        env={"VAKT_TEST_EMAIL_DIR": str(outbox), "REVIEW_UNDO_SECONDS": "0"},
    )
    stored_queue(250)
    moderator = make_moderator()
    client = signed_in(moderator)
    assert (
        client.post(
            "/review/bulk/", {"scope": "filter", "decision": "approve", "reason": "ok"}
        ).status_code
        == 302
    )
    action = BulkAction.objects.get()
    tasks.bulk_decide.delay(str(action.id))  # a duplicate of the job's message
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        action.refresh_from_db()
        if action.state not in bulk_jobs.ACTIVE:
            break
        time.sleep(0.5)
    assert worker.poll() is None
    assert (action.state, action.total, action.decided) == (BulkState.DONE, 250, 250)
    assert ImageUpload.objects.filter(status=ItemStatus.APPROVED).count() == 250
    assert decisions() == 250  # each item decided once
    assert mails_in(outbox) == [f"To: {OWNER_EMAIL}"] * 250

    page = client.get("/review/").content.decode()
    assert f'action="/review/bulk/{action.id}/undo/"' in page
    client.post(f"/review/bulk/{action.id}/undo/")
    assert ImageUpload.objects.filter(status=ItemStatus.IN_REVIEW).count() == 250


def test_a_real_worker_sends_each_bulk_decisions_email_once_its_undo_window_has_passed(
    celery_workers: WorkerFactory, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    celery_workers.start(env={"VAKT_TEST_EMAIL_DIR": str(outbox), "REVIEW_UNDO_SECONDS": "2"})
    stored_queue(60)
    client = signed_in(make_moderator())
    client.post("/review/bulk/", {"scope": "filter", "decision": "approve", "reason": "ok"})
    action = BulkAction.objects.get()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        action.refresh_from_db()
        if action.state not in bulk_jobs.ACTIVE and len(mails_in(outbox)) >= 60:
            break
        time.sleep(0.5)
    assert (action.state, action.decided) == (BulkState.DONE, 60)
    # The e-mails follow the decisions by the window; a job that is done may still owe the
    # last ones for up to that long, but none is lost and none goes twice.
    time.sleep(3)
    assert mails_in(outbox) == [f"To: {OWNER_EMAIL}"] * 60
