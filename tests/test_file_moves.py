"""A moderator's decision moves files too: a storage failure there never loses the file, never
leaves it in two places once cleaned up, and never half-decides the item."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError
from django.test import Client

from feedback import filing
from feedback import services as feedback_services
from feedback.models import Feedback
from feedback.tasks import discard_document
from moderation.images import services
from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.tasks import tidy_image_files
from tests.factories import make_moderator, make_user, upload_file
from tests.faults import failures_spent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


@pytest.fixture
def media(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def flaky(settings: Any, media: Path, tmp_path: Path) -> Callable[..., Path]:
    """Switch to a storage whose first saves/deletes under the given prefixes fail."""

    def switch(**failures: dict[str, int]) -> Path:
        budget = tmp_path / "budget"
        budget.mkdir()
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "tests.faults.FlakyStorage",
                "OPTIONS": {"location": str(media), "budget_dir": str(budget), **failures},
            },
        }
        return budget

    return switch


def copies(media: Path, item_id: object) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob(f"{item_id}*"))


def image_in_review() -> tuple[ReviewItem, ImageUpload]:
    image = services.image_upload_create(owner=make_user(), upload=upload_file())
    services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    return ReviewItem.objects.get(item_id=image.id), image


def decide(moderator: User, entry: ReviewItem, decision: str = "approve") -> Any:
    client = Client()
    client.force_login(moderator)
    return client.post(
        f"/api/v1/reviews/{entry.id}/decision/",
        {"decision": decision, "reason": "false_positive"},
        content_type="application/json",
    )


def test_a_failed_copy_decides_nothing_and_the_next_attempt_moves_the_file_once(
    flaky: Callable[..., Path],
    media: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    entry, image = image_in_review()
    budget = flaky(fail_saves={"images/approved/": 1})
    moderator = make_moderator()

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(moderator, entry)

    assert response.status_code == 503
    assert "nothing was decided" in response.json()["detail"]
    image.refresh_from_db()
    entry.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW and entry.resolved_at is None
    assert not AuditEvent.objects.filter(item_id=image.id, action="decision").exists()
    assert (media / image.file_key).exists()  # the quarantined file is untouched

    with django_capture_on_commit_callbacks(execute=True):
        assert decide(moderator, entry).status_code == 200

    image.refresh_from_db()
    assert image.status == ItemStatus.APPROVED
    assert image.file_key == f"images/approved/{image.id}.jpg"
    # The half-written copy was replaced, not kept beside a renamed second one.
    assert copies(media, image.id) == [image.file_key]
    assert hashlib.sha256((media / image.file_key).read_bytes()).hexdigest() == image.sha256
    assert failures_spent(budget) == ["save-images_approved_-0"]


def test_a_failed_delete_after_approval_keeps_the_decision_and_a_task_finishes_the_move(
    flaky: Callable[..., Path],
    media: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    entry, image = image_in_review()
    quarantined = image.file_key
    flaky(fail_deletes={"quarantine/": 1})

    with (
        mock.patch("moderation.tasks.tidy_image_files.delay") as later,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert decide(make_moderator(), entry).status_code == 200

    image.refresh_from_db()
    assert image.status == ItemStatus.APPROVED
    assert copies(media, image.id) == sorted([image.file_key, quarantined])
    later.assert_called_once_with(str(image.id))

    tidy_image_files.apply(args=(str(image.id),))

    assert copies(media, image.id) == [image.file_key]


def test_undoing_an_approval_moves_the_file_back_once(
    media: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from moderation.review import bulk

    entry, image = image_in_review()
    moderator = make_moderator()
    with django_capture_on_commit_callbacks(execute=True):
        result = bulk.review_bulk_decide(
            review_ids=[entry.id], moderator=moderator, decision="approve", reason="ok"
        )
    assert copies(media, image.id) == [f"images/approved/{image.id}.jpg"]

    with django_capture_on_commit_callbacks(execute=True):
        assert result.action is not None
        bulk.review_bulk_undo(bulk_id=result.action.id, moderator=moderator)

    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW
    assert copies(media, image.id) == [image.file_key] == [f"quarantine/{image.id}.jpg"]


def filed_feedback() -> Feedback:
    feedback = feedback_services.feedback_create(text="Lovely!", author=None)
    Feedback.objects.filter(id=feedback.id).update(
        status=ItemStatus.APPROVED, sentiment="positive", sentiment_set_by="machine"
    )
    feedback.refresh_from_db()
    Feedback.objects.filter(id=feedback.id).update(route=filing.file_document(feedback))
    feedback.refresh_from_db()
    return feedback


def test_a_sentiment_change_that_fails_to_commit_keeps_the_document_where_the_row_says(
    media: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    feedback = filed_feedback()
    with (
        mock.patch("moderation.items.pipeline.audit_action", side_effect=DatabaseError("gone")),
        pytest.raises(DatabaseError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        feedback_services.feedback_set_sentiment(
            feedback_id=feedback.id, sentiment="mixed", moderator=make_moderator()
        )

    feedback.refresh_from_db()
    assert feedback.route.startswith("feedback/positive/")
    assert (media / feedback.route).exists()  # not deleted before the commit that never came


def test_a_failed_delete_of_the_old_document_is_retried_by_a_task(
    flaky: Callable[..., Path],
    media: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    feedback = filed_feedback()
    old = feedback.route
    flaky(fail_deletes={"feedback/positive/": 1})

    with (
        mock.patch("feedback.tasks.discard_document.delay") as later,
        django_capture_on_commit_callbacks(execute=True),
    ):
        feedback_services.feedback_set_sentiment(
            feedback_id=feedback.id, sentiment="mixed", moderator=make_moderator()
        )

    feedback.refresh_from_db()
    assert feedback.route.startswith("feedback/mixed/")
    assert copies(media, feedback.id) == sorted([old, feedback.route])
    later.assert_called_once_with(str(feedback.id), old)

    discard_document.apply(args=(str(feedback.id), old))

    assert copies(media, feedback.id) == [feedback.route]
