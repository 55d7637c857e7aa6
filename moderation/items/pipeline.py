"""The life of an analysed item, shared by images and feedback: queue, lease, decide, audit.

Every write is a conditional UPDATE whose row count says who won, so a re-delivered task, a
second worker or the re-queue job can never decide an item twice.
"""

from __future__ import annotations

import copy
import functools
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from moderation.items import liveness, sql
from moderation.items.errors import AnalyzerError, StorageError, TransientAnalyzerError
from moderation.items.models import AnalysedItem, AuditEvent, DecidedBy, ItemStatus
from moderation.kinds import kind_get
from moderation.policy.engine import REVIEW
from moderation.policy.models import Policy
from moderation.review.grouping import item_group_key
from moderation.review.models import ReviewItem, ReviewQueueCount

logger = logging.getLogger(__name__)

Item = TypeVar("Item", bound=AnalysedItem)


# Failures that say nothing about the item itself (a throttled analyzer, a dropped database
# connection, a storage hiccup): the task releases its lease and retries with backoff.
DATABASE_ERRORS = (OperationalError, InterfaceError)
TRANSIENT_ERRORS = (TransientAnalyzerError, StorageError, *DATABASE_ERRORS)


@dataclass(frozen=True)
class Lease(Generic[Item]):
    item: Item
    token: uuid.UUID
    # The newest policy's id as the claim saw it (a cache key: moderation/policy/selectors.py),
    # and the values of the claim's `returning` expressions, by name.
    policy_id: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


# The claim reads the current policy's id in the same statement, so a worker that caches the
# policy learns of a new version without a query of its own.
_POLICY_ID_SQL = (
    f"SELECT p.id FROM {Policy._meta.db_table} p ORDER BY p.version DESC LIMIT 1",  # noqa: S608 - names from the models; values bound
    (),
)


def _lease_free(now: Any) -> Q:
    # A lease whose holder heartbeats (moderation/liveness.py) lasts as long as its holder: it
    # is released by the beat job or a claim that finds the holder dead, never by the clock,
    # so a slow worker is not robbed. Only a lease without one runs out after a time.
    expired = now - timedelta(seconds=settings.ANALYSIS_LEASE_SECONDS)
    return Q(analysis_token__isnull=True) | Q(analysis_holder="", analysis_started_at__lt=expired)


def item_claim(
    model: type[Item],
    item_id: uuid.UUID,
    *,
    returning: Mapping[str, tuple[str, Sequence[Any]]] | None = None,
) -> Lease[Item] | None:
    """Take a pending item for analysis, unless it is decided or another worker's lease is live.

    One statement when the item is free: the UPDATE returns the row, the current policy's id
    and the kind's `returning` expressions (SQL evaluated against the claimed row)."""
    now = timezone.now()
    token = uuid.uuid4()
    pending = model._default_manager.filter(id=item_id, status=ItemStatus.PENDING)
    take = {
        "analysis_token": token,
        "analysis_holder": liveness.holder_current(),
        "analysis_started_at": now,
        "attempts": F("attempts") + 1,
    }
    extra = {"vakt_policy_id": _POLICY_ID_SQL, **(returning or {})}
    item = sql.update_returning(pending.filter(_lease_free(now)), take, extra=extra)
    if item is None:
        # Held by a process that is gone (e.g. a message handed back after its pool process
        # was killed): take it over now rather than wait for the beat job.
        held = pending.filter(analysis_token__isnull=False).exclude(analysis_holder="")
        lease = held.values_list("analysis_token", "analysis_holder").first()
        if lease is None or liveness.holder_alive(lease[1]):
            return None
        item = sql.update_returning(pending.filter(analysis_token=lease[0]), take, extra=extra)
        if item is None:
            return None
    values = {name: item.__dict__.pop(name) for name in extra}
    return Lease(item=item, token=token, policy_id=values.pop("vakt_policy_id"), extra=values)


def item_release(lease: Lease[Any]) -> None:
    type(lease.item)._default_manager.filter(id=lease.item.id, analysis_token=lease.token).update(
        analysis_token=None, analysis_holder=""
    )


