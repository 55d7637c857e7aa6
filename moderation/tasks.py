from __future__ import annotations

import random
import uuid

from celery import Task, shared_task
from django.conf import settings

from moderation import services
from moderation.analyzers.base import TransientAnalyzerError


def backoff_seconds(retries: int, *, base: float = 5.0, cap: float = 300.0) -> float:
    """Exponential backoff with full jitter, so throttled workers don't retry in lockstep."""
    return random.uniform(0, min(cap, base * 2**retries))  # noqa: S311 - not cryptographic


@shared_task(bind=True, max_retries=None)
def analyze_image(self: Task, image_id: str) -> None:
    try:
        services.image_analyze(image_id=uuid.UUID(image_id))
    except TransientAnalyzerError as exc:
        if self.request.retries >= settings.ANALYSIS_MAX_RETRIES:
            services.image_analysis_gave_up(
                image_id=uuid.UUID(image_id),
                error=f"analysis failed after {self.request.retries + 1} attempts: {exc}",
            )
            return
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc


@shared_task
def requeue_pending_images() -> int:
    return services.images_requeue_pending()
