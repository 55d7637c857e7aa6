"""Who sent an item, as the item page shows it beside the item: the account's age, how many of
its items of every kind were approved, rejected or are still open, and its last few items.

Every kind is read through the registry (moderation/kinds.py), two queries per kind whatever
the submitter's history: a count by status and the latest few. Nothing here writes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Count

from moderation.items.models import AnalysedItem, ItemStatus
from moderation.kinds import ContentKind, kind_of, kinds_all

RECENT_SHOWN = 5
OPEN = (ItemStatus.PENDING, ItemStatus.IN_REVIEW)


@dataclass(frozen=True)
class RecentItem:
    kind: str
    item_id: uuid.UUID
    status: str
    created_at: datetime
    current: bool  # the item the page is about


@dataclass
class SubmitterContext:
    user: User | None  # None: no account is linked (anonymous, or the account was deleted)
    approved: int = 0
    rejected: int = 0
    open: int = 0
    recent: list[RecentItem] = field(default_factory=list)

    @property
    def joined(self) -> datetime | None:
        return self.user.date_joined if self.user is not None else None


def submitter_context(item: AnalysedItem) -> SubmitterContext:
    """The submitter of `item` and their record across every kind."""
    kind = kind_of(item)
    owner_id = getattr(item, f"{kind.owner_field}_id", None)
    if owner_id is None:
        return SubmitterContext(user=None)
    user = User.objects.filter(id=owner_id).first()
    if user is None:
        return SubmitterContext(user=None)
    context = SubmitterContext(user=user)
    recent: list[RecentItem] = []
    for other in kinds_all():
        _count(context, other, user)
        recent += _recent(other, user, current=(item.KIND, item.id))
    recent.sort(key=lambda row: row.created_at, reverse=True)
    context.recent = recent[:RECENT_SHOWN]
    return context


def _count(context: SubmitterContext, kind: ContentKind, user: User) -> None:
    rows = (
        kind.model._default_manager.filter(**{kind.owner_field: user})
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    for status, n in rows:
        if status == ItemStatus.APPROVED:
            context.approved += n
        elif status == ItemStatus.REJECTED:
            context.rejected += n
        elif status in OPEN:
            context.open += n


def _recent(kind: ContentKind, user: User, *, current: tuple[str, uuid.UUID]) -> list[RecentItem]:
    rows = (
        kind.model._default_manager.filter(**{kind.owner_field: user})
        .order_by("-created_at")
        .values_list("id", "status", "created_at")[:RECENT_SHOWN]
    )
    return [
        RecentItem(kind.name, item_id, status, created_at, (kind.name, item_id) == current)
        for item_id, status, created_at in rows
    ]
