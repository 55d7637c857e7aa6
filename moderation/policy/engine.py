"""The policy engine: confidence bands in, approve / review / reject out. Pure functions only.

For each label with confidence c and its band: c ≥ reject_at → reject candidate, else
c ≥ review_at → review candidate. Any reject candidate rejects, else any review candidate sends
the item to review, else it is approved. A label without a band of its own uses its nearest
ancestor's, then the policy's default.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from moderation.items.models import ItemStatus
from moderation.policy.labels import ModerationLabel
from moderation.policy.taxonomy import PARENTS

REJECT = "reject"
REVIEW = "review"


@dataclass(frozen=True)
class Band:
    review_at: float
    reject_at: float
    enabled: bool = True
    kind: str = "image"  # "image" label or "text" signal


@dataclass(frozen=True)
class PolicySnapshot:
    version: int
    bands: Mapping[str, Band]
    default: Band
    sentiment_review_below: float = 80.0
    min_confidence_override: float | None = None
    hash_match_distance: int = 31
    hash_match_action: str = "reject"  # HashMatchAction

    def band_for(self, label: ModerationLabel) -> tuple[str, Band]:
        """The band that applies to a label, and the category it was set on."""
        name, parent = label.name, label.parent
        seen: set[str] = set()
        while name and name not in seen:  # `seen` guards against a cycle in odd input
            if name in self.bands:
                return name, self.bands[name]
            seen.add(name)
            name, parent = parent or PARENTS.get(name, ""), ""
        return "", self.default

    @property
    def min_confidence(self) -> float:
        """The lowest confidence any band acts on: ask the analyzer for nothing below it."""
        if self.min_confidence_override is not None:
            return self.min_confidence_override
        enabled = [b.review_at for b in self.bands.values() if b.enabled and b.kind == "image"]
        return max(0.0, min([self.default.review_at, *enabled]))


def is_percentage(value: object) -> bool:
    """A confidence the bands can judge: a finite number from 0 to 100."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= 100
    )


def finite_or_none(value: float | None) -> float | None:
    """JSON (and PostgreSQL's jsonb) has no NaN or infinity: store those as null."""
    return value if isinstance(value, int | float) and math.isfinite(value) else None


@dataclass(frozen=True)
class Reason:
    label: str
    confidence: float | None
    band: str  # "reject" or "review"
    threshold: float | None
    category: str = ""  # where the band was set ("" for the policy default)
    detail: str = ""  # for reasons that are not a label's band, e.g. an unsupported language
    # A rule that is not a label's band names itself, with what its sentence needs, so pages
    # can word it in the reader's language (moderation/review/reasons.py); `detail` stays the
    # English fallback for readers that do not know the code.
    code: str = ""
    params: Mapping[str, object] | None = None

    def as_dict(self) -> dict[str, object]:
        reason: dict[str, object] = {
            "label": self.label,
            "confidence": self.confidence,
            "band": self.band,
            "threshold": self.threshold,
            "category": self.category or None,
        }
        if self.detail:
            reason["detail"] = self.detail
        if self.code:
            reason["code"] = self.code
            reason["params"] = dict(self.params or {})
        return reason


@dataclass(frozen=True)
class Decision:
    outcome: ItemStatus  # APPROVED, IN_REVIEW or REJECTED
    reasons: tuple[Reason, ...]
    policy_version: int


def decide(labels: Iterable[ModerationLabel], policy: PolicySnapshot) -> Decision:
    reasons: list[Reason] = []
    for label in labels:
        category, band = policy.band_for(label)
        if not is_percentage(label.confidence):
            # NaN compares false with every threshold and would slip through as "approve".
            # A confidence that is no percentage is the analyzer's error: a person decides,
            # even in a disabled category, since the analyzer itself is in doubt.
            reasons.append(
                Reason(
                    label.name,
                    None,
                    REVIEW,
                    None,
                    category,
                    detail=f"confidence {label.confidence!r} is not a percentage from 0 to 100",
                )
            )
            continue
        if not band.enabled:
            continue
        if label.confidence >= band.reject_at:
            reasons.append(Reason(label.name, label.confidence, REJECT, band.reject_at, category))
        elif label.confidence >= band.review_at:
            reasons.append(Reason(label.name, label.confidence, REVIEW, band.review_at, category))
    reasons.sort(key=lambda r: (r.band != REJECT, -(r.confidence or 0)))
    if any(reason.band == REJECT for reason in reasons):
        outcome = ItemStatus.REJECTED
    elif reasons:
        outcome = ItemStatus.IN_REVIEW
    else:
        outcome = ItemStatus.APPROVED
    return Decision(outcome=outcome, reasons=tuple(reasons), policy_version=policy.version)


def decision_with(decision: Decision, extra: Iterable[Reason]) -> Decision:
    """The decision once rules other than the label bands (e.g. a hash bank match) have added
    their reasons: any reject rejects, else any reason at all sends the item to review."""
    reasons = sorted(
        [*decision.reasons, *extra], key=lambda r: (r.band != REJECT, -(r.confidence or 0))
    )
    if any(reason.band == REJECT for reason in reasons):
        outcome = ItemStatus.REJECTED
    elif any(reason.band == REVIEW for reason in reasons):
        outcome = ItemStatus.IN_REVIEW
    else:
        outcome = decision.outcome
    return Decision(outcome=outcome, reasons=tuple(reasons), policy_version=decision.policy_version)
