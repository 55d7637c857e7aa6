"""Writes of the human-review queue: claims and moderators' decisions.

Claims and decisions are conditional UPDATEs on the queue entry: the row count says who won,
so two moderators can never hold or decide the same item, whatever the timing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from moderation.access import user_is_senior
from moderation.items import holds, pipeline
from moderation.items.errors import StorageError
from moderation.items.models import AnalysedItem, AuditEvent, DecidedBy, ItemStatus
from moderation.kinds import ContentKind, kind_get, kinds_all
from moderation.policy.selectors import queue_timing
from moderation.review.counts import queue_count_add
from moderation.review.decision_reasons import reason_check
from moderation.review.models import ModeratorPreference, ReviewItem, ReviewSkip
from moderation.review.notify import decision_notify_later
from project.errors import AppError, BadInput, Conflict, Forbidden, NotFound, Unavailable

APPROVE = "approve"
REJECT = "reject"
OUTCOMES = {APPROVE: ItemStatus.APPROVED, REJECT: ItemStatus.REJECTED}
MAX_NOTE_CHARS = 2000


def _not_found() -> NotFound:
    return NotFound(gettext("Not found."))


def note_check(note: str) -> None:
    """BadInput naming `note` if a moderator's note holds a NUL or runs over MAX_NOTE_CHARS:
    refused whole, never cut."""
    if "\x00" in note:
        raise BadInput(gettext("note must not contain NUL characters"), field="note")
    if len(note) > MAX_NOTE_CHARS:
        raise BadInput(
            gettext("note is %(length)d characters; the limit is %(limit)d characters")
            % {"length": len(note), "limit": MAX_NOTE_CHARS},
            field="note",
        )


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


def _may_handle(moderator: User) -> Q:
    """The entries this moderator may claim and decide: escalated ones only for seniors."""
    return Q() if user_is_senior(moderator) else Q(escalated_at__isnull=True)


def _refuse_escalated(entry: ReviewItem, moderator: User) -> None:
    if entry.escalated_at is not None and not user_is_senior(moderator):
        raise Forbidden(
            gettext("This item waits for a second opinion: only a senior moderator can decide it.")
        )


def _claim_fields(moderator: User, now: datetime) -> dict[str, object]:
    """A new claim, started now."""
    return {"claimed_by": moderator, "claimed_at": now, **_renewal_fields(now)}


def _renewal_fields(now: datetime) -> dict[str, object]:
    expires = now + timedelta(seconds=queue_timing().claim_ttl_seconds)
    return {"claim_renewed_at": now, "claim_expires_at": expires}


def _released() -> dict[str, object]:
    return {"claimed_by": None, "claimed_at": None, "claim_renewed_at": None,
            "claim_expires_at": None}  # fmt: skip


def claim_is_stale(entry: ReviewItem, now: datetime | None = None) -> bool:
    """Held, but its holder's page has not renewed it for REVIEW_CLAIM_STALE_SECONDS."""
    if entry.claimed_by_id is None:
        return False
    renewed = entry.claim_renewed_at or entry.claimed_at
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.REVIEW_CLAIM_STALE_SECONDS)
    return renewed is None or renewed < cutoff


def _open_entry(review_id: uuid.UUID) -> ReviewItem:
    entry = ReviewItem.objects.select_related("claimed_by").filter(id=review_id).first()
    if entry is None or entry.item is None:
        raise _not_found()
    return entry


def review_refuse(entry: ReviewItem, moderator: User) -> None:
    """Forbidden if a rule keeps this moderator from deciding the entry: they submitted it, or
    it waits for a second opinion and they are not a senior."""
    if entry.item is not None:
        _refuse_own(kind_get(entry.kind), entry.item, moderator)
    _refuse_escalated(entry, moderator)


def _refusal(entry: ReviewItem, moderator: User) -> AppError:
    """Why a claim on this entry was refused: the most specific rule first."""
    if entry.resolved_at is None and entry.item is not None:
        try:
            _refuse_own(kind_get(entry.kind), entry.item, moderator)
            _refuse_escalated(entry, moderator)
        except Forbidden as exc:
            return exc
    return Conflict(_conflict_message(entry))


