"""A person's change to an item that has left the pipeline (a moderator's decision, an undo, a
QA or appeal verdict, a new sentiment, the tidying of a stale copy) does its storage I/O with
no lock held, in three steps:

1. Hold the item: one conditional UPDATE puts a token in its lease columns, free only when no
   worker, person or tidy holds it. While it is held, nobody else copies or deletes its file
   or its document.
2. Copy the file or write the document, with no transaction open.
3. Write the change in one short transaction whose UPDATE of the item requires the token and
   releases it. A hold that ran out and was taken by someone else makes the change lose
   (Conflict) instead of writing over theirs.

Copies the row no longer points at go once the hold is released: the old ones after a change
that committed, the new ones after one that failed (the kinds' stale-copy clean-up, under a
hold of its own). Pending items are the analysis lease's, which uses the same columns.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from moderation.items import pipeline
from moderation.items.errors import StorageError
from moderation.items.models import AnalysedItem, ItemStatus
from moderation.kinds import kind_get
from project.errors import Conflict, Unavailable

HOLDER = "hold"
# Long enough for any storage copy or document write; a process killed while holding an item
# keeps others off it for this long, then its hold is free for the taking.
HOLD_SECONDS = 60

# The fields of the item's own UPDATE that release its hold.
RELEASED: Mapping[str, object] = {"analysis_token": None, "analysis_holder": ""}

Result = TypeVar("Result")


@dataclass(frozen=True)
class Hold:
    model: type[AnalysedItem]
    item_id: uuid.UUID
    token: uuid.UUID

    def mine(self) -> QuerySet[Any]:
        """The item, as long as this hold is still its own: the change's UPDATE filters on it."""
        return self.model._default_manager.filter(id=self.item_id, analysis_token=self.token)


def _free(now: Any) -> Q:
    expired = now - timedelta(seconds=HOLD_SECONDS)
    ran_out = Q(analysis_holder=HOLDER, analysis_started_at__lt=expired)
    return Q(analysis_token__isnull=True) | ran_out


def item_hold(model: type[AnalysedItem], item_id: uuid.UUID) -> Hold | None:
    """Hold an item that is not pending; None if it is pending, gone, or held already."""
    token = uuid.uuid4()
    now = timezone.now()
    free = model._default_manager.filter(_free(now), id=item_id).exclude(status=ItemStatus.PENDING)
    taken = free.update(analysis_token=token, analysis_holder=HOLDER, analysis_started_at=now)
    return Hold(model, item_id, token) if taken else None


def item_unhold(hold: Hold) -> None:
    """Release a hold the change's own UPDATE did not release (it failed, or wrote nothing)."""
    hold.mine().update(**RELEASED)


def item_change(
    item: AnalysedItem,
    *,
    files: Callable[[], Mapping[str, object]],
    write: Callable[[Hold, Mapping[str, object]], Result],
) -> Result:
    """Hold `item`, run `files` (the storage I/O; it returns the fields that point the row at
    what it stored), then `write` in one transaction. `write` must update the item through
    `hold.mine()` with those fields and RELEASED, and raise (Conflict) if that matched nothing.

    Conflict at once if someone else holds the item. Whatever raises, nothing is half-written:
    the new copies the row does not point at are discarded."""
    hold = item_hold(type(item), item.id)
    if hold is None:
        status = type(item)._default_manager.filter(id=item.id).values_list("status", flat=True)
        if status.first() == ItemStatus.PENDING:
            raise Conflict(gettext("This item is still being analysed. Try again in a moment."))
        raise Conflict(gettext("Someone else is changing this item right now. Try again."))
    kind = kind_get(item.KIND)
    before = {name: getattr(item, name) for name in kind.storage_fields}
    written: Mapping[str, object] = {}
    committed = False
    try:
        written = files()
        with transaction.atomic():
            result = write(hold, written)
        committed = True
    finally:
        if not committed:  # a committed change's own UPDATE released it
            item_unhold(hold)
        # After the release, so the clean-up can hold the item itself: the copies a committed
        # change moved away from, or those a failed one made.
        moved = [name for name in before if name in written and written[name] != before[name]]
        for name in moved:
            if stale := (before if committed else written)[name]:
                pipeline.stale_copy_discard_soon(kind=item.KIND, item_id=item.id, key=str(stale))
    return result


def item_overturn(
    item: AnalysedItem,
    *,
    values: Mapping[str, object],
    details: Mapping[str, Any],
    write: Callable[[Hold, Mapping[str, object]], Result],
) -> Result:
    """Turn a decision round (a QA or appeal overturn) as item_change does, with the storage
    I/O of item_flip_files. A file store that does not answer is Unavailable: nothing changed."""
    try:
        return item_change(
            item, files=lambda: item_flip_files(item, values=values, details=details), write=write
        )
    except StorageError as exc:
        raise Unavailable(
            gettext("The file store did not answer; nothing was decided. Try again.")
        ) from exc


def item_flip_files(
    item: AnalysedItem, *, values: Mapping[str, object], details: Mapping[str, Any]
) -> dict[str, object]:
    """The storage I/O of turning a decision round (a QA or appeal overturn): what the old one
    stored is taken back as an undo would, then the new one's (`values`: status and the like)
    is stored as a decision would."""
    kind = kind_get(item.KIND)
    undone = kind.undo_files(item)
    return {**undone, **kind.decision_files(pipeline.item_as(item, **undone, **values), details)}
