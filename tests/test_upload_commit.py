"""A committed upload never loses its file (issue 14, finding 13): when queueing its analysis
fails after the row is committed, the file stays in storage, the image stays pending, and the
re-queue job picks it up.

Transactional tests: the upload must really commit in autocommit mode, as in a request, for
the on-commit hook to run inside the upload service (a test transaction would defer it).
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from moderation.images import services
from moderation.models import ImageUpload, ItemStatus
from tests.factories import make_user, upload_file

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _serialized(django_db_serialized_rollback: None) -> None:
    """Start from the migrated data and leave it for the next transactional test."""


def queueing_fails() -> Any:
    """Queueing raises after the commit, past the broker-error handling (a bug, a database
    hiccup while recording the queueing)."""
    return mock.patch.object(
        services, "image_queue_analysis", side_effect=RuntimeError("queueing broke")
    )


def test_queueing_failing_after_commit_keeps_the_file_and_the_pending_image(
    settings: Any,
) -> None:
    with queueing_fails():
        image = services.image_upload_create(owner=make_user(), upload=upload_file())

    image.refresh_from_db()
    assert image.status == ItemStatus.PENDING and image.queued_at is None
    assert default_storage.exists(image.file_key)

    settings.PENDING_UNQUEUED_REQUEUE_AFTER_SECONDS = 0  # the grace has passed
    with mock.patch("moderation.tasks.analyze_image.delay") as delay:
        assert services.images_requeue_pending() == 1
    delay.assert_called_once_with(str(image.id))


def test_the_api_accepts_the_upload_and_keeps_its_file_when_queueing_fails() -> None:
    client = Client()
    client.force_login(make_user())

    with queueing_fails():
        response = client.post(
            "/api/v1/images/",
            {"image": upload_file()},
        )

    assert response.status_code == 202
    image = ImageUpload.objects.get(id=response.json()["id"])
    assert image.status == ItemStatus.PENDING
    assert default_storage.exists(image.file_key)
