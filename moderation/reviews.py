"""Writes of the human-review queue: claims and moderators' decisions.

Claims and decisions are conditional UPDATEs on the queue entry: the row count says who won,
so two moderators can never hold or decide the same item, whatever the timing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from moderation import pipeline, services
from moderation.i18n import language_for_user
from moderation.models import (
    AnalysedItem,
    BulkAction,
    DecidedBy,
    ImageUpload,
    ItemStatus,
    ModeratorPreference,
    ReviewItem,
)
from moderation.queue_counts import queue_count_add
from moderation.selectors import queue_timing

logger = logging.getLogger(__name__)

APPROVE = "approve"
REJECT = "reject"
OUTCOMES = {APPROVE: ItemStatus.APPROVED, REJECT: ItemStatus.REJECTED}
MAX_NOTE_CHARS = 2000


class ReviewError(Exception):
    """Bad input for a review action: a 400, naming the field."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ReviewConflict(Exception):
    """Someone else holds or already decided the item: a 409."""


def _claim_free(now: object) -> Q:
    return Q(claimed_by__isnull=True) | Q(claim_expires_at__lt=now)


def _claim_fields(moderator: User) -> dict[str, object]:
    expires = timezone.now() + timedelta(seconds=queue_timing().claim_ttl_seconds)
    return {"claimed_by": moderator, "claim_expires_at": expires}


def review_claim(*, review_id: uuid.UUID, moderator: User) -> ReviewItem:
    """Claim (or renew the claim on) one open item. ReviewConflict if another moderator's claim
    is live or the item is decided."""
    now = timezone.now()
    won = ReviewItem.objects.filter(
        _claim_free(now) | Q(claimed_by=moderator), id=review_id, resolved_at__isnull=True
    ).update(**_claim_fields(moderator))
    entry = ReviewItem.objects.select_related("claimed_by").get(id=review_id)
    if not won:
        raise ReviewConflict(_conflict_message(entry))
    return entry


def review_claim_next(*, moderator: User, kind: str | None = None) -> ReviewItem | None:
    """Hand this moderator the oldest open item nobody else holds (their own claim first)."""
    mine = ReviewItem.objects.filter(
        claimed_by=moderator, resolved_at__isnull=True, claim_expires_at__gte=timezone.now()
    )
    if kind:
        mine = mine.filter(kind=kind)
    if held := mine.order_by("created_at").first():
        return review_claim(review_id=held.id, moderator=moderator)
    # Read a few candidates, then race for them one by one: losing one costs one UPDATE.
    while True:
        now = timezone.now()
        candidates = ReviewItem.objects.filter(_claim_free(now), resolved_at__isnull=True)
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
    sentiment: str | None = None,
) -> ReviewItem:
    """A moderator approves or rejects a queued item. Exactly one decision is ever recorded:
    a second one (or one on an item another moderator holds) raises ReviewConflict."""
    if decision not in OUTCOMES:
        raise ReviewError(gettext("decision must be approve or reject"), field="decision")
    if reason not in settings.REVIEW_REASON_CODES:
        codes = ", ".join(settings.REVIEW_REASON_CODES)
        raise ReviewError(
            gettext("reason must be one of %(codes)s") % {"codes": codes}, field="reason"
        )
    if sentiment:
        # Checked for rejections too: the sentiment is stored whatever the decision.
        _check_sentiment(sentiment)
    if "\x00" in note:
        raise ReviewError(gettext("note must not contain NUL characters"), field="note")
    if len(note) > MAX_NOTE_CHARS:
        raise ReviewError(
            gettext("note is %(length)d characters; the limit is %(limit)d characters")
            % {"length": len(note), "limit": MAX_NOTE_CHARS},
            field="note",
        )
    entry = ReviewItem.objects.select_related("image", "feedback").filter(id=review_id).first()
    if entry is None:
        raise ReviewItem.DoesNotExist(review_id)
    item: AnalysedItem = entry.image or entry.feedback  # type: ignore[assignment]
    if entry.feedback and decision == APPROVE:
        sentiment = _sentiment_for_approval(entry.feedback.sentiment, sentiment)
    now = timezone.now()
    with transaction.atomic():
        won = ReviewItem.objects.filter(
            _claim_free(now) | Q(claimed_by=moderator), id=review_id, resolved_at__isnull=True
        ).update(resolved_at=now, claimed_by=moderator, claim_expires_at=None)
        if not won:
            raise ReviewConflict(_conflict_message(ReviewItem.objects.get(id=review_id)))
        queue_count_add(kind=entry.kind, reason=entry.reason, delta=-1)
        outcome = OUTCOMES[decision]
        updated = (
            type(item)
            ._default_manager.filter(id=item.id, status=ItemStatus.IN_REVIEW)
            .update(
                status=outcome, decided_by=DecidedBy.MODERATOR, decided_at=now, updated_at=now
            )
        )  # fmt: skip
        if not updated:
            raise ReviewConflict(gettext("this item is no longer waiting for review"))
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
        if isinstance(item, ImageUpload):
            _file_image(item)
        else:
            _file_feedback(item, sentiment)
    transaction.on_commit(lambda: _notify(item, outcome, reason, note))
    return ReviewItem.objects.get(id=review_id)


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
        except (ReviewConflict, ReviewError, ReviewItem.DoesNotExist, pipeline.StorageError) as exc:
            if isinstance(exc, ReviewError) and exc.field != "sentiment":
                raise  # a bad decision or reason is wrong for every item: say so once
            conflicts[review_id] = str(exc) or gettext("not found")
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
        raise ReviewConflict(gettext("this bulk action can no longer be undone"))
    action = BulkAction.objects.get(id=bulk_id)
    return sum(_undo_one(uuid.UUID(review_id), action) for review_id in action.review_ids)


