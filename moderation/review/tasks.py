"""Jobs of the review queue (the periodic ones' names are fixed: the beat schedule uses them)."""

from __future__ import annotations

import uuid
from functools import partial

from celery import shared_task
from django.db import transaction

from moderation.review.bulk_jobs import review_bulk_run_batch, review_bulk_stalled
from moderation.review.counts import queue_counts_rebuild
from moderation.review.notify import NOTIFY_TASK, decision_notify_standing
from moderation.review.services import review_release_stale

# A bulk job that has not moved for this long lost its message; a resend is harmless.
BULK_STALLED_SECONDS = 60


@shared_task(name="moderation.tasks.release_stale_claims")
def release_stale_claims() -> int:
    return review_release_stale()


@shared_task(name="moderation.tasks.rebuild_queue_counts")
def rebuild_queue_counts() -> int:
    return queue_counts_rebuild()


@shared_task(name=NOTIFY_TASK)
def notify_decision(event_id: int) -> bool:
    return decision_notify_standing(event_id=int(event_id))


@shared_task(name="review.bulk_decide")
def bulk_decide(bulk_id: str) -> None:
    """One batch of a bulk job, then the next batch as a message of its own: each run is
    bounded, and a worker that dies loses one batch's work at most (that batch runs again)."""
    if review_bulk_run_batch(bulk_id=uuid.UUID(bulk_id)):
        transaction.on_commit(lambda: bulk_decide.delay(bulk_id))


@shared_task(name="moderation.tasks.resend_stalled_bulk")
def resend_stalled_bulk() -> int:
    stalled = review_bulk_stalled(idle_seconds=BULK_STALLED_SECONDS)
    for bulk_id in stalled:
        transaction.on_commit(partial(bulk_decide.delay, str(bulk_id)))
    return len(stalled)
