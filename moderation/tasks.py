"""Every task of the app, for Celery's autodiscovery (which imports `<app>.tasks`)."""

from __future__ import annotations

from moderation.images.tasks import analyze_image, requeue_pending_images, tidy_image_files
from moderation.items.tasks import (
    analyze_item,
    backoff_seconds,
    purge_rejected,
    release_dead_items,
    run_analysis,
)
from moderation.qa.tasks import qa_sample
from moderation.review.tasks import (
    bulk_decide,
    rebuild_queue_counts,
    release_stale_claims,
    resend_stalled_bulk,
)

__all__ = [
    "analyze_image",
    "analyze_item",
    "backoff_seconds",
    "bulk_decide",
    "purge_rejected",
    "qa_sample",
    "rebuild_queue_counts",
    "release_dead_items",
    "release_stale_claims",
    "requeue_pending_images",
    "resend_stalled_bulk",
    "run_analysis",
    "tidy_image_files",
]
