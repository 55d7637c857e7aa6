"""The image kind's tasks. Their names are fixed: queued messages and the beat schedule use them."""

from __future__ import annotations

import uuid

from celery import Task, shared_task

from moderation.images import services
from moderation.images.models import ImageUpload
from moderation.items import pipeline
from moderation.items.tasks import run_analysis


@shared_task(bind=True, max_retries=None, name="moderation.tasks.analyze_image")
def analyze_image(self: Task, image_id: str) -> None:
    run_analysis(
        self,
        image_id,
        lambda item_id: services.image_analyze(image_id=item_id),
        lambda item_id, error: services.image_analysis_gave_up(image_id=item_id, error=error),
        ImageUpload,
    )


@shared_task(name="moderation.tasks.requeue_pending_images")
def requeue_pending_images() -> int:
    return services.images_requeue_pending()


@shared_task(
    name="moderation.tasks.tidy_image_files",
    autoretry_for=pipeline.TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=10,
)
def tidy_image_files(image_id: str) -> bool:
    """Delete the copy of an image its row no longer points at, when a decision could not."""
    return services.image_files_tidy(image_id=uuid.UUID(image_id))
