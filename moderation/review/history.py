"""The history page's and the CSV's reading of audit events: what a moderator decided, why, and
where the decided item can be looked at again."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from moderation.items.models import AuditEvent
from moderation.review.models import ReviewItem
from moderation.review.reasons import review_reason_name

DECISIONS = ("approve", "reject")


@dataclass(frozen=True)
class HistoryRow:
    event: AuditEvent
    decision: str  # "approve", "reject", or "" for anything but a moderator's decision
    reason: str  # the decision's reason code, or ""
    review_id: uuid.UUID | None  # the queue entry whose page shows the item, if it had one

    @property
    def reason_name(self) -> str:
        return review_reason_name(self.reason) if self.reason else ""


def event_decision(event: AuditEvent) -> tuple[str, str]:
    """(decision, reason code) of a moderator's decision, from the reason it was stored with;
    ("", "") for any other event."""
    if event.action != "decision":
        return "", ""
    for reason in event.reasons if isinstance(event.reasons, list) else []:
        if isinstance(reason, dict) and reason.get("label") == "moderator":
            band, code = reason.get("band"), reason.get("reason")
            return (band if band in DECISIONS else ""), (code if isinstance(code, str) else "")
    return "", ""


def history_rows(events: Iterable[AuditEvent]) -> list[HistoryRow]:
    """The events with their decisions and, in one query for them all, their queue entries."""
    events = list(events)
    item_ids = {event.item_id for event in events if event.item_id is not None}
    entries = {
        (kind, item_id): review_id
        for review_id, kind, item_id in ReviewItem.objects.filter(item_id__in=item_ids).values_list(
            "id", "kind", "item_id"
        )
    }
    return [
        HistoryRow(
            event,
            *event_decision(event),
            entries.get((event.item_kind, event.item_id)) if event.item_id else None,
        )
        for event in events
    ]


def csv_cells(event: AuditEvent) -> list[str]:
    """The CSV's columns for a decision: decision, reason code, reason name."""
    decision, reason = event_decision(event)
    return [decision, reason, review_reason_name(reason) if reason else ""]
