"""How many entries wait in the review queue, per kind and reason, without counting them.

Every change to the open queue (an entry created, decided, put back, deleted) moves a counter
in the same transaction; `queue_counts_rebuild` recounts from the entries, for the migration
and as a periodic check against drift from writes that bypass the services (raw SQL, restores).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F

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
    """Recount the open entries into the counters; returns how many are open."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Writers wait until the recount is in: none of their changes is counted twice or lost.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {ReviewQueueCount._meta.db_table} IN EXCLUSIVE MODE")
        rows = (
            ReviewItem.objects.filter(resolved_at__isnull=True)
            .values_list("kind", "reason")
            .annotate(n=Count("id"))
            .order_by()
        )
        ReviewQueueCount.objects.all().delete()
        ReviewQueueCount.objects.bulk_create(
            ReviewQueueCount(kind=kind, reason=reason, open=n) for kind, reason, n in rows
        )
        return sum(n for _, _, n in rows)