def review_claim(*, review_id: uuid.UUID, moderator: User) -> ReviewItem:
    """Start reviewing one open item, or renew this moderator's own claim on it. Conflict if
    another moderator's claim is live or the item is decided; Forbidden if this moderator
    submitted it, or it waits for a second opinion and they are not a senior."""
    now = timezone.now()
    mine = Q(claimed_by=moderator, claim_expires_at__gte=now)
    allowed = entries_not_own(moderator) & _may_handle(moderator)
    open_entry = ReviewItem.objects.filter(allowed, id=review_id, resolved_at__isnull=True)
    # Renewing keeps the claim's start; a new claim starts now. Each is one conditional UPDATE.
    won = open_entry.filter(mine).update(**_renewal_fields(now)) or open_entry.filter(
        _claim_free(now)
    ).update(**_claim_fields(moderator, now))
    entry = ReviewItem.objects.select_related("claimed_by").filter(id=review_id).first()
    if entry is None:
        raise _not_found()
    if not won:
        raise _refusal(entry, moderator)
    return entry


def review_claim_renew(*, review_id: uuid.UUID, moderator: User) -> ReviewItem:
    """Keep this moderator's live claim (the item page, while open and used). Never starts a
    claim: Conflict if they do not hold it (any more)."""
    now = timezone.now()
    won = ReviewItem.objects.filter(
        id=review_id, resolved_at__isnull=True, claimed_by=moderator, claim_expires_at__gte=now
    ).update(**_renewal_fields(now))
    if not won:
        raise Conflict(gettext("you no longer hold this item"))
    return ReviewItem.objects.select_related("claimed_by").get(id=review_id)


def review_release(*, review_id: uuid.UUID, moderator: User) -> ReviewItem:
    """Give up this moderator's claim, so anyone may take the item. Conflict if they do not
    hold it."""
    released = ReviewItem.objects.filter(
        id=review_id, resolved_at__isnull=True, claimed_by=moderator
    ).update(**_released())
    if not released:
        entry = _open_entry(review_id)
        if entry.resolved_at is not None:
            raise Conflict(gettext("this item has already been decided"))
        raise Conflict(gettext("you do not hold this item"))
    return ReviewItem.objects.get(id=review_id)


def review_take_over(*, review_id: uuid.UUID, moderator: User) -> ReviewItem:
    """Take an item whose holder has gone quiet (claim_is_stale), on the record. A free item
    is simply claimed; one whose holder is still active is a Conflict."""
    entry = _open_entry(review_id)
    now = timezone.now()
    holder = entry.claimed_by
    if (
        holder is None
        or holder == moderator
        or entry.claim_expires_at is None
        or (entry.claim_expires_at < now)
    ):
        return review_claim(review_id=review_id, moderator=moderator)
    if entry.resolved_at is None and not claim_is_stale(entry, now):
        raise Conflict(
            gettext("%(moderator)s is still reviewing this item")
            % {"moderator": holder.get_username()}
        )
    item: AnalysedItem = entry.item  # type: ignore[assignment]
    with transaction.atomic():
        # Only the claim that was read, and only if it was not renewed since: a holder who
        # came back in between keeps it.
        won = ReviewItem.objects.filter(
            entries_not_own(moderator) & _may_handle(moderator),
            id=review_id,
            resolved_at__isnull=True,
            claimed_by=holder,
            claim_renewed_at=entry.claim_renewed_at,
        ).update(**_claim_fields(moderator, now))
        if not won:
            raise _refusal(ReviewItem.objects.select_related("claimed_by").get(id=review_id),
                           moderator)  # fmt: skip
        pipeline.audit_action(item, actor=moderator, action="take_over", note=holder.get_username())
    return ReviewItem.objects.select_related("claimed_by").get(id=review_id)


def _skipped_by(moderator: User, now: datetime) -> Q:
    recent = ReviewSkip.objects.filter(moderator=moderator, until__gt=now)
    return ~Q(id__in=recent.values("review_id"))


