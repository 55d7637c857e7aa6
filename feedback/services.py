"""Writes: every change of a feedback message's state goes through here."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from feedback import filing
from feedback.analyzers import get_text_analyzer
from feedback.analyzers.base import TextAnalysis
from feedback.models import MAX_TEXT_CHARS, Feedback, Sentiment
from feedback.pii.floor import pii_fields
from feedback.policy import decide_feedback
from moderation.items import holds, pipeline
from moderation.items.errors import AnalyzerError, TransientAnalyzerError
from moderation.items.models import DecidedBy, ItemStatus
from moderation.policy.engine import Decision, finite_or_none
from moderation.policy.selectors import policy_current
from project.errors import BadInput, Conflict


class FeedbackRejected(BadInput):
    """A message we refuse: a 400 naming the field (the text, or a moderator's sentiment)."""

    def __init__(self, message: str, *, field: str = "text") -> None:
        super().__init__(message, field=field)


def feedback_clean_text(text: object) -> str:
    """The text as it will be stored, or FeedbackRejected naming the rule it breaks."""
    if not isinstance(text, str):
        raise FeedbackRejected(gettext("text must be a string"))
    if "\x00" in text:
        raise FeedbackRejected(gettext("text must not contain NUL characters"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates ("\ud800") survive JSON decoding but are not valid UTF-8.
        raise FeedbackRejected(gettext("text must be valid UTF-8")) from None
    text = text.strip()
    if not text:
        raise FeedbackRejected(gettext("text is empty; write at least one character"))
    if len(text) > MAX_TEXT_CHARS:
        raise FeedbackRejected(
            gettext("text is %(length)d characters; the limit is %(limit)d characters")
            % {"length": len(text), "limit": MAX_TEXT_CHARS}
        )
    return text


def feedback_create(*, text: object, author: User | None) -> Feedback:
    """Store a message, its personal data already masked; its analysis is queued once the
    transaction commits."""
    clean = feedback_clean_text(text)
    feedback = Feedback.objects.create(text=clean, author=author, **pii_fields(clean, ()))
    transaction.on_commit(lambda: feedback_queue_analysis(feedback_id=feedback.id))
    return feedback


def feedback_queue_analysis(*, feedback_id: uuid.UUID) -> bool:
    return pipeline.item_queue(kind=Feedback.KIND, item_id=feedback_id)


def feedback_requeue_pending(*, limit: int = 500) -> int:
    return pipeline.items_requeue_pending(kind=Feedback.KIND, limit=limit)


def feedback_analyze(*, feedback_id: uuid.UUID) -> Feedback | None:
    """Analyse a pending message and let the policy decide; idempotent. Raises
    one of `pipeline.TRANSIENT_ERRORS` to be retried later; every other failure sends it to
    review."""
    lease = pipeline.item_claim(Feedback, feedback_id)
    if lease is None:
        return None
    with pipeline.lease_released_on_error(lease):
        analysis = pipeline.analyse_or_fail(
            lease, lambda: get_text_analyzer().analyze(lease.item.text)
        )
        if analysis is None:
            return None
        return _feedback_apply(lease, analysis)


def feedback_analysis_gave_up(*, feedback_id: uuid.UUID, error: str) -> Feedback | None:
    lease = pipeline.item_claim(Feedback, feedback_id)
    return pipeline.item_fail(lease, error) if lease else None


def feedback_set_sentiment(*, feedback_id: uuid.UUID, sentiment: str, moderator: User) -> Feedback:
    """A moderator corrects the sentiment; a filed document moves to the new folder."""
    if sentiment not in Sentiment.values:
        raise FeedbackRejected(
            gettext("sentiment must be one of %(values)s")
            % {"values": ", ".join(Sentiment.values)},
            field="sentiment",
        )
    feedback = Feedback.objects.get(id=feedback_id)
    if feedback.sentiment == sentiment:
        return feedback
    old = feedback.sentiment
    fields: dict[str, object] = {"sentiment": sentiment, "sentiment_set_by": DecidedBy.MODERATOR}

    def files() -> dict[str, object]:
        # An approved message's document moves to the new sentiment's folder.
        if not (feedback.route and feedback.status == ItemStatus.APPROVED):
            return fields
        return {**fields, "route": filing.file_document(pipeline.item_as(feedback, **fields))}

    def write(hold: holds.Hold, written: Mapping[str, object]) -> None:
        changed = (
            hold.mine()
            .filter(sentiment=old)
            .update(**written, **holds.RELEASED, updated_at=timezone.now())
        )
        if not changed:
            raise Conflict(gettext("the sentiment was changed meanwhile; nothing was changed"))
        pipeline.audit_action(
            feedback,
            actor=moderator,
            action="sentiment",
            note=f"sentiment {old or 'none'} → {sentiment}",
        )

    holds.item_change(feedback, files=files, write=write)
    feedback.refresh_from_db()
    return feedback


@dataclass(frozen=True)
class BacklogReport:
    messages: int
    api_calls: int

    @property
    def calls_per_message(self) -> float:
        return self.api_calls / self.messages if self.messages else 0.0


def feedback_analyze_backlog(*, limit: int = 1000) -> BacklogReport:
    """Analyse up to `limit` pending messages with the analyzer's batch calls (backlog mode)."""
    ids = Feedback.objects.filter(status=ItemStatus.PENDING).order_by("created_at")
    leases = [
        lease
        for feedback_id in ids.values_list("id", flat=True)[:limit]
        if (lease := pipeline.item_claim(Feedback, feedback_id)) is not None
    ]
    if not leases:
        return BacklogReport(messages=0, api_calls=0)
    analyzer = get_text_analyzer()
    try:
        results = analyzer.analyze_batch([lease.item.text for lease in leases])
    except TransientAnalyzerError:
        for lease in leases:
            pipeline.item_release(lease)
        raise
    calls = 0.0
    for lease, result in zip(leases, results, strict=True):
        if isinstance(result, AnalyzerError):
            pipeline.item_fail(lease, f"analysis failed: {result}")
            continue
        calls += float(result.extra.get("api_calls_share", result.api_calls))  # type: ignore[arg-type]
        _feedback_apply(lease, result)
    return BacklogReport(messages=len(leases), api_calls=round(calls))


def _feedback_apply(lease: pipeline.Lease[Feedback], analysis: TextAnalysis) -> Feedback | None:
    fields = _analysis_fields(lease.item.text, analysis)
    pii_checked = fields["pii_checked_at"] is not None
    decision: Decision = decide_feedback(analysis, policy_current(), pii_checked=pii_checked)
    final = decision.outcome != ItemStatus.IN_REVIEW
    return pipeline.item_decide(
        lease,
        outcome=decision.outcome,
        reasons=[reason.as_dict() for reason in decision.reasons],
        policy_version=decision.policy_version,
        fields=fields,
        files=_file if final else None,
    )


def _file(feedback: Feedback) -> Mapping[str, object]:
    return {"route": filing.file_document(feedback)}


def _analysis_fields(text: str, analysis: TextAnalysis) -> dict[str, object]:
    translation = analysis.translation
    return {
        "language": analysis.language,
        "language_confidence": analysis.language_confidence,
        "sentiment": analysis.sentiment or "",
        "sentiment_set_by": "machine" if analysis.sentiment else "",
        # JSON has no NaN: a broken score is stored as null (and the policy sent it to review).
        "sentiment_scores": (
            {name: finite_or_none(value) for name, value in analysis.scores.as_dict().items()}
            if analysis.scores
            else None
        ),
        "toxicity": [
            {"name": t.name, "confidence": finite_or_none(t.confidence)} for t in analysis.toxicity
        ],
        **pii_fields(text, analysis.pii),
        "key_phrases": list(analysis.key_phrases),
        "entities": [
            {"text": e.text, "type": e.type, "confidence": e.confidence} for e in analysis.entities
        ],
        # Already masked: the AWS backend translates the masked text and masks the result.
        "translation": translation.text if translation else "",
        "translation_source": translation.source_language if translation else "",
        "analyzer": analysis.analyzer,
        "model_version": analysis.model_version,
        "error": "",
    }
