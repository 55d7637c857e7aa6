"""How many entries wait in the review queue, per kind and reason, without counting them.

Every change to the open queue (an entry created, decided, put back, deleted) moves a counter
in the same transaction; `queue_counts_rebuild` recounts from the entries, for the migration
and as a periodic check against drift from writes that bypass the services (raw SQL, restores).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from moderation.review.models import ReviewItem, ReviewQueueCount


def queue_count_add(*, kind: str, reason: str, delta: int) -> None:
    counter = ReviewQueueCount.objects.filter(kind=kind, reason=reason)
    if counter.update(open=F("open") + delta):
        return
    try:
        with transaction.atomic():  # a savepoint: losing the race must not spoil the caller's
            ReviewQueueCount.objects.create(kind=kind, reason=reason, open=delta)
            return
    except IntegrityError:
        pass  # another transaction created the row first: add to it
    counter.update(open=F("open") + delta)


def queue_counts_remove(entries: Iterable[ReviewItem]) -> None:
    for (kind, reason), n in Counter((e.kind, e.reason) for e in entries).items():
        queue_count_add(kind=kind, reason=reason, delta=-n)


def queue_counts_rebuild() -> int:
    """Recount the open entries into the counters; returns how many are open.

    One counter at a time, each under its own row lock for the length of one count: writers
    of that kind and reason wait that long, everyone else not at all (no table lock). Correct
    against writers in flight because every writer moves its entries and its counter in one
    transaction: one that already holds the row is waited for, and then counted; one that
    comes later is not counted, and adds its change after ours."""
    counted = (
        ReviewItem.objects.filter(resolved_at__isnull=True)
        .values_list("kind", "reason")
        .order_by()
        .distinct()
    )
    keys = set(counted) | set(ReviewQueueCount.objects.values_list("kind", "reason"))
    return sum(_recount_one(kind, reason) for kind, reason in sorted(keys))


def _recount_one(kind: str, reason: str) -> int:
    counter = ReviewQueueCount.objects.filter(kind=kind, reason=reason)
    with transaction.atomic():
        row = counter.select_for_update().first()
        if row is None:
            try:
                with transaction.atomic():  # our new row is locked by us until we commit
                    row = ReviewQueueCount.objects.create(kind=kind, reason=reason, open=0)
            except IntegrityError:  # a writer created it first: wait for it, then count
                row = counter.select_for_update().get()
        n = ReviewItem.objects.filter(resolved_at__isnull=True, kind=kind, reason=reason).count()
        if row.open != n:
            counter.update(open=n)
        return n