def item_release_dead(model: type[AnalysedItem], item_id: uuid.UUID, token: uuid.UUID) -> bool:
    """Free a pending item from a dead process's lease; false if it was decided or taken over."""
    return bool(
        model._default_manager.filter(
            id=item_id, status=ItemStatus.PENDING, analysis_token=token
        ).update(analysis_token=None, analysis_holder="")
    )


def item_take_over(model: type[Item], item_id: uuid.UUID, token: uuid.UUID) -> Lease[Item] | None:
    """Replace a dead process's lease on a pending item with one of this process's."""
    new = uuid.uuid4()
    taken = model._default_manager.filter(
        id=item_id, status=ItemStatus.PENDING, analysis_token=token
    ).update(
        analysis_token=new,
        analysis_holder=liveness.holder_current(),
        analysis_started_at=timezone.now(),
    )
    return Lease(item=model._default_manager.get(id=item_id), token=new) if taken else None


def item_lease_wait(model: type[AnalysedItem], item_id: uuid.UUID) -> float | None:
    """Seconds until another process's lease without a heartbeat on a pending item runs out, or
    None when the item is decided, free, or held by a process that heartbeats. A re-delivered
    message waits that long, then takes the item over, instead of being dropped while the
    lease still holds. A heartbeating holder needs no such wait: if it dies, the beat job
    queues the item again (moderation/liveness.py), so the message can go."""
    started = (
        model._default_manager.filter(
            id=item_id, status=ItemStatus.PENDING, analysis_token__isnull=False, analysis_holder=""
        )
        .values_list("analysis_started_at", flat=True)
        .first()
    )
    if started is None:
        return None
    ends = started + timedelta(seconds=settings.ANALYSIS_LEASE_SECONDS)
    return max((ends - timezone.now()).total_seconds(), 0.0)


@contextmanager
def lease_released_on_error(lease: Lease[Any]) -> Iterator[None]:
    """Give the item back at once when the work fails for a transient reason, so the retry
    (or another worker) can claim it without waiting for the lease to run out."""
    try:
        yield
    except TRANSIENT_ERRORS as exc:
        if isinstance(exc, DATABASE_ERRORS) and not transaction.get_connection().in_atomic_block:
            # A dropped connection is unusable: close it, so the release gets a fresh one.
            close_old_connections()
        try:
            item_release(lease)
        except DATABASE_ERRORS:
            logger.warning(
                "could not release %s %s; its lease runs out by itself",
                lease.item.KIND,
                lease.item.id,
            )
        raise


def item_decide(
    lease: Lease[Item],
    *,
    outcome: str,
    reasons: Sequence[Mapping[str, object]],
    policy_version: int | None,
    fields: Mapping[str, object] | None = None,
    note: str = "",
    files: Callable[[Item], Mapping[str, object]] | None = None,
    then: Callable[[Item], Mapping[str, object]] | None = None,
) -> Item | None:
    """Write the machine's decision if this lease still holds; queue the item for a person
    when the outcome is review. Returns the updated item, or None if another worker won.

    `files` runs first, under the lease and with no transaction open, on the item as the
    decision will leave it: it stores what the decision stores (a filed document) and returns
    the fields that point at it, written with the decision; a copy the decision then does not
    keep is discarded. `then` runs inside the transaction once the decision is won (database
    writes only); it returns fields to save. If either raises, nothing is decided."""
    item = lease.item
    now = timezone.now()
    final = outcome != ItemStatus.IN_REVIEW
    mine = type(item)._default_manager.filter(
        id=item.id, status=ItemStatus.PENDING, analysis_token=lease.token
    )
    values: dict[str, object] = {
        "status": outcome,
        "reasons": list(reasons),
        "policy_version": policy_version,
        "decided_by": DecidedBy.MACHINE if final else "",
        "decided_at": now if final else None,
        "analysis_token": None,
        "analysis_holder": "",
        "updated_at": now,
        **(fields or {}),
    }
    # The audit row (and a review entry, with its queue counter) are written by the decision's
    # own statement: all or nothing, and one round trip.
    stored: Mapping[str, object] = {}
    if files is not None:
        stored = files(item_as(item, **values))
        values.update(stored)
    record = _audit_row(
        item, to_status=outcome, reasons=reasons, policy_version=policy_version, note=note
    )
    rows: list[Model | tuple[Model, str]] = [record]
    if not final:
        rows.extend(_review_rows(item, reasons))
    if then is None:
        if not sql.update_then_insert(mine, values, rows):
            _lost(item, stored)
            return None
        return item_as(item, **values)
    with transaction.atomic():
        if not sql.update_then_insert(mine, values, rows):
            _lost(item, stored)
            return None
        decided = item_as(item, **values)
        if more := then(decided):
            type(item)._default_manager.filter(id=item.id).update(**more)
            decided = item_as(decided, **more)
    return decided


