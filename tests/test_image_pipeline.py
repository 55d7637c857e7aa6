"""The image pipeline below the HTTP layer: claim, analyse, decide, move files, audit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from moderation.images import services
from moderation.images.analyzers.base import (
    AnalyzerError,
    ImageAnalysis,
    ImageSource,
    ModerationLabel,
    TransientAnalyzerError,
)
from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.tasks import analyze_image
from tests.factories import image_bytes, make_user, upload_file

pytestmark = pytest.mark.django_db


@dataclass
class FakeAnalyzer:
    """Plays a script of answers (labels or exceptions) and records every call."""

    script: list[tuple[ModerationLabel, ...] | Exception]
    name: str = "fake"
    calls: list[tuple[ImageSource, float]] = field(default_factory=list)

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        self.calls.append((source, min_confidence))
        answer = self.script[min(len(self.calls), len(self.script)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return ImageAnalysis(labels=answer, analyzer=self.name, model_version="fake-1")


@pytest.fixture
def analyzer() -> Iterator[Callable[..., FakeAnalyzer]]:
    with mock.patch("moderation.images.services.get_image_analyzer") as get:

        def install(*script: tuple[ModerationLabel, ...] | Exception) -> FakeAnalyzer:
            fake = FakeAnalyzer(list(script))
            get.return_value = fake
            return fake

        yield install


@pytest.fixture
def queued() -> Iterator[mock.MagicMock]:
    with mock.patch("moderation.tasks.analyze_image.delay") as delay:
        yield delay


def upload(queued: mock.MagicMock, content: bytes | None = None, **kwargs: Any) -> ImageUpload:
    return services.image_upload_create(
        owner=kwargs.pop("owner", None) or make_user(), upload=upload_file(content)
    )


EXPLICIT_HIGH = (
    ModerationLabel("Explicit Nudity", 97.5, "Explicit"),
    ModerationLabel("Explicit", 97.5),
)
VIOLENCE_MID = (ModerationLabel("Weapons", 70.0, "Violence"),)


def test_upload_stores_in_quarantine_and_queues_on_commit(
    queued: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        image = upload(queued)
    assert image.status == ItemStatus.PENDING
    assert image.file_key == f"quarantine/{image.id}.jpg"
    assert default_storage.exists(image.file_key)
    queued.assert_called_once_with(str(image.id))
    image.refresh_from_db()
    assert image.queued_at is not None


def test_nothing_is_queued_before_commit(queued: mock.MagicMock) -> None:
    upload(queued)
    queued.assert_not_called()


def test_broker_down_at_commit_still_keeps_the_upload(
    queued: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    queued.side_effect = ConnectionRefusedError("broker down")
    with django_capture_on_commit_callbacks(execute=True):
        image = upload(queued)
    image.refresh_from_db()
    assert image.status == ItemStatus.PENDING
    assert image.queued_at is None
    assert default_storage.exists(image.file_key)


def test_clean_image_is_approved_and_moved_out_of_quarantine(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer]
) -> None:
    fake = analyzer((ModerationLabel("Alcohol", 20.0),))
    image = upload(queued)
    quarantined = image.file_key

    services.image_analyze(image_id=image.id)

    image.refresh_from_db()
    assert image.status == ItemStatus.APPROVED
    assert image.decided_by == "machine" and image.decided_at is not None
    assert image.policy_version == 1
    assert image.labels == [{"name": "Alcohol", "parent": None, "confidence": 20.0}]
    assert image.reasons == []
    assert image.file_key == f"images/approved/{image.id}.jpg"
    assert default_storage.exists(image.file_key)
    assert not default_storage.exists(quarantined)
    source, min_confidence = fake.calls[0]
    assert source.key == quarantined and source.content.startswith(b"\xff\xd8")
    assert min_confidence == 40  # the lowest review_at of policy v1 (Hate Symbols)
    event = AuditEvent.objects.get(item_id=image.id)
    assert (event.actor_kind, event.from_status, event.to_status, event.policy_version) == (
        "machine", "pending", "approved", 1,
    )  # fmt: skip


def test_explicit_image_is_rejected_and_stays_in_quarantine(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer]
) -> None:
    analyzer(EXPLICIT_HIGH)
    image = upload(queued)

    services.image_analyze(image_id=image.id)

    image.refresh_from_db()
    assert image.status == ItemStatus.REJECTED
    assert image.file_key.startswith("quarantine/")
    assert image.reasons[0] == {
        "label": "Explicit Nudity", "confidence": 97.5, "band": "reject", "threshold": 85,
        "category": "Explicit",
    }  # fmt: skip
    assert not ReviewItem.objects.exists()


def test_uncertain_image_goes_to_the_review_queue(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer]
) -> None:
    analyzer(VIOLENCE_MID)
    image = upload(queued)

    services.image_analyze(image_id=image.id)

    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW
    assert image.decided_by == "" and image.decided_at is None
    entry = ReviewItem.objects.get(item_id=image.id)
    assert (entry.kind, entry.reason, entry.priority) == ("image", "Weapons", 70.0)
    assert image.file_key.startswith("quarantine/")


def test_final_analyzer_error_sends_to_review_never_approves(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer]
) -> None:
    analyzer(AnalyzerError("Rekognition rejected the image: InvalidImageFormatException"))
    image = upload(queued)

    services.image_analyze(image_id=image.id)

    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW
    assert "InvalidImageFormatException" in image.error
    assert image.reasons[0]["label"] == "analysis_error"
    assert ReviewItem.objects.get(item_id=image.id).reason == "error"
    assert AuditEvent.objects.get(item_id=image.id).to_status == "in_review"


def test_unexpected_crash_also_goes_to_review(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer]
) -> None:
    analyzer(RuntimeError("model exploded"))
    image = upload(queued)
    services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW
    assert "RuntimeError: model exploded" in image.error


def test_throttling_is_retried_then_succeeds(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer], settings: Any
) -> None:
    settings.ANALYSIS_MAX_RETRIES = 3
    throttled = TransientAnalyzerError("ThrottlingException")
    fake = analyzer(throttled, throttled, (ModerationLabel("Alcohol", 10.0),))
    image = upload(queued)

    with mock.patch("moderation.items.tasks.backoff_seconds", return_value=0):
        analyze_image.apply(args=(str(image.id),))

    image.refresh_from_db()
    assert len(fake.calls) == 3
    assert image.status == ItemStatus.APPROVED
    assert image.attempts == 3


def test_retries_exhausted_goes_to_review_with_the_error(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer], settings: Any
) -> None:
    settings.ANALYSIS_MAX_RETRIES = 2
    fake = analyzer(TransientAnalyzerError("ThrottlingException: Rate exceeded"))
    image = upload(queued)

    with mock.patch("moderation.items.tasks.backoff_seconds", return_value=0):
        analyze_image.apply(args=(str(image.id),))

    image.refresh_from_db()
    assert len(fake.calls) == 3
    assert image.status == ItemStatus.IN_REVIEW
    assert image.error == "analysis failed after 3 attempts: ThrottlingException: Rate exceeded"


def test_a_decided_image_is_left_alone(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer]
) -> None:
    fake = analyzer(VIOLENCE_MID)
    image = upload(queued)
    services.image_analyze(image_id=image.id)

    assert services.image_analyze(image_id=image.id) is None
    assert len(fake.calls) == 1
    assert AuditEvent.objects.filter(item_id=image.id).count() == 1


def test_a_live_lease_keeps_a_second_worker_out(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer]
) -> None:
    fake = analyzer(VIOLENCE_MID)
    image = upload(queued)
    ImageUpload.objects.filter(id=image.id).update(
        analysis_token=uuid.uuid4(), analysis_started_at=timezone.now()
    )
    assert services.image_analyze(image_id=image.id) is None
    assert fake.calls == []
    # Once the lease has expired (the worker died), another worker takes over.
    ImageUpload.objects.filter(id=image.id).update(
        analysis_started_at=timezone.now() - timedelta(hours=1)
    )
    assert services.image_analyze(image_id=image.id) is not None
    assert len(fake.calls) == 1


def test_identical_image_reuses_the_analysis(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer]
) -> None:
    fake = analyzer(VIOLENCE_MID)
    first = upload(queued)
    services.image_analyze(image_id=first.id)
    second = upload(queued, owner=make_user())

    services.image_analyze(image_id=second.id)

    second.refresh_from_db()
    assert len(fake.calls) == 1
    assert second.sha256 == first.sha256
    assert second.status == ItemStatus.IN_REVIEW
    assert second.labels == [{"name": "Weapons", "parent": "Violence", "confidence": 70.0}]
    assert AuditEvent.objects.get(item_id=second.id).note == f"labels reused from image {first.id}"


def test_a_different_image_is_analysed_again(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer]
) -> None:
    fake = analyzer(VIOLENCE_MID)
    services.image_analyze(image_id=upload(queued).id)
    other = upload(queued, content=image_bytes(color=(200, 10, 10)))
    services.image_analyze(image_id=other.id)
    assert len(fake.calls) == 2


def test_requeue_picks_up_only_lost_items(queued: mock.MagicMock, settings: Any) -> None:
    settings.PENDING_REQUEUE_AFTER_SECONDS = 600
    old = timezone.now() - timedelta(minutes=5)
    never_queued = upload(queued)
    fresh = upload(queued)
    queued_recently = upload(queued)
    lost_long_ago = upload(queued)
    leased = upload(queued)
    decided = upload(queued)
    ImageUpload.objects.filter(id__in=[never_queued.id, queued_recently.id, leased.id]).update(
        created_at=old
    )
    ImageUpload.objects.filter(id=queued_recently.id).update(queued_at=old)
    ImageUpload.objects.filter(id=lost_long_ago.id).update(
        created_at=old - timedelta(hours=1), queued_at=old - timedelta(hours=1)
    )
    ImageUpload.objects.filter(id=leased.id).update(
        analysis_token=uuid.uuid4(), analysis_started_at=timezone.now()
    )
    ImageUpload.objects.filter(id=decided.id).update(status=ItemStatus.APPROVED, created_at=old)

    assert services.images_requeue_pending() == 2

    assert sorted(call.args[0] for call in queued.call_args_list) == sorted(
        [str(never_queued.id), str(lost_long_ago.id)]
    )
    never_queued.refresh_from_db()
    assert never_queued.queued_at is not None
    assert fresh.id  # fresh, queued_recently, leased and decided were left alone
