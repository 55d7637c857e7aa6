"""Upload through the API, analysis by a real Celery worker over Redis, with the local model."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from moderation.images import services
from moderation.models import AuditEvent, ImageUpload, ItemStatus, Policy, PolicyBand
from moderation.policy import services as policy_services
from project.celery import app as celery_app
from tests.conftest import wait_until_decided
from tests.factories import image_bytes, make_user

pytestmark = pytest.mark.e2e


def upload(client: Client, content: bytes) -> str:
    response = client.post(
        "/api/v1/images/", {"image": SimpleUploadedFile("p.jpg", content, "image/jpeg")}
    )
    assert response.status_code == 202, response.content
    return str(response.json()["id"])


@contextmanager
def broker_unreachable() -> Iterator[None]:
    """Make this process publish to a port nothing listens on (Celery's own override)."""

    def reconnect() -> None:
        # Celery caches the connection pool and the producer pool built on it.
        celery_app._pool = None  # type: ignore[attr-defined]
        celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELERY_BROKER_WRITE_URL", "redis://127.0.0.1:1/0")
        reconnect()
        yield
    reconnect()


@pytest.fixture
def client() -> Client:
    client = Client()
    client.force_login(make_user())
    return client


def test_upload_is_analysed_by_the_worker(
    celery_worker_process: subprocess.Popen[str], client: Client, tmp_path: Path
) -> None:
    image = wait_until_decided(ImageUpload, upload(client, image_bytes(size=(320, 240))))

    # A flat blue picture: the local model scores it far below any band.
    assert image.status == ItemStatus.APPROVED
    assert image.analyzer == "local-open-nsfw"
    assert [label["name"] for label in image.labels] == ["Explicit"]
    assert 0 <= image.labels[0]["confidence"] < 40
    assert image.reasons == []
    assert image.file_key.startswith("images/approved/")
    assert (tmp_path / "media" / image.file_key).exists()
    assert AuditEvent.objects.filter(item_id=image.id, to_status="approved").exists()


def test_policy_decides_in_the_worker_and_duplicates_are_not_analysed_twice(
    celery_worker_process: subprocess.Popen[str], client: Client
) -> None:
    # A policy that sends anything with an Explicit score to review.
    v1 = Policy.objects.get(version=1)
    policy_services.policy_publish(
        bands=[PolicyBand(category="Explicit", review_at=0, reject_at=100)],
        default_review_at=v1.default_review_at,
        default_reject_at=v1.default_reject_at,
        sentiment_review_below=v1.sentiment_review_below,
    )
    content = image_bytes(size=(200, 200), color=(10, 200, 30))
    first = wait_until_decided(ImageUpload, upload(client, content))
    assert first.status == ItemStatus.IN_REVIEW
    assert first.policy_version == 2
    assert first.reasons[0]["label"] == "Explicit"
    assert first.reasons[0]["threshold"] == 0

    second = wait_until_decided(ImageUpload, upload(client, content))
    assert second.labels == first.labels
    event = AuditEvent.objects.get(item_id=second.id)
    assert event.note == f"labels reused from image {first.id}"


def test_broker_down_at_upload_is_analysed_after_the_requeue_job(
    celery_worker_process: subprocess.Popen[str], client: Client
) -> None:
    with broker_unreachable():
        started = time.monotonic()
        image_id = upload(client, image_bytes(color=(90, 90, 90)))
        assert time.monotonic() - started < 10  # the request does not hang on the broker

    time.sleep(2)
    image = ImageUpload.objects.get(id=image_id)
    assert image.status == ItemStatus.PENDING and image.queued_at is None

    ImageUpload.objects.filter(id=image_id).update(created_at=image.created_at.replace(year=2000))
    assert services.images_requeue_pending() == 1
    assert wait_until_decided(ImageUpload, image_id).status == ItemStatus.APPROVED
