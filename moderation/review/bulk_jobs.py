"""Bulk "all in this filter" as a job: the request writes the BulkAction, a Celery task decides
its items a bounded batch at a time (moderation/review/tasks.py).

Every decision goes through the single-item decision service, in its own transaction, with
the BulkEntry that lets undo find it. A batch runs under a lease on the action, so a second
copy of the job's message (a redelivery, or the stall check's resend) waits or finds nothing
left; the cursor only moves after a batch, and a decided item is no longer open, so a batch
run again after a crash decides nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from moderation.access import user_is_moderator
from moderation.review import selectors
from moderation.review.bulk import bulk_check, bulk_decide_one
from moderation.review.models import BulkAction, BulkState, ReviewItem
from moderation.review.services import entries_not_own
from project.errors import BadInput

ACTIVE = (BulkState.QUEUED, BulkState.RUNNING)


def review_bulk_start(
    *, filters: selectors.QueueFilters, moderator: User, decision: str, reason: str
) -> BulkAction:
    """Write the job for every open entry the filters select now; the caller, in a
    transaction, queues it once this is committed. Entries queued after this moment are not
    part of it."""
    bulk_check(decision=decision, reason=reason)
    wanted = {"kind": filters.kind or "", "reason": filters.reason or ""}
    wanted["older_than"] = filters.older_than or ""
    action = BulkAction.objects.create(
        moderator=moderator,
        decision=decision,
        reason=reason,
        state=BulkState.QUEUED,
        filters=wanted,
    )
    action.total = _entries(action).count()
    if not action.total:  # the caller's transaction drops the action with this
        raise BadInput(gettext("Select at least one item."), field="ids")
    action.save(update_fields=["total"])
    return action


def review_bulk_run_batch(*, bulk_id: uuid.UUID) -> bool:
    """Decide the next batch of a job; True if there may be more. A job that is finished,
    undone, or whose batch another run holds is left alone (False)."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    took = (
        BulkAction.objects.filter(id=bulk_id, state__in=ACTIVE, undone_at__isnull=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(state=BulkState.RUNNING, lease_until=lease, updated_at=now)
    )
    if not took:
        return False
    action = BulkAction.objects.select_related("moderator").get(id=bulk_id)
    if not action.moderator.is_active or not user_is_moderator(action.moderator):
        _finish(action, BulkState.FAILED)  # they may no longer decide anything
        return False
    try:
        batch = list(
            _after_cursor(action).values_list("id", "created_at")[: settings.REVIEW_BULK_BATCH_SIZE]
        )
        skipped = sum(bulk_decide_one(action, review_id) is not None for review_id, _ in batch)
    except BaseException:
        _finish(action, BulkState.FAILED)  # undo still finds whatever it decided
        raise
    more = len(batch) == settings.REVIEW_BULK_BATCH_SIZE
    if batch:
        action.cursor_id, action.cursor_created_at = batch[-1]
    action.skipped += skipped
    if not more:
        _finish(action, BulkState.DONE)
        return False
    action.decided = action.entries.count()
    action.lease_until = None
    action.save(
        update_fields=[
            "cursor_id", "cursor_created_at", "skipped", "decided", "lease_until", "updated_at"
        ]
    )  # fmt: skip
    return True


def review_bulk_stalled(*, idle_seconds: int) -> list[uuid.UUID]:
    """Jobs not finished, with no batch running and no change for `idle_seconds`: their message
    was lost (the broker was down when it was queued, or its worker died). Sending it again is
    safe: a copy that finds the batch leased or the job finished does nothing."""
    now = timezone.now()
    return list(
        BulkAction.objects.filter(
            state__in=ACTIVE,
            undone_at__isnull=True,
            updated_at__lt=now - timedelta(seconds=idle_seconds),
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .values_list("id", flat=True)
    )


def _entries(action: BulkAction) -> QuerySet[ReviewItem]:
    """The open entries the job's filters select, queued before it was asked for."""
    filters = selectors.QueueFilters.from_query(action.filters)
    # The age filter counts back from the click, not from whenever a batch runs.
    queued_before = action.created_at
    if filters.older_than:
        seconds = selectors.AGE_FILTERS[filters.older_than]
        queued_before -= timedelta(seconds=seconds)
    plain = selectors.QueueFilters(kind=filters.kind, reason=filters.reason)
    entries = selectors.review_queue(plain).filter(created_at__lte=queued_before)
    # Never the moderator's own items: left out of the count, not skipped one by one.
    return entries.filter(entries_not_own(action.moderator))


def _after_cursor(action: BulkAction) -> QuerySet[ReviewItem]:
    entries = _entries(action)
    if action.cursor_created_at is not None:
        entries = entries.filter(
            Q(created_at__gt=action.cursor_created_at)
            | Q(created_at=action.cursor_created_at, id__gt=action.cursor_id)
        )
    return entries.select_related(None).order_by("created_at", "id")


def _finish(action: BulkAction, state: BulkState) -> None:
    now = timezone.now()
    BulkAction.objects.filter(id=action.id).update(
        state=state,
        finished_at=now,
        lease_until=None,
        decided=action.entries.count(),
        skipped=action.skipped,
        cursor_id=action.cursor_id,
        cursor_created_at=action.cursor_created_at,
        updated_at=now,
    )
