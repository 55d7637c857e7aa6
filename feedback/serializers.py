from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from feedback import selectors
from feedback.models import MAX_TEXT_CHARS, Feedback
from moderation.appeals.serializers import AppealFields
from moderation.review.disclosure import DecisionFields


class FeedbackCreatedSerializer(serializers.ModelSerializer[Feedback]):
    url = serializers.SerializerMethodField()
    status_token = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = ["id", "status", "url", "status_token"]

    def get_url(self, feedback: Feedback) -> str:
        """Where the sender reads the status: the token in it works from any client."""
        token = selectors.feedback_status_token(feedback_id=feedback.id)
        return f"{reverse('api-feedback-detail', args=[feedback.id])}?token={token}"

    def get_status_token(self, feedback: Feedback) -> str:
        return selectors.feedback_status_token(feedback_id=feedback.id)


class FeedbackSerializer(DecisionFields, AppealFields, serializers.ModelSerializer[Feedback]):
    url = serializers.SerializerMethodField()
    sentiment = serializers.SerializerMethodField()
    route = serializers.SerializerMethodField(
        help_text="Where the filed document is stored: for moderators only, null for others."
    )
    pii_types = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id", "status", "language", "sentiment", "sentiment_scores", "toxicity",
            "pii_types", "route", "reasons", "created_at", "decided_at", "decided_by_name",
            "decision_reason", "url", "appeal",
        ]  # fmt: skip

    def get_url(self, feedback: Feedback) -> str:
        return reverse("api-feedback-detail", args=[feedback.id])

    def get_sentiment(self, feedback: Feedback) -> str | None:
        return feedback.sentiment or None

    def get_route(self, feedback: Feedback) -> str | None:
        # A storage key is the deployment's inside: submitters never see one.
        return (feedback.route or None) if self.context.get("moderator") else None


class FeedbackInputSerializer(serializers.Serializer[dict[str, object]]):
    """For the schema only: the view checks the raw value, since DRF's CharField would turn
    a number into a string."""

    text = serializers.CharField(min_length=1, max_length=MAX_TEXT_CHARS)
