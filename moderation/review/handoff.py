"""Handing an item on without deciding it: skip it (someone else may take it) or escalate it
to the senior moderators' second-opinion queue with a note. Both are audited like decisions.

Escalation is a conditional UPDATE like claims and decisions: only an open entry that is not
escalated yet, and that nobody else holds, can be sent on; the row count says who won.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from moderation.items import pipeline
from moderation.items.models import AnalysedItem
from moderation.kinds import kind_get
from moderation.review.models import ReviewItem, ReviewSkip
from moderation.review.services import (
    _claim_free,
    _conflict_message,
    _not_found,
    _refuse_own,
    note_check,
)
from project.errors import BadInput, Conflict


def _entry_and_item(review_id: uuid.UUID) -> tuple[ReviewItem, AnalysedItem]:
    entry = ReviewItem.objects.select_related("claimed_by").filter(id=review_id).first()
    if entry is None or entry.item is None:
        raise _not_found()
    return entry, entry.item


def review_skip(*, review_id: uuid.UUID, moderator: User) -> ReviewItem:
    """Pass on an open item: this moderator's claim on it (if any) is released, and "next"
    does not hand it back to them for REVIEW_SKIP_SECONDS. Others see it as free at once."""
    entry, item = _entry_and_item(review_id)
    if entry.resolved_at is not None:
        raise Conflict(gettext("this item has already been decided"))
    until = timezone.now() + timedelta(seconds=settings.REVIEW_SKIP_SECONDS)
    with transaction.atomic():
        ReviewItem.objects.filter(
            id=review_id, resolved_at__isnull=True, claimed_by=moderator
        ).update(claimed_by=None, claimed_at=None, claim_renewed_at=None, claim_expires_at=None)
        ReviewSkip.objects.update_or_create(
            review=entry, moderator=moderator, defaults={"until": until}
        )
        pipeline.audit_action(item, actor=moderator, action="skip", note="")
    return ReviewItem.objects.get(id=review_id)


def _clean_note(note: str) -> str:
    note = note.strip()
    if not note:
        raise BadInput(
            gettext("note is required: say what the second opinion should look at"), field="note"
        )
    note_check(note)
    return note


def review_escalate(*, review_id: uuid.UUID, moderator: User, note: str) -> ReviewItem:
    """Send an open item to the second-opinion queue, with a note for the senior moderator.
    From then on only seniors see it in their queue and may decide it. The sender's claim is
    released. Conflict if it is decided, already escalated, or held by someone else."""
    note = _clean_note(note)
    entry, item = _entry_and_item(review_id)
    _refuse_own(kind_get(entry.kind), item, moderator)
    now = timezone.now()
    with transaction.atomic():
        won = ReviewItem.objects.filter(
            _claim_free(now) | Q(claimed_by=moderator),
            id=review_id,
            resolved_at__isnull=True,
            escalated_at__isnull=True,
        ).update(
            escalated_at=now, escalated_by=moderator, escalation_note=note,
            claimed_by=None, claimed_at=None, claim_renewed_at=None, claim_expires_at=None,
        )  # fmt: skip
        if not won:
            entry.refresh_from_db()
            if entry.resolved_at is None and entry.escalated_at is not None:
                raise Conflict(gettext("this item is already waiting for a second opinion"))
            raise Conflict(_conflict_message(entry))
        pipeline.audit_action(item, actor=moderator, action="escalate", note=note)
    return ReviewItem.objects.get(id=review_id)