def review_claim_next(
    *, moderator: User, kind: str | None = None, escalated: bool = False
) -> ReviewItem | None:
    """Hand this moderator the oldest open item nobody else holds (their own claim first),
    never one they submitted nor one they skipped a moment ago. `escalated`: from the
    second-opinion queue (seniors only), else from the main queue."""
    if escalated and not user_is_senior(moderator):
        return None
    not_own = entries_not_own(moderator)
    which = Q(escalated_at__isnull=not escalated)
    if kind:
        which &= Q(kind=kind)
    mine = ReviewItem.objects.filter(
        not_own & which,
        claimed_by=moderator,
        resolved_at__isnull=True,
        claim_expires_at__gte=timezone.now(),
    )
    if held := mine.order_by("created_at").first():
        return review_claim(review_id=held.id, moderator=moderator)
    # Read a few candidates, then race for them one by one: losing one costs one UPDATE.
    while True:
        now = timezone.now()
        candidates = ReviewItem.objects.filter(
            _claim_free(now) & not_own & which & _skipped_by(moderator, now),
            resolved_at__isnull=True,
        )
        ids = list(candidates.order_by("created_at").values_list("id", flat=True)[:10])
        if not ids:
            return None
        for candidate in ids:
            won = ReviewItem.objects.filter(
                _claim_free(now), id=candidate, resolved_at__isnull=True
            ).update(**_claim_fields(moderator, now))
            if won:
                return ReviewItem.objects.get(id=candidate)


def review_release_stale() -> int:
    """Beat job: forget claims that expired, so the queue shows those items as free again,
    and skips that no longer hold anything back."""
    now = timezone.now()
    ReviewSkip.objects.filter(until__lte=now).delete()
    return ReviewItem.objects.filter(resolved_at__isnull=True, claim_expires_at__lt=now).update(
        **_released()
    )


def review_decide(
    *,
    review_id: uuid.UUID,
    moderator: User,
    decision: str,
    reason: str,
    note: str = "",
    then: Callable[[], object] | None = None,
    **details: Any,
) -> ReviewItem:
    """A moderator approves or rejects a queued item. Exactly one decision is ever recorded:
    a second one (or one on an item another moderator holds) raises Conflict; one on an item
    this moderator submitted raises Forbidden. `details` are the item's kind's own inputs
    (feedback's sentiment), checked by the kind; `then` runs inside the decision's transaction
    (a bulk action's record of it, so no decision is without its undo)."""
    if decision not in OUTCOMES:
        raise BadInput(gettext("decision must be approve or reject"), field="decision")
    reason_check(decision=decision, reason=reason)
    note_check(note)
    entry = ReviewItem.objects.filter(id=review_id).first()
    if entry is None or entry.item is None:
        raise _not_found()
    kind = kind_get(entry.kind)
    item: AnalysedItem = entry.item
    _refuse_own(kind, item, moderator)
    _refuse_escalated(entry, moderator)
    details = kind.decision_check(item, approve=decision == APPROVE, details=details)
    # Claimed first (a claim of one's own is renewed), so nobody else decides the item while
    # its file is copied; the copy is made under the item's hold with no lock taken, and the
    # decision written in one short transaction (moderation/items/holds.py).
    claimed = entry.claimed_by_id == moderator.pk
    review_claim(review_id=review_id, moderator=moderator)
    now = timezone.now()
    outcome = OUTCOMES[decision]
    decided = {"status": outcome, "decided_by": DecidedBy.MODERATOR, "decided_at": now}

    def write(hold: holds.Hold, files: Mapping[str, object]) -> AuditEvent:
        won = ReviewItem.objects.filter(
            id=review_id, claimed_by=moderator, resolved_at__isnull=True
        ).update(resolved_at=now, claim_expires_at=None)
        if not won:
            held = ReviewItem.objects.select_related("claimed_by").get(id=review_id)
            raise _refusal(held, moderator)
        updated = (
            hold.mine()
            .filter(status=ItemStatus.IN_REVIEW)
            .update(**decided, **files, **holds.RELEASED, updated_at=now)
        )
        if not updated:
            raise Conflict(gettext("this item is no longer waiting for review"))
        item.refresh_from_db()
        event = pipeline.audit(
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
        if then is not None:
            then()
        # Last: the counter row is shared by every decision of this kind and reason.
        queue_count_add(kind=entry.kind, reason=entry.reason, delta=-1)
        return event

    try:
        event = holds.item_change(
            item, files=lambda: kind.decision_files(pipeline.item_as(item, **decided), details),
            write=write,
        )  # fmt: skip
    except Exception as exc:
        if not claimed:  # the claim was this decision's: others may take the item again
            ReviewItem.objects.filter(
                id=review_id, claimed_by=moderator, resolved_at__isnull=True
            ).update(**_released())
        if isinstance(exc, StorageError):
            raise Unavailable(
                gettext("The file store did not answer; nothing was decided. Try again.")
            ) from exc
        raise
    # The submitter hears of it once the undo window has closed, if the decision still stands.
    transaction.on_commit(lambda: decision_notify_later(event_id=event.id))
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
