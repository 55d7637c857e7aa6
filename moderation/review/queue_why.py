"""The queue row's "why", compactly: the signal by name, its score, the band it fell in and the
policy version that put it there ("Violence 72.7 % — review 60–90 %", "Sentiment 45.9 % below
80 %"). The item page says the same at length (reasons.reason_text)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.text import capfirst
from django.utils.translation import gettext

from moderation.policy.engine import PolicySnapshot
from moderation.policy.selectors import policy_versions
from moderation.policy.taxonomy import IMAGE_TEXT_PREFIX
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
    versions = {item.policy_version for item in items.values() if item and item.policy_version}
    policies = policy_versions(versions)
    whys: dict[uuid.UUID, QueueWhy] = {}
    for entry_id, item in items.items():
        if item is None:
            continue
        reasons = item.reasons if isinstance(item.reasons, list) else []
        top = reasons[0] if reasons and isinstance(reasons[0], Mapping) else {}
        policy = policies.get(item.policy_version) if item.policy_version else None
        whys[entry_id] = QueueWhy(_why(top, policy), item.policy_version)
    return whys


def signal_name(label: str) -> str:
    """An analyzer's label for people: "Violence" as it is, "VIOLENCE_OR_THREAT" → "Violence or
    threat", a rule's name ("sentiment", "language") translated, text read off an image
    ("text_in_image:INSULT") as "Text in the image: insult"."""
    if label.startswith(IMAGE_TEXT_PREFIX):
        signal = signal_name(label.removeprefix(IMAGE_TEXT_PREFIX))
        return capfirst(f"{queue_reason_name('text_in_image')}: {signal[:1].lower()}{signal[1:]}")
    name = queue_reason_name(label)
    if name == label and label.isupper():
        name = label.replace("_", " ").lower()
    return capfirst(name)


def _why(reason: Mapping[str, Any], policy: PolicySnapshot | None) -> str:
    if "error" in reason:
        return capfirst(queue_reason_name("error"))
    label = str(reason.get("label") or "")
    confidence, threshold = reason.get("confidence"), reason.get("threshold")
    if not (_number(confidence) and _number(threshold)) or reason.get("band") != "review":
        return reason_text(reason) if reason else ""
    values = {"signal": signal_name(label), "score": percent(confidence)}
    if reason.get("code") == "sentiment_uncertain" or label == "sentiment":
        values["threshold"] = percent(threshold, -1)
        return gettext("%(signal)s %(score)s below %(threshold)s") % values
    values["low"] = floatformat(threshold, -1)  # "60–90 %": one percent sign for the two
    reject_at = _reject_at(reason, policy)
    if reject_at is None:
        return gettext("%(signal)s %(score)s — review from %(low)s") % values
    values["high"] = percent(reject_at, -1)
    return gettext("%(signal)s %(score)s — review %(low)s–%(high)s") % values


def _reject_at(reason: Mapping[str, Any], policy: PolicySnapshot | None) -> float | None:
    if policy is None:
        return None
    category = reason.get("category")
    band = policy.bands.get(category) if category else policy.default
    return band.reject_at if band is not None else None


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
