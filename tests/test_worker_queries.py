"""One item's pass through a worker costs a fixed, small number of queries beyond the analysis
(issue 17: at most 5), whatever the outcome, and the statements that save them keep every
guarantee: one decision, its audit row, its queue entry and counter, the file in one place."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation.images import services
from moderation.images.analyzers.base import ImageAnalysis, ImageSource, ModerationLabel
from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.policy.models import PolicyBand
from moderation.policy.selectors import policy_current
from moderation.policy.services import policy_publish
from moderation.review.models import ReviewQueueCount
from moderation.tasks import analyze_image
from tests.factories import image_bytes, make_user, upload_file

pytestmark = pytest.mark.django_db

MAX_QUERIES = 5


class Fixed:
    name = "fixed"

    def __init__(self, *labels: ModerationLabel) -> None:
        self.labels = labels
        self.calls = 0

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        self.calls += 1
        return ImageAnalysis(labels=self.labels, analyzer=self.name, model_version="1")


@pytest.fixture
def analyzer() -> Iterator[mock.MagicMock]:
    with (
        mock.patch("moderation.images.services.get_image_analyzer") as get,
        mock.patch("moderation.tasks.analyze_image.delay"),
    ):
        yield get


def pending(content: bytes | None = None) -> ImageUpload:
    return services.image_upload_create(owner=make_user(), upload=upload_file(content))


def run_task(image: ImageUpload) -> list[dict[str, Any]]:
    """The worker's whole pass (the task, not only the service), as a worker runs it."""
    # The policy is cached per process: the first item of a worker reads it once.
    policy_current()
    with CaptureQueriesContext(connection) as queries:
        analyze_image.apply(args=(str(image.id),)).get()
    return queries.captured_queries


def test_an_approved_item_costs_two_statements_and_its_file_is_moved_not_copied(
    analyzer: mock.MagicMock,
) -> None:
    analyzer.return_value = Fixed(ModerationLabel("Alcohol", 20.0))
    image = pending()
    quarantined = default_storage.path(image.file_key)
    inode = os.stat(quarantined).st_ino

    queries = run_task(image)

    image.refresh_from_db()
    assert image.status == ItemStatus.APPROVED and image.decided_by == "machine"
    assert image.file_key == f"images/approved/{image.id}.jpg"
    # The same file under its new name (a hard link, then the old name removed): no copy.
    assert os.stat(default_storage.path(image.file_key)).st_ino == inode
    assert not os.path.exists(quarantined)
    event = AuditEvent.objects.get(item_id=image.id)
    assert (event.from_status, event.to_status, event.policy_version) == ("pending", "approved", 1)
    assert len(queries) <= MAX_QUERIES, [q["sql"][:80] for q in queries]
    assert len(queries) == 2  # the claim, and the decision with its audit row


def test_an_item_sent_to_review_gets_its_entry_and_counter_in_the_same_statement(
    analyzer: mock.MagicMock,
) -> None:
    analyzer.return_value = Fixed(ModerationLabel("Weapons", 70.0, "Violence"))
    first, second = pending(), pending(image_bytes(color=(10, 200, 30)))

    queries = run_task(first)
    run_task(second)

    assert len(queries) == 2, [q["sql"][:80] for q in queries]
    for image in (first, second):
        image.refresh_from_db()
        assert image.status == ItemStatus.IN_REVIEW and image.decided_at is None
        entry = ReviewItem.objects.get(item_id=image.id)
        assert (entry.kind, entry.reason, entry.priority) == ("image", "Weapons", 70.0)
        assert AuditEvent.objects.get(item_id=image.id).to_status == ItemStatus.IN_REVIEW
    # Created by the first, added to by the second: as the entries' post_save would have.
    assert ReviewQueueCount.objects.get(kind="image", reason="Weapons").open == 2


def test_a_rejected_item_stays_in_quarantine_within_the_budget(
    analyzer: mock.MagicMock,
) -> None:
    analyzer.return_value = Fixed(
        ModerationLabel("Explicit Nudity", 97.5, "Explicit"), ModerationLabel("Explicit", 97.5)
    )
    image = pending()

    queries = run_task(image)

    image.refresh_from_db()
    assert image.status == ItemStatus.REJECTED
    assert default_storage.exists(image.file_key) and image.file_key.startswith("quarantine/")
    assert len(queries) <= MAX_QUERIES


def test_a_duplicate_reuses_the_analysis_within_the_budget(analyzer: mock.MagicMock) -> None:
    fixed = Fixed(ModerationLabel("Alcohol", 20.0))
    analyzer.return_value = fixed
    first, second = pending(), pending()
    run_task(first)

    queries = run_task(second)

    second.refresh_from_db()
    assert fixed.calls == 1
    assert second.status == ItemStatus.APPROVED
    assert AuditEvent.objects.get(item_id=second.id).note == f"labels reused from image {first.id}"
    assert len(queries) <= MAX_QUERIES


def test_a_lost_decision_writes_nothing(analyzer: mock.MagicMock) -> None:
    """The conditional UPDATE is still the only way to decide: when another worker's lease
    replaced ours, the statement changes no row and inserts no audit or queue row."""
    image = pending()

    class Robbed(Fixed):
        def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
            ImageUpload.objects.filter(id=image.id).update(analysis_token=None)
            return super().analyze(source, min_confidence=min_confidence)

    analyzer.return_value = Robbed(ModerationLabel("Weapons", 70.0, "Violence"))

    assert services.image_analyze(image_id=image.id) is None

    image.refresh_from_db()
    assert image.status == ItemStatus.PENDING
    assert not AuditEvent.objects.filter(item_id=image.id).exists()
    assert not ReviewItem.objects.filter(item_id=image.id).exists()
    assert not ReviewQueueCount.objects.filter(reason="Weapons", open__gt=0).exists()
    assert default_storage.exists(image.file_key)


def test_a_new_policy_version_is_seen_by_the_next_item(analyzer: mock.MagicMock) -> None:
    """The cached policy is keyed by the id the claim reads: a new version is used at once."""
    analyzer.return_value = Fixed(ModerationLabel("Weapons", 70.0, "Violence"))
    first = pending()
    run_task(first)
    bands = list(PolicyBand.objects.filter(policy__version=1))
    for band in bands:
        if band.category == "Violence":
            band.review_at, band.reject_at = 50.0, 65.0
    policy_publish(
        bands=bands,
        default_review_at=60,
        default_reject_at=95,
        sentiment_review_below=80,
        comment="stricter violence",
    )
    second = pending(image_bytes(color=(1, 2, 3)))

    analyze_image.apply(args=(str(second.id),)).get()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.policy_version) == (ItemStatus.IN_REVIEW, 1)
    assert (second.status, second.policy_version) == (ItemStatus.REJECTED, 2)
