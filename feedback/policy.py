"""Feedback decisions: the image policy engine on toxicity signals, plus the text-only rules.

A text goes to a person, whatever its toxicity, when the analyzer could not judge it (no words,
mixed or unsupported languages, too short to tell), when its personal data could not be
checked, or when its top sentiment is below the policy's `sentiment_review_below`. Each such
rule is a coded reason (`code`, `params`) that pages word in the reader's language
(moderation/review/reasons.py); `detail` is the English fallback.
"""

from __future__ import annotations

from feedback.analyzers.base import (
    LANGUAGE_UNCERTAIN,
    LANGUAGE_UNSUPPORTED,
    MIXED_LANGUAGES,
    NO_WORDS,
    SENTIMENTS,
    TextAnalysis,
)
from moderation.items.models import ItemStatus
from moderation.policy.engine import (
    REVIEW,
    Decision,
    PolicySnapshot,
    Reason,
    decide,
    finite_or_none,
    is_percentage,
)
from moderation.policy.labels import ModerationLabel

PII_CHECK_FAILED = "pii_check_failed"
SENTIMENT_UNCERTAIN = "sentiment_uncertain"
SENTIMENT_INVALID = "sentiment_invalid"


def decide_feedback(
    analysis: TextAnalysis, policy: PolicySnapshot, *, pii_checked: bool = True
) -> Decision:
    toxicity = decide([ModerationLabel(t.name, t.confidence) for t in analysis.toxicity], policy)
    extra = [*_unjudged_reasons(analysis), *_sentiment_reasons(analysis, policy)]
    if not pii_checked:
        extra.append(
            _rule(
                "personal_data",
                PII_CHECK_FAILED,
                {},
                "the check for personal data failed: the text stays out of every document",
            )
        )
    if toxicity.outcome == ItemStatus.REJECTED or not extra:
        return Decision(toxicity.outcome, toxicity.reasons + tuple(extra), policy.version)
    return Decision(ItemStatus.IN_REVIEW, toxicity.reasons + tuple(extra), policy.version)


def _unjudged_reasons(analysis: TextAnalysis) -> list[Reason]:
    language = analysis.language
    confidence = finite_or_none(analysis.language_confidence)
    unjudged = analysis.unjudged or ("" if analysis.language_supported else LANGUAGE_UNSUPPORTED)
    if not unjudged:
        if analysis.scores is None:  # an analyzer that judged nothing without saying why
            return [
                _rule(
                    "language",
                    LANGUAGE_UNSUPPORTED,
                    {"language": language},
                    f"language '{language}' is not supported by the text analyzer",
                    confidence,
                )
            ]
        return []
    if unjudged == NO_WORDS:
        detail = "no words to analyse: only emoji, digits or punctuation"
        return [_rule("language", NO_WORDS, {}, detail)]
    if unjudged == MIXED_LANGUAGES:
        others = analysis.extra.get("mixed_with")
        mixed = [language, *(str(code) for code in (others if isinstance(others, list) else []))]
        detail = f"the text mixes languages: {', '.join(mixed)}"
        return [_rule("language", MIXED_LANGUAGES, {"languages": mixed}, detail, confidence)]
    if unjudged == LANGUAGE_UNCERTAIN:
        detail = f"the language could not be told with certainty (best guess '{language}')"
        return [_rule("language", LANGUAGE_UNCERTAIN, {"language": language}, detail, confidence)]
    detail = f"language '{language}' is not supported by the text analyzer"
    return [_rule("language", LANGUAGE_UNSUPPORTED, {"language": language}, detail, confidence)]


def _sentiment_reasons(analysis: TextAnalysis, policy: PolicySnapshot) -> list[Reason]:
    if analysis.scores is None:
        return []
    scores = [getattr(analysis.scores, name) for name in SENTIMENTS]
    if not all(is_percentage(score) for score in scores):
        # NaN is never "below" the threshold: without this, broken scores would approve.
        detail = "sentiment scores are not percentages from 0 to 100"
        return [_rule("sentiment", SENTIMENT_INVALID, {}, detail)]
    sentiment, confidence = analysis.scores.top
    threshold = policy.sentiment_review_below
    if confidence >= threshold:
        return []
    params = {"sentiment": sentiment, "confidence": confidence, "threshold": threshold}
    detail = f"sentiment '{sentiment}' is uncertain: {confidence:.1f} % is below {threshold:g} %"
    return [_rule("sentiment", SENTIMENT_UNCERTAIN, params, detail, confidence, threshold)]


def _rule(
    label: str,
    code: str,
    params: dict[str, object],
    detail: str,
    confidence: float | None = None,
    threshold: float | None = None,
) -> Reason:
    return Reason(
        label=label,
        confidence=confidence,
        band=REVIEW,
        threshold=threshold,
        detail=detail,
        code=code,
        params=params,
    )