def _lost(item: AnalysedItem, stored: Mapping[str, object]) -> None:
    # Another worker decided: what this one stored goes, unless the winner's row points at it.
    for name in kind_get(item.KIND).storage_fields:
        if key := stored.get(name):
            stale_copy_discard_soon(kind=item.KIND, item_id=item.id, key=str(key))


def _review_rows(
    item: AnalysedItem, reasons: Sequence[Mapping[str, object]]
) -> list[tuple[Model, str]]:
    """The queue entry for an item sent to review, and the bump of its queue counter that the
    entry's post_save would make (moderation/apps.py; these rows are inserted without one)."""
    top = reasons[0] if reasons else {}
    confidence = top.get("confidence")
    entry = ReviewItem(
        kind=item.KIND,
        reason="error" if "error" in top else str(top.get("label", "")),
        priority=confidence if isinstance(confidence, int | float) else 0,
        item_id=item.id,
        group_key=item_group_key(item),
    )
    table = ReviewQueueCount._meta.db_table
    counter = ReviewQueueCount(kind=entry.kind, reason=entry.reason, open=1)
    bump = f'ON CONFLICT (kind, reason) DO UPDATE SET "open" = {table}."open" + 1'
    return [(entry, ""), (counter, bump)]


def item_as(item: Item, **values: object) -> Item:
    """A copy of `item` with `values` set: what an UPDATE wrote, so the item returned matches
    the row without reading it back, or what a change will write, for the storage I/O that
    must come first (a document says how and when its message was decided)."""
    changed = copy.copy(item)
    for name, value in values.items():
        setattr(changed, name, value)
    return changed


Result = TypeVar("Result")


def analyse_or_fail(lease: Lease[Any], analyse: Callable[[], Result]) -> Result | None:
    """Run the analyzer. Throttling, connection, database and storage errors propagate, for the
    task to retry (run it inside `lease_released_on_error`); any other failure sends the item
    to review and gives None."""
    try:
        return analyse()
    except TRANSIENT_ERRORS:
        raise
    except AnalyzerError as exc:
        item_fail(lease, f"analysis failed: {exc}")
    except Exception as exc:
        logger.exception("analysis of %s %s crashed", lease.item.KIND, lease.item.id)
        item_fail(lease, f"analysis failed: {type(exc).__name__}: {exc}")
    return None


def item_fail(lease: Lease[Item], error: str) -> Item | None:
    """Analysis failed for good: the item waits for a person, with the error as its reason."""
    reasons = [{"label": "analysis_error", "confidence": None, "band": REVIEW, "error": error}]
    return item_decide(
        lease,
        outcome=ItemStatus.IN_REVIEW,
        reasons=reasons,
        policy_version=None,
        fields={"error": error},
        note=error,
    )


def audit(
    item: AnalysedItem,
    *,
    to_status: str,
    reasons: Sequence[Mapping[str, object]],
    policy_version: int | None,
    from_status: str = ItemStatus.PENDING,
    actor: Any = None,
    action: str = "analysis",
    note: str = "",
) -> AuditEvent:
    """Record a change of state (or, with from_status == to_status, an action on the item)."""
    record = _audit_row(
        item,
        to_status=to_status,
        reasons=reasons,
        policy_version=policy_version,
        from_status=from_status,
        actor=actor,
        action=action,
        note=note,
    )
    record.save()
    return record


def _audit_row(
    item: AnalysedItem,
    *,
    to_status: str,
    reasons: Sequence[Mapping[str, object]],
    policy_version: int | None,
    from_status: str = ItemStatus.PENDING,
    actor: Any = None,
    action: str = "analysis",
    note: str = "",
) -> AuditEvent:
    """An unsaved audit row: saved by `audit`, or written with the decision (sql.py)."""
    return AuditEvent(
        item_kind=item.KIND,
        item_id=item.id,
        actor=actor,
        actor_kind=DecidedBy.MODERATOR if actor else DecidedBy.MACHINE,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reasons=list(reasons),
        policy_version=policy_version,
        note=note,
    )


