"""Reads of appeals: the moderators' queue, an item's appeal for its submitter, the stats."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from moderation.appeals.models import Appeal, AppealState
from moderation.items.models import AnalysedItem


def appeal_queue(*, moderator: User) -> QuerySet[Appeal]:
    """Open appeals this moderator may handle, oldest first: not of their own decision, nor of
    an item they submitted (unless ALLOW_SELF_REVIEW)."""
    appeals = Appeal.objects.filter(state=AppealState.OPEN).exclude(rejected_by_moderator=moderator)
    if not settings.ALLOW_SELF_REVIEW:
        appeals = appeals.exclude(submitter=moderator)
    return appeals.select_related("rejected_by_moderator").order_by("created_at", "id")


def appeals_hidden_count(*, moderator: User) -> int:
    """Open appeals left out of this moderator's queue: others have to handle them."""
    open_appeals = Appeal.objects.filter(state=AppealState.OPEN)
    return open_appeals.count() - appeal_queue(moderator=moderator).count()


def appeals_attach(items: Iterable[AnalysedItem]) -> None:
    """For a submitter's pages and API answers: `item.appeal` (an Appeal or None), one query."""
    items = list(items)
    ids: dict[str, list[object]] = defaultdict(list)
    for item in items:
        ids[item.KIND].append(item.id)
    found: dict[tuple[str, object], Appeal] = {}
    if ids:
        which = Q()
        for kind, item_ids in ids.items():
            which |= Q(kind=kind, item_id__in=item_ids)
        found = {(a.kind, a.item_id): a for a in Appeal.objects.filter(which)}
    for item in items:
        item.appeal = found.get((item.KIND, item.id))  # type: ignore[attr-defined]


def appeal_for(item: AnalysedItem) -> Appeal | None:
    """The item's appeal: the one `appeals_attach` read, or one query."""
    if hasattr(item, "appeal"):
        attached: Appeal | None = item.appeal
        return attached
    return Appeal.objects.filter(kind=item.KIND, item_id=item.id).first()


@dataclass(frozen=True)
class AppealFigures:
    received: int  # appeals made in the window
    decided: int  # verdicts given in the window
    overturned: int  # of those, overturns

    @property
    def overturn_rate(self) -> float | None:
        """Overturned of decided, as a fraction; None with nothing decided."""
        return self.overturned / self.decided if self.decided else None


def appeal_figures(*, start: datetime, end: datetime) -> AppealFigures:
    """Appeals received and decided between start and end: one query."""
    row = Appeal.objects.aggregate(
        received=Count("id", filter=Q(created_at__gte=start, created_at__lte=end)),
        decided=Count("id", filter=Q(handled_at__gte=start, handled_at__lte=end)),
        overturned=Count(
            "id",
            filter=Q(handled_at__gte=start, handled_at__lte=end, state=AppealState.OVERTURNED),
        ),
    )
    return AppealFigures(
        received=row["received"], decided=row["decided"], overturned=row["overturned"]
    )
