"""What the people who sent an item are told about a moderator's decision on it: that "a
moderator" decided, and why, in words. Who decided (a username) and where the item is stored
(a storage key) are for moderators only: a submitter could otherwise single out, pester or
target the person who refused them.

The kinds' API serializers and submitter pages read decisions through here, in bulk.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.utils.translation import gettext
from rest_framework import serializers

from moderation.access import user_is_moderator
from moderation.items.models import AnalysedItem, AuditEvent, DecidedBy
from moderation.review.reasons import review_reason_name


@dataclass(frozen=True)
class ModeratorDecision:
    username: str  # "" once the moderator's account is gone
    reason: str  # the reason code the moderator chose


def moderator_decisions(items: Iterable[AnalysedItem]) -> dict[uuid.UUID, ModeratorDecision]:
    """The standing decision of each item a moderator decided, by item id: one query."""
    ids: dict[str, list[uuid.UUID]] = defaultdict(list)
    for item in items:
        if item.decided_by == DecidedBy.MODERATOR:
            ids[item.KIND].append(item.id)
    if not ids:
        return {}
    which = Q()
    for kind, item_ids in ids.items():
        which |= Q(item_kind=kind, item_id__in=item_ids)
    events = (
        # An overturned appeal approved the item: it stands after the decision it reversed.
        AuditEvent.objects.filter(which, action__in=["decision", "appeal_overturned"])
        .select_related("actor")
        .order_by("created_at", "id")  # an undone decision is followed by the standing one
    )
    found: dict[uuid.UUID, ModeratorDecision] = {}
    for event in events:
        if event.item_id is None:
            continue
        reasons = [r.get("reason") for r in event.reasons if isinstance(r, dict)]
        found[event.item_id] = ModeratorDecision(
            username=event.actor.get_username() if event.actor else "",
            reason=next((str(reason) for reason in reasons if reason), ""),
        )
    return found


def decided_by_name(
    item: AnalysedItem, decision: ModeratorDecision | None, *, for_moderator: bool
) -> str | None:
    """Who decided, as the viewer may know it: a moderator's username only for moderators."""
    if item.decided_by == DecidedBy.MACHINE:
        return gettext("the automatic check")
    if item.decided_by != DecidedBy.MODERATOR:
        return None
    if for_moderator and decision is not None and decision.username:
        return decision.username
    return gettext("a moderator")


def decision_reason(item: AnalysedItem, decision: ModeratorDecision | None) -> str | None:
    """Why a moderator decided, in words ("hate speech"), never a code."""
    if item.decided_by != DecidedBy.MODERATOR or decision is None or not decision.reason:
        return None
    return review_reason_name(decision.reason)


def disclosure_context(user: User | AnonymousUser, items: Iterable[AnalysedItem]) -> dict[str, Any]:
    """Serializer context for DecisionFields: the viewer's role and the items' decisions."""
    return {"moderator": user_is_moderator(user), "decisions": moderator_decisions(items)}


def decisions_attach(items: Iterable[AnalysedItem]) -> None:
    """For a submitter's pages: `item.decided_by_name` and `item.decision_reason`."""
    items = list(items)
    decisions = moderator_decisions(items)
    for item in items:
        decision = decisions.get(item.id)
        item.decided_by_name = decided_by_name(item, decision, for_moderator=False)  # type: ignore[attr-defined]
        item.decision_reason = decision_reason(item, decision)  # type: ignore[attr-defined]


class DecisionFields(serializers.Serializer[Any]):
    """`decided_by_name` and `decision_reason` for a kind's API answers. The view passes
    `disclosure_context(...)`; without it the viewer counts as a submitter."""

    decided_by_name = serializers.SerializerMethodField(
        help_text="Who decided: the automatic check, or a moderator (their username only for "
        "moderators); null while undecided."
    )
    decision_reason = serializers.SerializerMethodField(
        help_text="Why a moderator decided, in words; null unless a moderator decided."
    )

    def _decision(self, item: AnalysedItem) -> ModeratorDecision | None:
        decisions: dict[uuid.UUID, ModeratorDecision] | None = self.context.get("decisions")
        if decisions is None:  # no context from the view: read this item's (one query)
            return moderator_decisions([item]).get(item.id)
        return decisions.get(item.id)

    def get_decided_by_name(self, item: AnalysedItem) -> str | None:
        moderator = bool(self.context.get("moderator"))
        return decided_by_name(item, self._decision(item), for_moderator=moderator)

    def get_decision_reason(self, item: AnalysedItem) -> str | None:
        return decision_reason(item, self._decision(item))
