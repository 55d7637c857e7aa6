"""Reads of the review queue and the history. Nothing here writes."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from moderation.items.models import AnalysedItem, AuditEvent
from moderation.kinds import kind_get, kind_names
from moderation.review.models import ModeratorPreference, ReviewItem, ReviewQueueCount

QUEUE_SORTS = {"age": ("created_at",), "priority": ("-priority", "created_at")}
AGE_FILTERS = {"1h": 3600, "24h": 86_400, "7d": 7 * 86_400}


@dataclass(frozen=True)
class QueueFilters:
    """What the queue page shows; built from a query string, unknown values ignored."""

    kind: str | None = None
    reason: str | None = None
    older_than: str | None = None
    sort: str = "age"

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> QueueFilters:
        kind = params.get("kind")
        older_than = params.get("older_than")
        sort = params.get("sort", "age")
        return cls(
            kind=kind if kind in kind_names() else None,
            reason=params.get("reason") or None,
            older_than=older_than if older_than in AGE_FILTERS else None,
            sort=sort if sort in QUEUE_SORTS else "age",
        )


def review_queue(filters: QueueFilters = QueueFilters()) -> QuerySet[ReviewItem]:
    """Open queue entries with who claimed them; `review_items_attach` adds their items."""
    entries = ReviewItem.objects.filter(resolved_at__isnull=True).select_related("claimed_by")
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.reason:
        if "\x00" in filters.reason:
            # PostgreSQL cannot even compare with a NUL character; no stored reason has one.
            return entries.none()
        entries = entries.filter(reason=filters.reason)
    if filters.older_than:
        seconds = AGE_FILTERS[filters.older_than]
        entries = entries.filter(created_at__lt=timezone.now() - timedelta(seconds=seconds))
    return entries.order_by(*QUEUE_SORTS[filters.sort])


@dataclass(frozen=True)
class QueueCounts:
    """Open entries per kind and per reason (most first), from the counters: one small query."""

    kinds: dict[str, int]
    reasons: list[tuple[str, int]]
    by_kind_reason: dict[tuple[str, str], int]

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    def matching(self, filters: QueueFilters) -> int | None:
        """How many entries the filters select, when the counters can tell (not by age)."""
        if filters.older_than:
            return None
        return sum(
            n
            for (kind, reason), n in self.by_kind_reason.items()
            if filters.kind in (None, kind) and filters.reason in (None, reason)
        )


def review_queue_counts() -> QueueCounts:
    rows = ReviewQueueCount.objects.filter(open__gt=0).values_list("kind", "reason", "open")
    by_kind_reason = {(kind, reason): n for kind, reason, n in rows}
    kinds: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for (kind, reason), n in by_kind_reason.items():
        kinds[kind] = kinds.get(kind, 0) + n
        reasons[reason] = reasons.get(reason, 0) + n
    ranked = sorted(reasons.items(), key=lambda pair: (-pair[1], pair[0]))
    return QueueCounts(kinds=kinds, reasons=ranked, by_kind_reason=by_kind_reason)


def review_items_attach(
    entries: Iterable[ReviewItem], *, kinds: Collection[str] | None = None
) -> list[ReviewItem]:
    """Give each entry its item (`entry.item`): one query per kind, however many entries.
    With `kinds`, only entries of those kinds (the others' items are not read)."""
    entries = list(entries)
    ids: dict[str, list[uuid.UUID]] = defaultdict(list)
    for entry in entries:
        if kinds is None or entry.kind in kinds:
            ids[entry.kind].append(entry.item_id)
    found: dict[tuple[str, uuid.UUID], AnalysedItem] = {}
    for kind, item_ids in ids.items():
        model = kind_get(kind).model
        for item in model._default_manager.filter(id__in=item_ids):
            found[(kind, item.id)] = item
    for entry in entries:
        if entry.kind in ids:
            entry.item = found.get((entry.kind, entry.item_id))
    return entries


def review_neighbours(entry: ReviewItem) -> tuple[ReviewItem | None, ReviewItem | None]:
    """The open items before and after this one in the default (oldest first) order."""
    queue = ReviewItem.objects.filter(resolved_at__isnull=True).exclude(id=entry.id)
    before = queue.filter(created_at__lt=entry.created_at).order_by("-created_at").first()
    after = queue.filter(created_at__gte=entry.created_at).order_by("created_at").first()
    return before, after


def blur_images_for(user: User) -> bool:
    preference = ModeratorPreference.objects.filter(user=user).first()
    return preference.blur_images if preference else True


def audit_history(
    *, moderator: str | None = None, item_id: str | None = None, action: str | None = None
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor").order_by("-created_at", "-id")
    if any("\x00" in value for value in (moderator, action) if value):
        # PostgreSQL cannot even compare with a NUL character; no stored value has one.
        return events.none()
    if moderator:
        events = events.filter(actor__username=moderator)
    if item_id:
        try:
            events = events.filter(item_id=uuid.UUID(item_id))
        except ValueError:
            return events.none()
    if action:
        events = events.filter(action=action)
    return events