def item_queue(*, kind: str, item_id: uuid.UUID) -> bool:
    """Hand the analysis to the broker; if it is down, the re-queue job will try again."""
    model = kind_get(kind).model
    try:
        kind_get(kind).queue_analysis(item_id)
    except Exception:
        logger.warning("could not queue %s %s; the re-queue job will", model.KIND, item_id)
        return False
    model._default_manager.filter(id=item_id).update(queued_at=timezone.now())
    return True


def items_requeue_pending(*, kind: str, limit: int = 500) -> int:
    """Queue again the items whose analysis never got to the broker or got lost on the way."""
    model = kind_get(kind).model
    now = timezone.now()
    # Never queued (broker down at upload): soon. Queued long ago and still untouched: a
    # message was lost (e.g. Redis restarted without persistence).
    unqueued = timedelta(seconds=settings.PENDING_UNQUEUED_REQUEUE_AFTER_SECONDS)
    lost = Q(queued_at__isnull=True, created_at__lt=now - unqueued) | Q(
        queued_at__lt=now - timedelta(seconds=settings.PENDING_REQUEUE_AFTER_SECONDS)
    )
    ids = list(
        model._default_manager.filter(_lease_free(now), lost, status=ItemStatus.PENDING)
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )
    return sum(item_queue(kind=kind, item_id=item_id) for item_id in ids)


def items_release_dead(*, kind: str, limit: int = 500) -> int:
    """The beat job: release every pending item leased by a dead process and queue it again
    at once. Returns how many were released.

    Each release is a conditional UPDATE on the dead lease's token, so a holder that wakes up
    late, a re-delivered message or a second run of this job finds the item taken and does
    nothing. An item whose analysis was interrupted on every attempt (e.g. an image that gets
    every worker it reaches killed) goes to review instead of around the fleet again."""
    model = kind_get(kind).model
    held = list(
        model._default_manager.filter(status=ItemStatus.PENDING, analysis_token__isnull=False)
        .exclude(analysis_holder="")
        .values_list("id", "analysis_token", "analysis_holder", "attempts")[:limit]
    )
    if not held:
        return 0
    alive = liveness.holders_alive(holder for _, _, holder, _ in held)
    released = 0
    for item_id, token, holder, attempts in held:
        if holder in alive or token is None:
            continue
        if attempts > settings.ANALYSIS_MAX_RETRIES:
            released += _item_give_up(model, item_id, token, holder, attempts)
            continue
        with transaction.atomic():
            if not item_release_dead(model, item_id, token):
                continue  # decided or taken over meanwhile
            logger.warning(
                "%s %s: its worker process %s is gone; queued again", model.KIND, item_id, holder
            )
            transaction.on_commit(functools.partial(item_queue, kind=kind, item_id=item_id))
        released += 1
    return released


def _item_give_up(
    model: type[AnalysedItem], item_id: uuid.UUID, token: uuid.UUID, holder: str, attempts: int
) -> int:
    lease = item_take_over(model, item_id, token)
    if lease is None:
        return 0
    error = f"analysis interrupted {attempts} times: its worker process died ({holder})"
    logger.error("%s %s: %s; sent to review", model.KIND, item_id, error)
    item_fail(lease, error)
    return 1


def audit_action(item: AnalysedItem, *, actor: Any, action: str, note: str) -> AuditEvent:
    """Record what a person did to an item without changing its state (e.g. revealed PII)."""
    return audit(
        item,
        from_status=item.status,
        to_status=item.status,
        reasons=[],
        policy_version=item.policy_version,
        actor=actor,
        action=action,
        note=note,
    )


def stale_copy_discard_soon(*, kind: str, item_id: uuid.UUID, key: str) -> None:
    """After the commit that moved an item's file or document: delete the copy its row no
    longer points at now, or leave it to the kind's retrying task. Never raises: the change
    it follows has committed."""
    try:
        kind_get(kind).discard_stale_copy(item_id, key)
    except Exception:
        logger.warning("could not delete %s; a task will retry", key)
        try:
            kind_get(kind).discard_stale_copy_later(item_id, key)
        except Exception:
            logger.exception("could not queue the deletion of %s", key)
