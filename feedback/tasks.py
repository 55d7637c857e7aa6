from __future__ import annotations

from celery import Task, shared_task

from feedback import services
from moderation.tasks import run_analysis


@shared_task(bind=True, max_retries=None)
def analyze_feedback(self: Task, feedback_id: str) -> None:
    run_analysis(
        self,
        feedback_id,
        lambda item_id: services.feedback_analyze(feedback_id=item_id),
        lambda item_id, error: services.feedback_analysis_gave_up(feedback_id=item_id, error=error),
    )


@shared_task
def requeue_pending_feedback() -> int:
    return services.feedback_requeue_pending()
