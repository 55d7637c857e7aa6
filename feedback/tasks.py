from __future__ import annotations

import uuid

from celery import Task, shared_task

from feedback import filing, services
from feedback.models import Feedback
from moderation.items import pipeline
from moderation.items.tasks import run_analysis


@shared_task(bind=True, max_retries=None)
def analyze_feedback(self: Task, feedback_id: str) -> None:
    run_analysis(
        self,
        feedback_id,
        lambda item_id: services.feedback_analyze(feedback_id=item_id),
        lambda item_id, error: services.feedback_analysis_gave_up(feedback_id=item_id, error=error),
        Feedback,
    )


@shared_task
def requeue_pending_feedback() -> int:
    return services.feedback_requeue_pending()


@shared_task(
    autoretry_for=pipeline.TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=10,
)
def discard_document(feedback_id: str, key: str) -> bool:
    """Delete a document its message no longer points at, when the move could not."""
    return filing.discard_document(feedback_id=uuid.UUID(feedback_id), key=key)
