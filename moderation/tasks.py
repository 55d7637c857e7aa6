from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from celery import Task, shared_task
from django.conf import settings

from moderation import reviews, services
from moderation.analyzers.base import TransientAnalyzerError


def backoff_seconds(retries: int, *, base: float = 5.0, cap: float = 300.0) -> float:
    """Exponential backoff with full jitter, so throttled workers don't retry in lockstep."""
    return random.uniform(0, min(cap, base * 2**retries))  # noqa: S311 - not cryptographic


def run_analysis(
    task: Task,
    item_id: str,
    analyze: Callable[[uuid.UUID], object],
    give_up: Callable[[uuid.UUID, str], object],
) -> None:
    """Analyse; retry with backoff on throttling/connection errors only; then hand to a person."""
    try:
        analyze(uuid.UUID(item_id))
    except TransientAnalyzerError as exc:
        if task.request.retries >= settings.ANALYSIS_MAX_RETRIES:
            give_up(
                uuid.UUID(item_id),
                f"analysis failed after {task.request.retries + 1} attempts: {exc}",
            )
            return
        raise task.retry(exc=exc, countdown=backoff_seconds(task.request.retries)) from exc


@shared_task(bind=True, max_retries=None)
def analyze_image(self: Task, image_id: str) -> None:
    run_analysis(
        self,
        image_id,
        lambda item_id: services.image_analyze(image_id=item_id),
        lambda item_id, error: services.image_analysis_gave_up(image_id=item_id, error=error),
    )


@shared_task
def requeue_pending_images() -> int:
    return services.images_requeue_pending()


@shared_task
def release_stale_claims() -> int:
    return reviews.review_release_stale()
