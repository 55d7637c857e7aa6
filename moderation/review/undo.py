"""Undo of moderators' decisions, one at a time or for a bulk action (bulk.py): the item goes
back to the queue, its file back to quarantine, its filed document away, on the record. The
e-mail the submitter was sent at the decision stays sent, as for bulk undo."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from moderation.appeals.models import Appeal
from moderation.items import pipeline
from moderation.items.models import DecidedBy, ItemStatus
from moderation.kinds import kind_get
from moderation.review.counts import queue_count_add
from moderation.review.models import ReviewItem
from moderation.review.services import APPROVE, OUTCOMES, REJECT, _claim_fields
from project.errors import Conflict, NotFound

DECISIONS: dict[str, str] = {ItemStatus.APPROVED: APPROVE, ItemStatus.REJECTED: REJECT}


def decision_revert(*, review_id: uuid.UUID, decision: str, moderator: User, note: str) -> bool:
    """Put one decided item back in the queue if it still has the decision's outcome, set by a
    moderator; False (nothing changed) if it has none or is gone."""
    entry = ReviewItem.objects.get(id=review_id)
    item = entry.item
    if item is None:  # deleted since (its account was)
        return False
    if Appeal.objects.filter(kind=entry.kind, item_id=item.id).exists():
        return False  # an appealed decision is the appeal's to change
    outcome = OUTCOMES[decision]
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
            resolved_at=None, claimed_by=None, claimed_at=None, claim_renewed_at=None,
            claim_expires_at=None,
        )  # fmt: skip
        item.refresh_from_db()
        kind_get(entry.kind).on_undone(item)
        pipeline.audit(
            item,
            from_status=outcome,
            to_status=ItemStatus.IN_REVIEW,
            reasons=[],
            policy_version=item.policy_version,
            actor=moderator,
            action="undo",
            note=note,
        )
        # Last, so the shared counter row is not locked across on_undone's storage I/O.
        queue_count_add(kind=entry.kind, reason=entry.reason, delta=1)
    return True


def review_undo_deadline(entry: ReviewItem) -> datetime | None:
    """Until when a decided entry can be undone by its moderator (None: it is not decided)."""
    if entry.resolved_at is None:
        return None
    return entry.resolved_at + timedelta(seconds=settings.REVIEW_UNDO_SECONDS)


def review_undo(*, review_id: uuid.UUID, moderator: User) -> ReviewItem:
    """Undo one decision: only by the moderator who made it, within REVIEW_UNDO_SECONDS of it,
    and only if nobody changed the item since. Conflict otherwise, with nothing changed."""
    with transaction.atomic():
        # The entry first, as a decision takes it: an undo and a decision never deadlock.
        entry = ReviewItem.objects.select_for_update().filter(id=review_id).first()
        if entry is None or entry.item is None:
            raise NotFound(gettext("Not found."))
        deadline = review_undo_deadline(entry)
        if deadline is None:
            raise Conflict(gettext("this item is not decided"))
        if entry.claimed_by_id != moderator.pk:
            raise Conflict(gettext("only the moderator who decided this item can undo it"))
        if deadline < timezone.now():
            raise Conflict(gettext("this decision can no longer be undone"))
        decision = DECISIONS.get(entry.item.status)
        if decision is None or not decision_revert(
            review_id=entry.id, decision=decision, moderator=moderator, note=f"undo of {decision}"
        ):
            raise Conflict(gettext("this decision can no longer be undone"))
        # Back with the moderator who took it back, who is about to decide it again.
        ReviewItem.objects.filter(id=review_id, claimed_by__isnull=True).update(
            **_claim_fields(moderator, timezone.now())
        )
    return ReviewItem.objects.get(id=review_id)
