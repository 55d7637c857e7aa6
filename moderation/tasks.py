from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from celery import Task, shared_task
from django.conf import settings

from moderation import pipeline, reviews, services
from moderation.models import AnalysedItem, ImageUpload
from moderation.queue_counts import queue_counts_rebuild


def backoff_seconds(retries: int, *, base: float = 5.0, cap: float = 300.0) -> float:
    """Exponential backoff with full jitter, so throttled workers don't retry in lockstep."""
    return random.uniform(0, min(cap, base * 2**retries))  # noqa: S311 - not cryptographic


def run_analysis(
    task: Task,
    item_id: str,
    analyze: Callable[[uuid.UUID], object],
    give_up: Callable[[uuid.UUID, str], object],
    model: type[AnalysedItem],
) -> None:
    """Analyse; retry with backoff on transient errors (a throttled or unreachable analyzer, a
    dropped database connection, a storage hiccup) only; then hand the item to a person."""
    try:
        analyze(uuid.UUID(item_id))
    except pipeline.TRANSIENT_ERRORS as exc:
        if task.request.retries >= settings.ANALYSIS_MAX_RETRIES:
            give_up(
                uuid.UUID(item_id),
                f"analysis failed after {task.request.retries + 1} attempts: {exc}",
            )
            return
        raise task.retry(exc=exc, countdown=backoff_seconds(task.request.retries)) from exc
    # A lease without heartbeat (taken outside a worker) still holds the item: try again when it
    # runs out rather than drop the message. A worker's lease needs no wait: the claim took it
    # over if its holder is dead, and the liveness job will if it dies later.
    wait = pipeline.item_lease_wait(model, uuid.UUID(item_id))
    if wait is not None:
        raise task.retry(countdown=wait + 1)


@shared_task(bind=True, max_retries=None)
def analyze_image(self: Task, image_id: str) -> None:
    run_analysis(
        self,
        image_id,
        lambda item_id: services.image_analyze(image_id=item_id),
        lambda item_id, error: services.image_analysis_gave_up(image_id=item_id, error=error),
        ImageUpload,
    )


@shared_task
def requeue_pending_images() -> int:
    return services.images_requeue_pending()


@shared_task
def release_dead_images() -> int:
    """Every DEAD_WORKER_CHECK_SECONDS: queue again the images held by dead worker processes."""
    return services.images_release_dead()


@shared_task(
    autoretry_for=pipeline.TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=10,
)
def tidy_image_files(image_id: str) -> bool:
    """Delete the copy of an image its row no longer points at, when a decision could not."""
    return services.image_files_tidy(image_id=uuid.UUID(image_id))


@shared_task
def release_stale_claims() -> int:
    return reviews.review_release_stale()


@shared_task
def purge_rejected() -> int:
    """Daily: delete the stored content of items rejected REJECTED_RETENTION_DAYS ago."""
    from moderation import retention

    report = retention.rejected_purge()
    return report.images + report.feedback


@shared_task
def rebuild_queue_counts() -> int:
    return queue_counts_rebuild()
