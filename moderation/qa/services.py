"""Writes of QA: a moderator's verdict on a sampled machine decision, and an overturn's effects.

The first verdict wins: it is a conditional UPDATE on the sample. An overturn also changes the
item, by a conditional UPDATE on its state as the machine left it, so an item someone changed
since (a moderator, the retention job) is a Conflict and nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from moderation.items import holds, pipeline
from moderation.items.models import AnalysedItem, DecidedBy, ItemStatus
from moderation.kinds import kind_get, kind_names
from moderation.qa.models import QaSample, QaVerdict
from moderation.review.decision_reasons import reason_check
from moderation.review.notify import decision_notify_later
from moderation.review.services import _refuse_own, note_check
from project.errors import BadInput, Conflict, NotFound

# What an overturn turns the machine's decision into, and the review decision it amounts to.
OVERTURNED: dict[str, ItemStatus] = {
    ItemStatus.APPROVED: ItemStatus.REJECTED,
    ItemStatus.REJECTED: ItemStatus.APPROVED,
}
DECISION_FOR: dict[str, str] = {ItemStatus.APPROVED: "approve", ItemStatus.REJECTED: "reject"}
# The first reason of an overturn's audit event: it tells a QA overturn from a queue decision.
QA_LABEL = "qa"


def qa_sample_get(sample_id: uuid.UUID) -> tuple[QaSample, AnalysedItem]:
    """A sample and its item; NotFound if either is gone."""
    sample = QaSample.objects.select_related("verdict_by").filter(id=sample_id).first()
    if sample is None or sample.kind not in kind_names():
        raise NotFound(gettext("Not found."))
    item = kind_get(sample.kind).model._default_manager.filter(id=sample.item_id).first()
    if item is None:
        raise NotFound(gettext("Not found."))
    return sample, item


def qa_refuse_own(sample: QaSample, item: AnalysedItem, moderator: User) -> None:
    """Forbidden if this moderator submitted the item: someone else checks the machine on it."""
    _refuse_own(kind_get(sample.kind), item, moderator)


def qa_decide(
    *,
    sample_id: uuid.UUID,
    moderator: User,
    verdict: str,
    reason: str = "",
    note: str = "",
    details: Mapping[str, Any] | None = None,
) -> QaSample:
    """Record a moderator's verdict on a sampled machine decision. "agree" changes nothing
    else; "overturn" turns the item's approval into a rejection or the other way round, with
    its kind's file moves, an audit event and an e-mail to the submitter. `reason` is the
    overturn's reason code (as for a review decision), `details` the kind's own inputs.

    Conflict if the sample already has a verdict, or (overturn) the item is no longer as the
    machine decided it; Forbidden if this moderator submitted the item."""
    if verdict not in QaVerdict.values:
        raise BadInput(gettext("verdict must be agree or overturn"), field="verdict")
    note_check(note)
    sample, item = qa_sample_get(sample_id)
    kind = kind_get(sample.kind)
    qa_refuse_own(sample, item, moderator)
    if sample.verdict:
        raise Conflict(gettext("this sample has already been checked"))
    overturn = verdict == QaVerdict.OVERTURN
    checked: dict[str, Any] = {}
    if overturn:
        target = OVERTURNED[sample.machine_status]
        decision = DECISION_FOR[target]
        reason_check(decision=decision, reason=reason)
        if item.status != sample.machine_status or item.purged_at is not None:
            raise _changed()
        checked = kind.decision_check(
            item, approve=target == ItemStatus.APPROVED, details=details or {}
        )
    now = timezone.now()

    def write(hold: holds.Hold | None, files: Mapping[str, object]) -> None:
        won = QaSample.objects.filter(id=sample.id, verdict="").update(
            verdict=verdict, verdict_by=moderator, verdict_at=now, note=note
        )
        if not won:
            raise Conflict(gettext("this sample has already been checked"))
        if hold is not None:
            event_id = _overturn(sample, item, moderator, hold=hold, files=files, reason=reason,
                                 note=note, details=checked, now=now)  # fmt: skip
            # As for any moderator's decision: queued, sent if it still stands.
            transaction.on_commit(lambda: decision_notify_later(event_id=event_id))

    if not overturn:
        with transaction.atomic():
            write(None, {})
        return QaSample.objects.select_related("verdict_by").get(id=sample.id)
    values = {"status": target, "decided_by": DecidedBy.MODERATOR, "decided_at": now}
    holds.item_overturn(item, values=values, details=checked, write=write)
    return QaSample.objects.select_related("verdict_by").get(id=sample.id)


def _changed() -> Conflict:
    return Conflict(
        gettext("this item has changed since the machine decided it; nothing was overturned")
    )


def _overturn_reason(sample: QaSample, target: str, reason: str) -> dict[str, object]:
    return {
        "label": QA_LABEL,
        "band": DECISION_FOR[target],
        "reason": reason,
        "qa_sample": str(sample.id),
    }


def _overturn(
    sample: QaSample,
    item: AnalysedItem,
    moderator: User,
    *,
    hold: holds.Hold,
    files: Mapping[str, object],
    reason: str,
    note: str,
    details: Mapping[str, Any],
    now: Any,
) -> int:
    """Inside the verdict's transaction, with the item held and its `files` stored: change the
    item, take back what the machine's decision did (the hash bank) and do what the new one
    does."""
    kind = kind_get(sample.kind)
    machine = ItemStatus(sample.machine_status)
    target = OVERTURNED[machine]
    changed = (
        hold.mine()
        .filter(status=machine, decided_by=DecidedBy.MACHINE, purged_at__isnull=True)
        .update(status=target, decided_by=DecidedBy.MODERATOR, decided_at=now, updated_at=now,
                **files, **holds.RELEASED)
    )  # fmt: skip
    if not changed:
        raise _changed()
    item.refresh_from_db()
    # The audit event is a decision like a moderator's in the queue: the e-mail, the
    # submitter's pages and the hash bank read its reason from there.
    event = pipeline.audit(
        item,
        from_status=machine,
        to_status=target,
        reasons=[_overturn_reason(sample, target, reason)],
        policy_version=item.policy_version,
        actor=moderator,
        action="decision",
        note=note,
    )
    # What the machine's decision did is taken back as an undo would, then the new
    # decision acts as a moderator's would.
    kind.on_undone(item)
    item.refresh_from_db()
    kind.on_decided(item, details)
    return event.id
