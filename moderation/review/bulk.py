"""Bulk decisions: one moderator's decision on many items, undoable for a while."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from moderation.items import pipeline
from moderation.items.models import DecidedBy, ItemStatus
from moderation.kinds import kind_get
from moderation.review.counts import queue_count_add
from moderation.review.models import BulkAction, ReviewItem
from moderation.review.services import OUTCOMES, review_decide
from project.errors import AppError, BadInput, Conflict


@dataclass(frozen=True)
class BulkResult:
    action: BulkAction | None  # None when nothing could be decided
    decided: list[uuid.UUID]
    conflicts: dict[uuid.UUID, str]  # entry id → why it was skipped


def review_bulk_decide(
    *, review_ids: Iterable[uuid.UUID], moderator: User, decision: str, reason: str
) -> BulkResult:
    """Decide many items with one reason. Items someone else holds or already decided, and
    feedback that would need a sentiment, are skipped and reported, never half-decided."""
    decided: list[uuid.UUID] = []
    conflicts: dict[uuid.UUID, str] = {}
    for review_id in review_ids:
        try:
            review_decide(
                review_id=review_id, moderator=moderator, decision=decision, reason=reason
            )
        except AppError as exc:
            if isinstance(exc, BadInput) and exc.field in ("decision", "reason"):
                raise  # a bad decision or reason is wrong for every item: say so once
            conflicts[review_id] = exc.message
        else:
            decided.append(review_id)
    action = None
    if decided:
        action = BulkAction.objects.create(
            moderator=moderator,
            decision=decision,
            reason=reason,
            review_ids=[str(review_id) for review_id in decided],
        )
    return BulkResult(action=action, decided=decided, conflicts=conflicts)


def review_bulk_undo(*, bulk_id: uuid.UUID, moderator: User) -> int:
    """Put the items of a recent bulk decision back in the queue; returns how many went back.
    Only its moderator, only within REVIEW_UNDO_SECONDS, only items nobody changed since."""
    now = timezone.now()
    since = now - timedelta(seconds=settings.REVIEW_UNDO_SECONDS)
    claimed = BulkAction.objects.filter(
        id=bulk_id, moderator=moderator, undone_at__isnull=True, created_at__gte=since
    ).update(undone_at=now)
    if not claimed:
        raise Conflict(gettext("this bulk action can no longer be undone"))
    action = BulkAction.objects.get(id=bulk_id)
    return sum(_undo_one(uuid.UUID(review_id), action) for review_id in action.review_ids)


def _undo_one(review_id: uuid.UUID, action: BulkAction) -> bool:
    entry = ReviewItem.objects.get(id=review_id)
    item = entry.item
    if item is None:  # deleted since (its account was)
        return False
    outcome = OUTCOMES[action.decision]
    with transaction.atomic():
        reverted = (
            type(item)
            ._default_manager.filter(
                id=item.id, status=outcome, decided_by=DecidedBy.MODERATOR
            )
            .update(status=ItemStatus.IN_REVIEW, decided_by="", decided_at=None)
        )  # fmt: skip
        if not reverted:
            return False
        ReviewItem.objects.filter(id=review_id).update(
            resolved_at=None, claimed_by=None, claim_expires_at=None
        )
        item.refresh_from_db()
        kind_get(entry.kind).on_undone(item)
        pipeline.audit(
            item,
            from_status=outcome,
            to_status=ItemStatus.IN_REVIEW,
            reasons=[],
            policy_version=item.policy_version,
            actor=action.moderator,
            action="undo",
            note=f"undo of bulk {action.decision} {action.id}",
        )
        # Last, so the shared counter row is not locked across on_undone's storage I/O.
        queue_count_add(kind=entry.kind, reason=entry.reason, delta=1)
    return True
