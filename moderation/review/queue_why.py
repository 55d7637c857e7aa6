"""The queue row's "why", compactly: the signal by name, its score, the band it fell in and the
policy version that put it there ("Violence 72.7 % — review 60–90 %", "Sentiment 45.9 % below
80 %"). The item page says the same at length, from the same rule (explain.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.text import capfirst
from django.utils.translation import gettext

from moderation.policy.engine import PolicySnapshot
from moderation.review.explain import BELOW, policies_for, signal_rule
from moderation.review.models import ReviewItem
from moderation.review.reasons import percent, queue_reason_name, reason_text


@dataclass(frozen=True)
class QueueWhy:
    text: str
    policy_version: int | None


def queue_why_all(entries: Iterable[ReviewItem]) -> dict[uuid.UUID, QueueWhy]:
    """Each entry's why, from its item (attached beforehand: review_items_attach) and the
    bands of the policy versions on the page, read once for them all."""
    items = {entry.id: entry.item for entry in entries}
    policies = policies_for(item.policy_version for item in items.values() if item)
    whys: dict[uuid.UUID, QueueWhy] = {}
    for entry_id, item in items.items():
        if item is None:
            continue
        reasons = item.reasons if isinstance(item.reasons, list) else []
        top = reasons[0] if reasons and isinstance(reasons[0], Mapping) else {}
        policy = policies.get(item.policy_version) if item.policy_version else None
        whys[entry_id] = QueueWhy(_why(top, policy), item.policy_version)
    return whys


def _why(reason: Mapping[str, Any], policy: PolicySnapshot | None) -> str:
    if "error" in reason:
        return capfirst(queue_reason_name("error"))
    rule = signal_rule(reason, policy)
    if rule is None or rule.band != "review":
        return reason_text(reason) if reason else ""
    values = {"signal": rule.signal, "score": percent(rule.score)}
    if rule.operator == BELOW:
        values["threshold"] = percent(rule.threshold, -1)
        return gettext("%(signal)s %(score)s below %(threshold)s") % values
    values["low"] = floatformat(rule.threshold, -1)  # "60–90 %": one percent sign for the two
    if rule.reject_at is None:
        return gettext("%(signal)s %(score)s — review from %(low)s") % values
    values["high"] = percent(rule.reject_at, -1)
    return gettext("%(signal)s %(score)s — review %(low)s–%(high)s") % values
