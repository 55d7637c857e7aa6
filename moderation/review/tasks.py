"""Periodic jobs of the review queue (names fixed: the beat schedule uses them)."""

from __future__ import annotations

from celery import shared_task

from moderation.review.counts import queue_counts_rebuild
from moderation.review.services import review_release_stale


@shared_task(name="moderation.tasks.release_stale_claims")
def release_stale_claims() -> int:
    return review_release_stale()


@shared_task(name="moderation.tasks.rebuild_queue_counts")
def rebuild_queue_counts() -> int:
    return queue_counts_rebuild()
