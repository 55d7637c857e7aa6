"""Bulk decisions: one moderator's decision on many items, undoable for a while. A selection is
decided here, in its request; "all in this filter" is a job (bulk_jobs.py) built on the same
`bulk_decide_one`."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext

from moderation.review.decision_reasons import reason_check
from moderation.review.models import BulkAction, BulkEntry, BulkState
from moderation.review.services import OUTCOMES, review_decide
from moderation.review.undo import decision_revert
from project.errors import AppError, BadInput, Conflict


@dataclass(frozen=True)
class BulkResult:
    action: BulkAction | None  # None when nothing could be decided
    decided: list[uuid.UUID]
    conflicts: dict[uuid.UUID, str]  # entry id → why it was skipped


def bulk_check(*, decision: str, reason: str) -> None:
    """A bad decision or reason is wrong for every item: say so once, before deciding any.
    (The same words as review_decide, which checks them again for each item.)"""
    if decision not in OUTCOMES:
        raise BadInput(gettext("decision must be approve or reject"), field="decision")
    reason_check(decision=decision, reason=reason)


def bulk_decide_one(
    action: BulkAction,
    review_id: uuid.UUID,
    *,
    note: str = "",
    details: Mapping[str, Any] | None = None,
) -> str | None:
    """Decide one entry for a bulk action and record it on the action in the same transaction,
    so no decision is ever without its undo. Returns None, or why the entry was skipped (held
    or decided by someone else, feedback that needs a sentiment, …)."""
    try:
        review_decide(
            review_id=review_id,
            moderator=action.moderator,
            decision=action.decision,
            reason=action.reason,
            note=note,
            then=lambda: BulkEntry.objects.create(bulk=action, review_id=review_id),
            **(details or {}),
        )
    except AppError as exc:
        if isinstance(exc, BadInput) and exc.field in ("decision", "reason"):
            raise
        return exc.message
    return None


def review_bulk_decide(
    *,
    review_ids: Collection[uuid.UUID],
    moderator: User,
    decision: str,
    reason: str,
    note: str = "",
    details: Mapping[str, Any] | None = None,
) -> BulkResult:
    """Decide a selection of items with one reason, in the request: at most
    REVIEW_BULK_BATCH_SIZE of them, as much as one batch of a bulk job ("all in this filter"
    is a job: bulk_jobs.py). Items someone else holds or already decided, and feedback that
    would need a sentiment, are skipped and reported, never half-decided. A group decision
    (grouping.py) also gives each item the note and its kind's inputs (`details`)."""
    limit = settings.REVIEW_BULK_BATCH_SIZE
    if len(review_ids) > limit:
        raise BadInput(
            gettext(
                "too many ids: %(count)d selected, at most %(limit)d at once (choose all in "
                "this filter for more)"
            )
            % {"count": len(review_ids), "limit": limit},
            field="ids",
        )
    bulk_check(decision=decision, reason=reason)
    action = BulkAction.objects.create(
        moderator=moderator,
        decision=decision,
        reason=reason,
        state=BulkState.RUNNING,
        total=len(review_ids),
    )
    decided: list[uuid.UUID] = []
    conflicts: dict[uuid.UUID, str] = {}
    for review_id in review_ids:
        if (problem := bulk_decide_one(action, review_id, note=note, details=details)) is None:
            decided.append(review_id)
        else:
            conflicts[review_id] = problem
    if not decided:
        action.delete()
        return BulkResult(action=None, decided=decided, conflicts=conflicts)
    now = timezone.now()
    action.state, action.finished_at = BulkState.DONE, now
    action.decided, action.skipped = len(decided), len(conflicts)
    action.save(update_fields=["state", "finished_at", "decided", "skipped", "updated_at"])
    return BulkResult(action=action, decided=decided, conflicts=conflicts)


def bulk_undo_deadline(action: BulkAction) -> datetime | None:
    """Until when the action can be undone: REVIEW_UNDO_SECONDS after it stopped (a job that
    is still deciding cannot be undone yet; one that failed can, for what it decided)."""
    if action.finished_at is None or action.undone_at is not None:
        return None
    return action.finished_at + timedelta(seconds=settings.REVIEW_UNDO_SECONDS)


def review_bulk_undo(*, bulk_id: uuid.UUID, moderator: User) -> int:
    """Put the items of a recent bulk decision back in the queue; returns how many went back.
    Only its moderator, only once it stopped and within REVIEW_UNDO_SECONDS, only items nobody
    changed since."""
    now = timezone.now()
    since = now - timedelta(seconds=settings.REVIEW_UNDO_SECONDS)
    claimed = BulkAction.objects.filter(
        id=bulk_id,
        moderator=moderator,
        undone_at__isnull=True,
        state__in=[BulkState.DONE, BulkState.FAILED],
        finished_at__gte=since,
    ).update(undone_at=now, updated_at=now)
    if not claimed:
        raise Conflict(gettext("this bulk action can no longer be undone"))
    action = BulkAction.objects.get(id=bulk_id)
    entries = action.entries.order_by("id").values_list("review_id", flat=True)
    return sum(_undo_one(review_id, action) for review_id in entries.iterator(chunk_size=500))


def _undo_one(review_id: uuid.UUID, action: BulkAction) -> bool:
    return decision_revert(
        review_id=review_id,
        decision=action.decision,
        moderator=action.moderator,
        note=f"undo of bulk {action.decision} {action.id}",
    )