def _undo_one(review_id: uuid.UUID, action: BulkAction) -> bool:
    entry = ReviewItem.objects.select_related("image", "feedback").get(id=review_id)
    item: AnalysedItem = entry.image or entry.feedback  # type: ignore[assignment]
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
        queue_count_add(kind=entry.kind, reason=entry.reason, delta=1)
        item.refresh_from_db()
        _unfile(item)
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
    return True


def _unfile(item: AnalysedItem) -> None:
    """Take back what a decision filed: an approved image returns to quarantine, a feedback
    document is removed."""
    if isinstance(item, ImageUpload):
        if item.file_key.startswith(f"{services.APPROVED_PREFIX}/"):
            _move_image(item, approved=False)
        return
    from feedback import filing
    from feedback.models import Feedback

    route = cast(Feedback, item).route
    if route:
        Feedback.objects.filter(id=item.id).update(route="")
        transaction.on_commit(lambda: filing.discard_document_soon(feedback_id=item.id, key=route))


def review_reveal_pii(*, review_id: uuid.UUID, moderator: User) -> str:
    """The feedback's original text, for a moderator who asked to see it: on the record."""
    entry = ReviewItem.objects.select_related("feedback").get(id=review_id)
    if entry.feedback is None:
        raise ReviewError(gettext("only feedback has personal data to reveal"), field="review")
    feedback = entry.feedback
    pipeline.audit_action(
        feedback, actor=moderator, action="reveal_pii", note=", ".join(feedback.pii_types)
    )
    return feedback.text


def preference_set_blur(*, moderator: User, blur: bool) -> ModeratorPreference:
    preference, _ = ModeratorPreference.objects.update_or_create(
        user=moderator, defaults={"blur_images": blur}
    )
    return preference


def _sentiment_for_approval(current: str, given: str | None) -> str:
    chosen = given or current
    if not chosen:
        raise ReviewError(
            gettext("sentiment is required to approve feedback the machine could not classify"),
            field="sentiment",
        )
    _check_sentiment(chosen)
    return chosen


def _check_sentiment(sentiment: str) -> None:
    from feedback.models import Sentiment

    if sentiment not in Sentiment.values:
        raise ReviewError(
            gettext("sentiment must be one of %(sentiments)s")
            % {"sentiments": ", ".join(Sentiment.values)},
            field="sentiment",
        )


def _file_image(image: ImageUpload) -> None:
    if image.status != ItemStatus.APPROVED:
        return  # rejected files stay in quarantine until the retention job purges them
    _move_image(image, approved=True)


def _move_image(image: ImageUpload, *, approved: bool) -> None:
    """Inside the decision's transaction: copy the file to its new place and point the row at
    it; the old copy goes once the decision has committed. A failed copy (StorageError) undoes
    the decision; one left over by a failed transaction is reused by the next attempt."""
    new = services.image_file_copy(image, services.image_file_key(image, approved=approved))
    ImageUpload.objects.filter(id=image.id).update(file_key=new)
    transaction.on_commit(lambda: services.image_files_tidy_soon(image_id=image.id))


def _file_feedback(item: AnalysedItem, sentiment: str | None) -> None:
    from feedback import filing
    from feedback.models import Feedback

    feedback = cast(Feedback, item)
    if sentiment and sentiment != feedback.sentiment:
        feedback.sentiment = sentiment
        feedback.sentiment_set_by = DecidedBy.MODERATOR
    feedback.route = filing.file_document(feedback)
    feedback.save(update_fields=["sentiment", "sentiment_set_by", "route"])


def _notify(item: AnalysedItem, outcome: str, reason: str, note: str) -> None:
    """Tell the submitter, if they have an address; a failed e-mail never undoes a decision.
    It is written in the submitter's language, whatever the moderator's is."""
    from feedback.models import Feedback

    person = item.author if isinstance(item, Feedback) else item.owner  # type: ignore[attr-defined]
    if person is None or not person.email:
        return
    with translation.override(language_for_user(person)):
        subject, body = decision_email(
            feedback=isinstance(item, Feedback),
            approved=outcome == ItemStatus.APPROVED,
            item_id=str(item.id),
            reason=reason,
            note=note,
        )
    try:
        send_mail(subject, body, None, [person.email])
    except Exception:
        logger.exception("could not notify %s about %s %s", person.email, item.KIND, item.id)


def decision_email(
    *, feedback: bool, approved: bool, item_id: str, reason: str, note: str
) -> tuple[str, str]:
    """Subject and body telling a submitter a moderator's decision, in the active language."""
    from moderation.reasons import review_reason_name

    if feedback:
        subject = (
            gettext("Your feedback was approved")
            if approved
            else gettext("Your feedback was not accepted")
        )
    else:
        subject = (
            gettext("Your image was approved")
            if approved
            else gettext("Your image was not accepted")
        )
    lines = [
        gettext("%(subject)s (%(id)s).") % {"subject": subject, "id": item_id},
        gettext("Reason: %(reason)s") % {"reason": review_reason_name(reason)},
    ]
    if note:
        lines.append(gettext("Note from the moderator: %(note)s") % {"note": note})
    return subject, "\n".join(lines)


def _conflict_message(entry: ReviewItem) -> str:
    if entry.resolved_at is not None:
        return gettext("this item has already been decided")
    if entry.claimed_by is None:
        return gettext("another moderator is reviewing this item")
    return gettext("%(moderator)s is reviewing this item") % {
        "moderator": entry.claimed_by.get_username()
    }
