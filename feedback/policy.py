"""Feedback decisions: the image policy engine on toxicity signals, plus two text-only rules."""

from __future__ import annotations

from feedback.analyzers.base import SENTIMENTS, TextAnalysis
from moderation.analyzers.base import ModerationLabel
from moderation.models import ItemStatus
from moderation.policy import (
    REVIEW,
    Decision,
    PolicySnapshot,
    Reason,
    decide,
    finite_or_none,
    is_percentage,
)


def decide_feedback(analysis: TextAnalysis, policy: PolicySnapshot) -> Decision:
    toxicity = decide([ModerationLabel(t.name, t.confidence) for t in analysis.toxicity], policy)
    extra: list[Reason] = []
    if not analysis.language_supported:
        extra.append(
            Reason(
                label="language",
                confidence=finite_or_none(analysis.language_confidence),
                band=REVIEW,
                threshold=None,
                detail=f"language '{analysis.language}' is not supported by the text analyzer",
            )
        )
    elif analysis.scores is not None:
        scores = [getattr(analysis.scores, name) for name in SENTIMENTS]
        if not all(is_percentage(score) for score in scores):
            # NaN is never "below" the threshold: without this, broken scores would approve.
            extra.append(
                Reason(
                    label="sentiment",
                    confidence=None,
                    band=REVIEW,
                    threshold=None,
                    detail="sentiment scores are not percentages from 0 to 100",
                )
            )
        else:
            sentiment, confidence = analysis.scores.top
            if confidence < policy.sentiment_review_below:
                extra.append(
                    Reason(
                        label="sentiment",
                        confidence=confidence,
                        band=REVIEW,
                        threshold=policy.sentiment_review_below,
                        detail=f"sentiment '{sentiment}' is uncertain",
                    )
                )
    if toxicity.outcome == ItemStatus.REJECTED or not extra:
        return Decision(toxicity.outcome, toxicity.reasons + tuple(extra), policy.version)
    return Decision(ItemStatus.IN_REVIEW, toxicity.reasons + tuple(extra), policy.version)
