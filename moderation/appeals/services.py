"""Writes of appeals: a submitter appeals a rejection; a moderator upholds or overturns it.

Both are state checks at the top, then one conditional write whose outcome decides who won: the
unique (kind, item_id) row for a second appeal, `state = open` for a second verdict.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from moderation.access import user_is_moderator
from moderation.appeals.models import MAX_MESSAGE_CHARS, Appeal, AppealState
from moderation.appeals.notify import appeal_notify
from moderation.items import holds, pipeline
from moderation.items.models import AnalysedItem, AuditEvent, DecidedBy, ItemStatus
from moderation.kinds import kind_get, kind_of
from moderation.review.services import MAX_NOTE_CHARS
from project.errors import BadInput, Conflict, Forbidden, NotFound

UPHOLD = "uphold"
OVERTURN = "overturn"
VERDICTS = {UPHOLD: AppealState.UPHELD, OVERTURN: AppealState.OVERTURNED}
# Audit actions of a verdict; an overturn is the item's standing moderator decision from then on
# (moderation/review/disclosure.py reads it as one).
ACTION_APPEAL = "appeal"
ACTION_UPHELD = "appeal_upheld"
ACTION_OVERTURNED = "appeal_overturned"


def _text_check(text: str, *, field: str, limit: int, required: bool) -> str:
    if not isinstance(text, str):
        raise BadInput(gettext("%(field)s must be text") % {"field": field}, field=field)
    if "\x00" in text:
        raise BadInput(
            gettext("%(field)s must not contain NUL characters") % {"field": field}, field=field
        )
    if len(text) > limit:
        # Never cut: the submitter's words reach the moderator whole, or not at all.
        raise BadInput(
            gettext("%(field)s is %(length)d characters; the limit is %(limit)d characters")
            % {"field": field, "length": len(text), "limit": limit},
            field=field,
        )
    if required and not text.strip():
        raise BadInput(gettext("Say why the decision is wrong."), field=field)
    return text.strip()


def _rejecting_moderator(item: AnalysedItem) -> User | None:
    """The moderator whose decision rejected the item (its latest decision), if one did."""
    if item.decided_by != DecidedBy.MODERATOR:
        return None
    event = (
        AuditEvent.objects.filter(item_kind=item.KIND, item_id=item.id, action="decision")
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    return event.actor if event else None


def appeal_create(*, item: AnalysedItem, submitter: User | None, message: str) -> Appeal:
    """Appeal an item's rejection. The caller (the kind's page or API) has found the item for
    this request; an item with an owner may still be appealed by that owner only (NotFound
    for anyone else, as for reading it). Conflict unless the item is rejected and not yet
    appealed; BadInput for an empty or too long message."""
    message = _text_check(message, field="message", limit=MAX_MESSAGE_CHARS, required=True)
    kind = kind_of(item)
    owner_id = getattr(item, f"{kind.owner_field}_id")
    if owner_id is not None and (submitter is None or submitter.pk != owner_id):
        raise NotFound(gettext("Not found."))
    # A moderator can read anyone's anonymous message; the one who sent it was signed out.
    if owner_id is None and submitter is not None and user_is_moderator(submitter):
        raise NotFound(gettext("Not found."))
    if Appeal.objects.filter(kind=kind.name, item_id=item.id).exists():
        raise Conflict(gettext("This item has already been appealed; it can be appealed once."))
    if item.status != ItemStatus.REJECTED:
        raise Conflict(gettext("Only a rejected item can be appealed."))
    if item.purged_at is not None:
        raise Conflict(
            gettext("This item's content has been deleted; it can no longer be appealed.")
        )
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                kind=kind.name,
                item_id=item.id,
                submitter=submitter,
                message=message,
                rejected_by=item.decided_by or DecidedBy.MACHINE,
                rejected_by_moderator=_rejecting_moderator(item),
                rejected_at=item.decided_at,
            )
            pipeline.audit_action(item, actor=submitter, action=ACTION_APPEAL, note="")
    except IntegrityError as exc:  # the same item appealed at the same moment
        raise Conflict(
            gettext("This item has already been appealed; it can be appealed once.")
        ) from exc
    return appeal


def appeal_refuse(appeal: Appeal, moderator: User) -> None:
    """Forbidden if this moderator may not handle the appeal: they made the decision appealed,
    or (unless ALLOW_SELF_REVIEW) they submitted the item."""
    if (
        appeal.rejected_by_moderator_id is not None
        and appeal.rejected_by_moderator_id == moderator.pk
    ):
        raise Forbidden(
            gettext(
                "You made the decision this appeal is about, so another moderator has to handle it."
            )
        )
    if not settings.ALLOW_SELF_REVIEW and appeal.submitter_id == moderator.pk:
        raise Forbidden(gettext("You submitted this item, so another moderator has to handle it."))


def appeal_item(appeal: Appeal) -> AnalysedItem | None:
    """The appealed item, or None once it is deleted (with its submitter's account)."""
    return kind_get(appeal.kind).model._default_manager.filter(id=appeal.item_id).first()


def appeal_decide(
    *, appeal_id: uuid.UUID, moderator: User, verdict: str, note: str = "", **details: Any
) -> Appeal:
    """Uphold (the item stays rejected) or overturn (it is approved, as a moderator's approval
    would: its kind files or moves it) an open appeal. The first verdict wins; a second one is a
    Conflict. `details` are the kind's decision inputs for an overturn (feedback's sentiment)."""
    if verdict not in VERDICTS:
        raise BadInput(gettext("verdict must be uphold or overturn"), field="verdict")
    note = _text_check(note, field="note", limit=MAX_NOTE_CHARS, required=False)
    appeal = Appeal.objects.filter(id=appeal_id).first()
    if appeal is None:
        raise NotFound(gettext("Not found."))
    appeal_refuse(appeal, moderator)
    item = appeal_item(appeal)
    if item is None:
        raise NotFound(gettext("Not found."))
    if appeal.state != AppealState.OPEN:
        raise Conflict(gettext("This appeal has already been decided."))
    kind = kind_get(appeal.kind)
    overturn = verdict == OVERTURN
    if overturn:
        if item.purged_at is not None:
            raise Conflict(gettext("This item's content has been deleted; it cannot be approved."))
        details = kind.decision_check(item, approve=True, details=details)
    now = timezone.now()

    def write(hold: holds.Hold | None, files: Mapping[str, object]) -> None:
        won = Appeal.objects.filter(id=appeal.id, state=AppealState.OPEN).update(
            state=VERDICTS[verdict], handled_by=moderator, handled_at=now, note=note
        )
        if not won:
            raise Conflict(gettext("This appeal has already been decided."))
        if hold is not None:
            _approve(item, hold=hold, files=files, kind_details=details, now=now)
        pipeline.audit(
            item,
            from_status=ItemStatus.REJECTED,
            to_status=ItemStatus.APPROVED if overturn else ItemStatus.REJECTED,
            reasons=[{"label": "appeal", "band": verdict}],
            policy_version=item.policy_version,
            actor=moderator,
            action=ACTION_OVERTURNED if overturn else ACTION_UPHELD,
            note=note,
        )

    if not overturn:
        with transaction.atomic():
            write(None, {})
    else:
        approved = {"status": ItemStatus.APPROVED, "decided_by": DecidedBy.MODERATOR,
                    "decided_at": now}  # fmt: skip
        holds.item_overturn(item, values=approved, details=details, write=write)
    transaction.on_commit(lambda: appeal_notify(appeal_id=appeal.id))
    return Appeal.objects.get(id=appeal.id)


def _approve(
    item: AnalysedItem,
    *,
    hold: holds.Hold,
    files: Mapping[str, object],
    kind_details: dict[str, Any],
    now: Any,
) -> None:
    """The rejected item becomes approved, inside the verdict's transaction, with the item held
    and its `files` stored: what its rejection did is taken back (a banked hash), then what an
    approval does is done."""
    kind = kind_of(item)
    updated = (
        hold.mine()
        .filter(status=ItemStatus.REJECTED)
        .update(status=ItemStatus.APPROVED, decided_by=DecidedBy.MODERATOR, decided_at=now,
                updated_at=now, **files, **holds.RELEASED)
    )  # fmt: skip
    if not updated:
        raise Conflict(gettext("This item is no longer rejected."))
    item.refresh_from_db()
    kind.on_undone(item)
    item.refresh_from_db()
    kind.on_decided(item, kind_details)
