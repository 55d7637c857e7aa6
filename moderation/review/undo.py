"""Undo of moderators' decisions, one at a time or for a bulk action (bulk.py): the item goes
back to the queue, its file back to quarantine, its filed document away, on the record. The
e-mail the submitter was sent at the decision stays sent, as for bulk undo."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from moderation.appeals.models import Appeal
from moderation.items import holds, pipeline
from moderation.items.models import DecidedBy, ItemStatus
from moderation.kinds import kind_get
from moderation.review.counts import queue_count_add
from moderation.review.models import ReviewItem
from moderation.review.services import APPROVE, OUTCOMES, REJECT, _claim_fields, _released
from project.errors import Conflict, NotFound

DECISIONS: dict[str, str] = {ItemStatus.APPROVED: APPROVE, ItemStatus.REJECTED: REJECT}


class _Unchanged(Exception):
    """The item or its queue entry changed since it was read: there is nothing to undo."""


def decision_revert(
    *,
    review_id: uuid.UUID,
    decision: str,
    moderator: User,
    note: str,
    entry_still: Q | None = None,
    reclaim: bool = False,
) -> bool:
    """Put one decided item back in the queue if it still has the decision's outcome, set by a
    moderator, and its entry still matches `entry_still`; False (nothing changed) otherwise.
    With `reclaim`, the entry goes back to this moderator's hands instead of the open queue.

    The file goes back to quarantine under the item's hold, with no lock taken, then one
    short transaction writes the undo (moderation/items/holds.py)."""
    entry = ReviewItem.objects.get(id=review_id)
    item = entry.item
    if item is None:  # deleted since (its account was)
        return False
    if Appeal.objects.filter(kind=entry.kind, item_id=item.id).exists():
        return False  # an appealed decision is the appeal's to change
    outcome = OUTCOMES[decision]
    if item.status != outcome or item.decided_by != DecidedBy.MODERATOR:
        return False
    kind = kind_get(entry.kind)

    def write(hold: holds.Hold, files: Mapping[str, object]) -> None:
        reverted = (
            hold.mine()
            .filter(status=outcome, decided_by=DecidedBy.MODERATOR)
            .update(status=ItemStatus.IN_REVIEW, decided_by="", decided_at=None, **files,
                    **holds.RELEASED)
        )  # fmt: skip
        claim = _claim_fields(moderator, timezone.now()) if reclaim else _released()
        reopened = ReviewItem.objects.filter(entry_still or Q(), id=review_id).update(
            resolved_at=None, **claim
        )
        if not (reverted and reopened):
            raise _Unchanged
        item.refresh_from_db()
        kind.on_undone(item)
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
        # Last: the counter row is shared by every decision of this kind and reason.
        queue_count_add(kind=entry.kind, reason=entry.reason, delta=1)

    try:
        holds.item_change(item, files=lambda: kind.undo_files(item), write=write)
    except _Unchanged:
        return False
    return True


def review_undo_deadline(entry: ReviewItem) -> datetime | None:
    """Until when a decided entry can be undone by its moderator (None: it is not decided)."""
    if entry.resolved_at is None:
        return None
    return entry.resolved_at + timedelta(seconds=settings.REVIEW_UNDO_SECONDS)


def review_undo(*, review_id: uuid.UUID, moderator: User) -> ReviewItem:
    """Undo one decision: only by the moderator who made it, within REVIEW_UNDO_SECONDS of it,
    and only if nobody changed the item since. Conflict otherwise, with nothing changed."""
    entry = ReviewItem.objects.filter(id=review_id).first()
    if entry is None or entry.item is None:
        raise NotFound(gettext("Not found."))
    deadline = review_undo_deadline(entry)
    if deadline is None:
        raise Conflict(gettext("this item is not decided"))
    if entry.claimed_by_id != moderator.pk:
        raise Conflict(gettext("only the moderator who decided this item can undo it"))
    now = timezone.now()
    if deadline < now:
        raise Conflict(gettext("this decision can no longer be undone"))
    decision = DECISIONS.get(entry.item.status)
    # The checks above hold when the undo is written, or it changes nothing; the item goes
    # back to the moderator who took it back, who is about to decide it again.
    still = Q(
        claimed_by=moderator,
        resolved_at=entry.resolved_at,
        resolved_at__gte=now - timedelta(seconds=settings.REVIEW_UNDO_SECONDS),
    )
    if decision is None or not decision_revert(
        review_id=entry.id, decision=decision, moderator=moderator, note=f"undo of {decision}",
        entry_still=still, reclaim=True,
    ):  # fmt: skip
        raise Conflict(gettext("this decision can no longer be undone"))
    return ReviewItem.objects.get(id=review_id)
