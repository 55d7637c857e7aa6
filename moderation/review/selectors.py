"""Reads of the review queue and the history. Nothing here writes."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.utils import timezone

from moderation.access import user_is_senior
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
    # The second-opinion queue (?queue=escalated) instead of the main one; seniors only.
    escalated: bool = False

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
            escalated=params.get("queue") == "escalated",
        )

    def for_moderator(self, moderator: User) -> QueueFilters:
        """These filters, without the second-opinion queue unless this moderator is a senior."""
        if self.escalated and not user_is_senior(moderator):
            return replace(self, escalated=False)
        return self


def review_queue(filters: QueueFilters = QueueFilters()) -> QuerySet[ReviewItem]:
    """Open queue entries with who claimed them; `review_items_attach` adds their items."""
    entries = ReviewItem.objects.filter(
        resolved_at__isnull=True, escalated_at__isnull=not filters.escalated
    ).select_related("claimed_by", "escalated_by")
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
    # The second-opinion queue's entries, apart from the main queue's above.
    escalated_by_kind_reason: dict[tuple[str, str], int]

    @property
    def escalated(self) -> int:
        return sum(self.escalated_by_kind_reason.values())

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    def matching(self, filters: QueueFilters) -> int | None:
        """How many entries the filters select, when the counters can tell (not by age)."""
        if filters.older_than:
            return None
        counts = self.escalated_by_kind_reason if filters.escalated else self.by_kind_reason
        return sum(
            n
            for (kind, reason), n in counts.items()
            if filters.kind in (None, kind) and filters.reason in (None, reason)
        )


def review_queue_counts() -> QueueCounts:
    """The counters hold every open entry; the escalated ones, few and under a partial index of
    their own, are counted and taken out of the main queue's figures (one more query)."""
    rows = ReviewQueueCount.objects.filter(open__gt=0).values_list("kind", "reason", "open")
    by_kind_reason = {(kind, reason): n for kind, reason, n in rows}
    escalated_rows = (
        ReviewItem.objects.filter(resolved_at__isnull=True, escalated_at__isnull=False)
        .values_list("kind", "reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    escalated = {(kind, reason): n for kind, reason, n in escalated_rows}
    for key, n in escalated.items():
        left = by_kind_reason.get(key, 0) - n
        if left > 0:
            by_kind_reason[key] = left
        else:
            by_kind_reason.pop(key, None)
    kinds: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for (kind, reason), n in by_kind_reason.items():
        kinds[kind] = kinds.get(kind, 0) + n
        reasons[reason] = reasons.get(reason, 0) + n
    ranked = sorted(reasons.items(), key=lambda pair: (-pair[1], pair[0]))
    return QueueCounts(
        kinds=kinds,
        reasons=ranked,
        by_kind_reason=by_kind_reason,
        escalated_by_kind_reason=escalated,
    )


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
    """The open items before and after this one in the default (oldest first) order, in its
    own queue (the main one, or the second-opinion one)."""
    queue = ReviewItem.objects.filter(
        resolved_at__isnull=True, escalated_at__isnull=entry.escalated_at is None
    ).exclude(id=entry.id)
    before = queue.filter(created_at__lt=entry.created_at).order_by("-created_at").first()
    after = queue.filter(created_at__gte=entry.created_at).order_by("created_at").first()
    return before, after


@dataclass(frozen=True)
class ClaimState:
    """Who holds an open entry, as the item page tells it."""

    holder: User | None  # None: nobody (or a claim that lapsed)
    since: datetime | None  # when the holder took it
    last_active: datetime | None  # the holder's page's last renewal
    mine: bool
    stale: bool  # held by someone whose page went quiet: it may be taken over

    @property
    def held_by_other(self) -> bool:
        return self.holder is not None and not self.mine


def claim_state(entry: ReviewItem, moderator: User) -> ClaimState:
    now = timezone.now()
    live = (
        entry.resolved_at is None
        and entry.claimed_by_id is not None
        and entry.claim_expires_at is not None
        and entry.claim_expires_at >= now
    )
    if not live:
        return ClaimState(None, None, None, mine=False, stale=False)
    cutoff = now - timedelta(seconds=settings.REVIEW_CLAIM_STALE_SECONDS)
    renewed = entry.claim_renewed_at or entry.claimed_at
    return ClaimState(
        holder=entry.claimed_by,
        since=entry.claimed_at,
        last_active=renewed,
        mine=entry.claimed_by_id == moderator.pk,
        stale=renewed is None or renewed < cutoff,
    )


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
