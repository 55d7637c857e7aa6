"""The feedback kind, as the moderation core sees it (moderation/kinds.py); registered in
FeedbackConfig.ready."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import Any, cast

from django.contrib.auth.models import User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from feedback import filing, services, tasks
from feedback.analyzers.base import SentimentScores, TextAnalysis, ToxicityLabel
from feedback.models import Feedback, Sentiment
from feedback.policy import decide_feedback
from moderation.items import pipeline
from moderation.items.kind_base import KindBase, warm_up
from moderation.items.models import AnalysedItem, DecidedBy, ItemStatus
from moderation.policy.engine import Decision, PolicySnapshot
from moderation.review.grouping import text_group_key
from project.errors import BadInput

# What a purged message keeps: the decision and the scores, not a word of the text.
CONTENT_CLEARED: Mapping[str, object] = {
    "text": "",
    "redacted_text": "",
    "key_phrases": [],
    "entities": [],
    "route": "",
}


class FeedbackKind(KindBase):
    name = Feedback.KIND
    label = _("Feedback")
    model = Feedback
    count_label = "feedback messages"
    owner_field = "author"
    review_template = "review/kinds/feedback.html"
    queue_template = "review/kinds/feedback_queue.html"
    decision_template = "review/kinds/feedback_decision.html"
    review_title = _("Review feedback")
    content_cleared = CONTENT_CLEARED

    def queue_analysis(self, item_id: uuid.UUID) -> None:
        tasks.analyze_feedback.delay(str(item_id))

    def warm_up(self) -> None:
        from feedback.analyzers import get_text_analyzer

        warm_up(get_text_analyzer())

    def analyse(self, item_id: uuid.UUID) -> object:
        return services.feedback_analyze(feedback_id=item_id)

    def analysis_gave_up(self, item_id: uuid.UUID, error: str) -> object:
        return services.feedback_analysis_gave_up(feedback_id=item_id, error=error)

    def stored_results(self, limit: int) -> Iterator[tuple[uuid.UUID, TextAnalysis]]:
        rows = (
            Feedback.objects.exclude(status=ItemStatus.PENDING)
            .filter(error="")
            .exclude(analyzer="")
            .order_by("-created_at")
            .values_list("id", "language", "language_confidence", "sentiment_scores", "toxicity")[
                :limit
            ]
        )
        for feedback_id, language, confidence, scores, toxicity in rows:
            yield (
                feedback_id,
                TextAnalysis(
                    language=language,
                    language_confidence=confidence or 0.0,
                    # Scores are stored only when the analyzer could judge the language.
                    language_supported=scores is not None,
                    scores=SentimentScores(**scores) if scores else None,
                    toxicity=tuple(ToxicityLabel(t["name"], t["confidence"]) for t in toxicity),
                    pii=(),
                    key_phrases=(),
                    entities=(),
                    analyzer="replay",
                    model_version="",
                ),
            )

    def decide(self, result: TextAnalysis, policy: PolicySnapshot) -> Decision:
        return decide_feedback(result, policy)

    def decision_fields(self) -> Mapping[str, serializers.Field]:
        return {"sentiment": serializers.ChoiceField(choices=Sentiment.values, required=False)}

    def decision_check(
        self, item: AnalysedItem, *, approve: bool, details: Mapping[str, Any]
    ) -> dict[str, Any]:
        given = details.get("sentiment") or None
        if given:
            # Checked for rejections too: the sentiment is stored whatever the decision.
            _check_sentiment(given)
        if approve:
            chosen = given or _feedback(item).sentiment
            if not chosen:
                raise BadInput(
                    gettext(
                        "sentiment is required to approve feedback the machine could not classify"
                    ),
                    field="sentiment",
                )
            given = chosen
        return {"sentiment": given}

    storage_fields = ("route",)

    def decision_files(self, item: AnalysedItem, details: Mapping[str, Any]) -> dict[str, Any]:
        feedback = _feedback(item)
        fields: dict[str, Any] = {}
        sentiment = details.get("sentiment")
        if sentiment and sentiment != feedback.sentiment:
            fields = {"sentiment": sentiment, "sentiment_set_by": DecidedBy.MODERATOR}
            feedback.sentiment, feedback.sentiment_set_by = sentiment, DecidedBy.MODERATOR
        return {**fields, "route": filing.file_document(feedback)}

    def undo_files(self, item: AnalysedItem) -> dict[str, Any]:
        # The document goes once the undo has committed (moderation/items/holds.py).
        return {"route": ""} if _feedback(item).route else {}

    def review_context(self, item: AnalysedItem, moderator: User) -> dict[str, Any]:
        # Each sentiment's key on the item page (review.js reads data-key): p, n, u, m.
        keys = {"positive": "p", "negative": "n", "neutral": "u", "mixed": "m"}
        return {
            "sentiments": Sentiment.values,
            "sentiment_keys": [(value, keys.get(value, "")) for value in Sentiment.values],
        }

    def reveal(self, item: AnalysedItem, moderator: User) -> str:
        feedback = _feedback(item)
        pipeline.audit_action(
            feedback, actor=moderator, action="reveal_pii", note=", ".join(feedback.pii_types)
        )
        return feedback.text

    def decision_subject(self, *, approved: bool) -> str:
        if approved:
            return gettext("Your feedback was approved")
        return gettext("Your feedback was not accepted")

    def group_key(self, item: AnalysedItem) -> str:
        return text_group_key(_feedback(item).text)

    def stored_keys(self, item: AnalysedItem) -> list[str]:
        return [route] if (route := _feedback(item).route) else []

    def purge_note(self, item: AnalysedItem) -> str:
        route = _feedback(item).route
        what = f"document {route} and text" if route else "text"
        return f"{what} deleted"

    def discard_stale_copy(self, item_id: uuid.UUID, key: str) -> bool:
        return filing.discard_document(feedback_id=item_id, key=key)

    def discard_stale_copy_later(self, item_id: uuid.UUID, key: str) -> None:
        tasks.discard_document.delay(str(item_id), key)


def _feedback(item: AnalysedItem) -> Feedback:
    # The core hands a kind only its own items.
    return cast(Feedback, item)


def _check_sentiment(sentiment: str) -> None:
    if sentiment not in Sentiment.values:
        raise BadInput(
            gettext("sentiment must be one of %(sentiments)s")
            % {"sentiments": ", ".join(Sentiment.values)},
            field="sentiment",
        )
