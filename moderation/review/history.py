"""The history page's and the CSV's reading of audit events: what a moderator decided, why, and
where the decided item can be looked at again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from moderation.items.models import AuditEvent
from moderation.kinds import kind_names
from moderation.review.reasons import review_reason_name

DECISIONS = ("approve", "reject")


@dataclass(frozen=True)
class HistoryRow:
    event: AuditEvent
    decision: str  # "approve", "reject", or "" for anything but a moderator's decision
    reason: str  # the decision's reason code, or ""
    record: str  # the path of the item's read-only view, or ""

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
    """The events with their decisions (no query of their own)."""
    return [HistoryRow(event, *event_decision(event), record_path(event)) for event in events]


def record_path(event: AuditEvent) -> str:
    """The read-only view of the event's item (whoever decided it, machine or moderator), or
    "" for an event about no item (a policy change, a lock-out)."""
    if event.item_id is None or event.item_kind not in kind_names():
        return ""
    return reverse("review-record", args=[event.item_kind, event.item_id])


def csv_cells(event: AuditEvent) -> list[str]:
    """The CSV's columns for a decision: decision, reason code, reason name."""
    decision, reason = event_decision(event)
    return [decision, reason, review_reason_name(reason) if reason else ""]
