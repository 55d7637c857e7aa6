"""Tasks of the core, and the retry loop every kind's analysis task runs."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from celery import Task, shared_task
from django.conf import settings

from moderation.items import pipeline, retention
from moderation.items.models import AnalysedItem
from moderation.kinds import kind_get, kinds_all


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
        decided = analyze(uuid.UUID(item_id))
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
    # over if its holder is dead, and the liveness job will if it dies later. An item this
    # call decided needs no look at all.
    if decided is not None:
        return
    wait = pipeline.item_lease_wait(model, uuid.UUID(item_id))
    if wait is not None:
        raise task.retry(countdown=wait + 1)


@shared_task(bind=True, max_retries=None, name="moderation.items.analyze_item")
def analyze_item(self: Task, kind: str, item_id: str) -> None:
    """The analysis of a kind that has no task of its own."""
    content = kind_get(kind)
    run_analysis(self, item_id, content.analyse, content.analysis_gave_up, content.model)


@shared_task(name="moderation.tasks.release_dead_items")
def release_dead_items() -> int:
    """Every DEAD_WORKER_CHECK_SECONDS: queue again the items of every kind held by worker
    processes that stopped sending heartbeats (items/liveness.py)."""
    return sum(pipeline.items_release_dead(kind=kind.name) for kind in kinds_all())


@shared_task(name="moderation.tasks.purge_rejected")
def purge_rejected() -> int:
    """Daily: delete the stored content of items rejected REJECTED_RETENTION_DAYS ago."""
    return retention.rejected_purge().total
