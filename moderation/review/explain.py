"""Each stored reason's rule as a comparison that points the right way: a label's band is met
from its threshold up ("Violence 72.7 % ≥ review threshold 50 %, < reject threshold 90 %"),
feedback's sentiment rule from its threshold down ("Sentiment 45.9 % < review threshold 60 %").
The item page shows it above the reason's sentence (reasons.reason_text); the queue row says the
same compactly (queue_why.py), from the same SignalRule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext

from moderation.policy.engine import PolicySnapshot
from moderation.policy.selectors import policy_versions
from moderation.policy.taxonomy import IMAGE_TEXT_PREFIX
from moderation.review.reasons import percent, queue_reason_name, reason_text

AT_LEAST = "≥"
BELOW = "<"
# Rules met when a score is *below* their threshold; every other band is met from it up.
BELOW_RULES = frozenset({"sentiment_uncertain"})


@dataclass(frozen=True)
class SignalRule:
    label: str  # as stored: "Violence", "sentiment", "VIOLENCE_OR_THREAT"
    score: float
    operator: str  # AT_LEAST or BELOW
    band: str  # "review" or "reject": the band the threshold starts
    threshold: float
    reject_at: float | None = None  # a review band's upper edge, when the policy is known

    @property
    def signal(self) -> str:
        """For people, in the active language: "Violence", "Sentiment"."""
        return signal_name(self.label)


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


def signal_rule(reason: object, policy: PolicySnapshot | None = None) -> SignalRule | None:
    """The comparison a stored reason met, or None for a rule without one (an unsupported
    language, a failed analysis, a confidence that is no number)."""
    if not isinstance(reason, Mapping) or "error" in reason:
        return None
    confidence, threshold = reason.get("confidence"), reason.get("threshold")
    band = reason.get("band")
    if not (_number(confidence) and _number(threshold)) or band not in ("review", "reject"):
        return None
    confidence, threshold = float(confidence), float(threshold)  # type: ignore[arg-type]
    label = str(reason.get("label") or "")
    code = reason.get("code")
    if code in BELOW_RULES or (not code and label == "sentiment"):  # stored before codes
        return SignalRule("sentiment", confidence, BELOW, band, threshold)
    if code:  # a rule of its own, worded by its sentence only
        return None
    reject_at = _reject_at(reason, policy) if band == "review" else None
    return SignalRule(label, confidence, AT_LEAST, band, threshold, reject_at)


def rule_text(rule: SignalRule) -> str:
    """ "Sentiment 45.9 % < review threshold 60 %", "Explicit 87.0 % ≥ reject threshold 85 %"."""
    values = {
        "signal": rule.signal,
        "score": percent(rule.score),
        "operator": rule.operator,
        "threshold": percent(rule.threshold, -1),
    }
    if rule.band == "reject":
        text = gettext("%(signal)s %(score)s %(operator)s reject threshold %(threshold)s") % values
    else:
        text = gettext("%(signal)s %(score)s %(operator)s review threshold %(threshold)s") % values
    if rule.reject_at is not None and rule.operator == AT_LEAST:
        return gettext("%(rule)s, < reject threshold %(reject_at)s") % {
            "rule": text,
            "reject_at": percent(rule.reject_at, -1),
        }
    return text


def item_rules(reasons: object, policy_version: int | None) -> list[dict[str, Any]]:
    """The item page's reasons, each with its rule ("" when it has none): two queries for the
    policy's bands, when the item names its version."""
    stored = reasons if isinstance(reasons, list) else []
    policy = policy_versions([policy_version]).get(policy_version) if policy_version else None
    shown = []
    for reason in stored:
        rule = signal_rule(reason, policy)
        if rule is None:
            shown.append({"reason": reason, "rule": "", "text": reason_text(reason)})
        elif rule.operator == BELOW or not isinstance(reason, Mapping):
            shown.append({"reason": reason, "rule": rule_text(rule), "text": reason_text(reason)})
        else:  # a label's band: the rule says it all but where the band was set
            shown.append({"reason": reason, "rule": rule_text(rule), "text": _band_note(reason)})
    return shown


def _band_note(reason: Mapping[str, Any]) -> str:
    category = reason.get("category")
    if not category:
        return gettext("Default band of the policy.")
    if category != reason.get("label"):
        return gettext("Band of %(category)s.") % {"category": category}
    return ""


def policies_for(versions: Iterable[int | None]) -> dict[int, PolicySnapshot]:
    return policy_versions({version for version in versions if version})


def _reject_at(reason: Mapping[str, Any], policy: PolicySnapshot | None) -> float | None:
    if policy is None:
        return None
    category = reason.get("category")
    band = policy.bands.get(category) if category else policy.default
    return band.reject_at if band is not None else None


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
