"""Writes of the human-review queue: claims and moderators' decisions.

Claims and decisions are conditional UPDATEs on the queue entry: the row count says who won,
so two moderators can never hold or decide the same item, whatever the timing.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from moderation.items import pipeline
from moderation.items.errors import StorageError
from moderation.items.models import AnalysedItem, DecidedBy, ItemStatus
from moderation.kinds import ContentKind, kind_get, kinds_all
from moderation.policy.selectors import queue_timing
from moderation.review.counts import queue_count_add
from moderation.review.decision_reasons import reason_check
from moderation.review.models import ModeratorPreference, ReviewItem
from moderation.review.notify import decision_notify
from project.errors import BadInput, Conflict, Forbidden, NotFound, Unavailable

APPROVE = "approve"
REJECT = "reject"
OUTCOMES = {APPROVE: ItemStatus.APPROVED, REJECT: ItemStatus.REJECTED}
MAX_NOTE_CHARS = 2000


def _not_found() -> NotFound:
    return NotFound(gettext("Not found."))


def _claim_free(now: object) -> Q:
    return Q(claimed_by__isnull=True) | Q(claim_expires_at__lt=now)


def _own_entries(moderator: User) -> Q | None:
    """The entries of items this moderator submitted, which they may neither claim nor decide
    (None: no such rule, under ALLOW_SELF_REVIEW). One subquery per kind, no read here."""
    if settings.ALLOW_SELF_REVIEW:
        return None
    own = Q()
    for kind in kinds_all():
        submitted = kind.model._default_manager.filter(**{kind.owner_field: moderator})
        own |= Q(kind=kind.name, item_id__in=submitted.values("id"))
    return own or None


def entries_not_own(moderator: User) -> Q:
    """The entries this moderator may decide by the self-review rule (all, if allowed)."""
    own = _own_entries(moderator)
    return ~own if own is not None else Q()


def _refuse_own(kind: ContentKind, item: AnalysedItem, moderator: User) -> None:
    if settings.ALLOW_SELF_REVIEW:
        return
    if getattr(item, f"{kind.owner_field}_id") == moderator.pk:
        raise Forbidden(gettext("You submitted this item, so another moderator has to decide it."))


def review_split_own(
    *, review_ids: list[uuid.UUID], moderator: User
) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """The entries this moderator may decide, and those left out because they submitted the
    item; in the given order."""
    own = _own_entries(moderator)
    if own is None:
        return list(review_ids), []
    mine = set(ReviewItem.objects.filter(own, id__in=review_ids).values_list("id", flat=True))
    return (
        [review_id for review_id in review_ids if review_id not in mine],
        [review_id for review_id in review_ids if review_id in mine],
    )


def _claim_fields(moderator: User) -> dict[str, object]:
    expires = timezone.now() + timedelta(seconds=queue_timing().claim_ttl_seconds)
    return {"claimed_by": moderator, "claim_expires_at": expires}


def review_claim(*, review_id: uuid.UUID, moderator: User) -> ReviewItem:
    """Claim (or renew the claim on) one open item. Conflict if another moderator's claim
    is live or the item is decided; Forbidden if this moderator submitted it."""
    now = timezone.now()
    won = ReviewItem.objects.filter(
        (_claim_free(now) | Q(claimed_by=moderator)) & entries_not_own(moderator),
        id=review_id,
        resolved_at__isnull=True,
    ).update(**_claim_fields(moderator))
    entry = ReviewItem.objects.select_related("claimed_by").filter(id=review_id).first()
    if entry is None:
        raise _not_found()
    if not won:
        if entry.item is not None:
            _refuse_own(kind_get(entry.kind), entry.item, moderator)
        raise Conflict(_conflict_message(entry))
    return entry


def review_claim_next(*, moderator: User, kind: str | None = None) -> ReviewItem | None:
    """Hand this moderator the oldest open item nobody else holds (their own claim first),
    never one they submitted."""
    not_own = entries_not_own(moderator)
    mine = ReviewItem.objects.filter(
        not_own,
        claimed_by=moderator,
        resolved_at__isnull=True,
        claim_expires_at__gte=timezone.now(),
    )
    if kind:
        mine = mine.filter(kind=kind)
    if held := mine.order_by("created_at").first():
        return review_claim(review_id=held.id, moderator=moderator)
    # Read a few candidates, then race for them one by one: losing one costs one UPDATE.
    while True:
        now = timezone.now()
        candidates = ReviewItem.objects.filter(_claim_free(now) & not_own, resolved_at__isnull=True)
        if kind:
            candidates = candidates.filter(kind=kind)
        ids = list(candidates.order_by("created_at").values_list("id", flat=True)[:10])
        if not ids:
            return None
        for candidate in ids:
            won = ReviewItem.objects.filter(
                _claim_free(now), id=candidate, resolved_at__isnull=True
            ).update(**_claim_fields(moderator))
            if won:
                return ReviewItem.objects.get(id=candidate)


def review_release_stale() -> int:
    """Beat job: forget claims that expired, so the queue shows those items as free again."""
    return ReviewItem.objects.filter(
        resolved_at__isnull=True, claim_expires_at__lt=timezone.now()
    ).update(claimed_by=None, claim_expires_at=None)


def review_decide(
    *,
    review_id: uuid.UUID,
    moderator: User,
    decision: str,
    reason: str,
    note: str = "",
    **details: Any,
) -> ReviewItem:
    """A moderator approves or rejects a queued item. Exactly one decision is ever recorded:
    a second one (or one on an item another moderator holds) raises Conflict; one on an item
    this moderator submitted raises Forbidden. `details` are the item's kind's own inputs
    (feedback's sentiment), checked by the kind."""
    if decision not in OUTCOMES:
        raise BadInput(gettext("decision must be approve or reject"), field="decision")
    reason_check(decision=decision, reason=reason)
    if "\x00" in note:
        raise BadInput(gettext("note must not contain NUL characters"), field="note")
    if len(note) > MAX_NOTE_CHARS:
        raise BadInput(
            gettext("note is %(length)d characters; the limit is %(limit)d characters")
            % {"length": len(note), "limit": MAX_NOTE_CHARS},
            field="note",
        )
    entry = ReviewItem.objects.filter(id=review_id).first()
    if entry is None or entry.item is None:
        raise _not_found()
    kind = kind_get(entry.kind)
    item: AnalysedItem = entry.item
    _refuse_own(kind, item, moderator)
    details = kind.decision_check(item, approve=decision == APPROVE, details=details)
    now = timezone.now()
    try:
        with transaction.atomic():
            won = ReviewItem.objects.filter(
                _claim_free(now) | Q(claimed_by=moderator), id=review_id, resolved_at__isnull=True
            ).update(resolved_at=now, claimed_by=moderator, claim_expires_at=None)
            if not won:
                raise Conflict(_conflict_message(ReviewItem.objects.get(id=review_id)))
            outcome = OUTCOMES[decision]
            updated = (
                type(item)
                ._default_manager.filter(id=item.id, status=ItemStatus.IN_REVIEW)
                .update(
                    status=outcome, decided_by=DecidedBy.MODERATOR, decided_at=now, updated_at=now
                )
            )  # fmt: skip
            if not updated:
                raise Conflict(gettext("this item is no longer waiting for review"))
            item.refresh_from_db()
            pipeline.audit(
                item,
                from_status=ItemStatus.IN_REVIEW,
                to_status=outcome,
                reasons=[{"label": "moderator", "band": decision, "reason": reason}],
                policy_version=item.policy_version,
                actor=moderator,
                action="decision",
                note=note,
            )
            kind.on_decided(item, details)
            # Last: the counter row is shared by every decision of this kind and reason, so
            # its lock is held only for the commit, never across on_decided's storage I/O.
            queue_count_add(kind=entry.kind, reason=entry.reason, delta=-1)
    except StorageError as exc:
        raise Unavailable(
            gettext("The file store did not answer; nothing was decided. Try again.")
        ) from exc
    transaction.on_commit(lambda: decision_notify(item, outcome, reason, note))
    return ReviewItem.objects.get(id=review_id)


def review_reveal(*, review_id: uuid.UUID, moderator: User) -> str:
    """What the item page hides (feedback's unmasked text), for a moderator who asked to see
    it: on the record. BadInput if the item's kind hides nothing."""
    entry = ReviewItem.objects.filter(id=review_id).first()
    if entry is None or entry.item is None:
        raise _not_found()
    return kind_get(entry.kind).reveal(entry.item, moderator)


def preference_set_blur(*, moderator: User, blur: bool) -> ModeratorPreference:
    preference, _ = ModeratorPreference.objects.update_or_create(
        user=moderator, defaults={"blur_images": blur}
    )
    return preference


def _conflict_message(entry: ReviewItem) -> str:
    if entry.resolved_at is not None:
        return gettext("this item has already been decided")
    if entry.claimed_by is None:
        return gettext("another moderator is reviewing this item")
    return gettext("%(moderator)s is reviewing this item") % {
        "moderator": entry.claimed_by.get_username()
    }
