from __future__ import annotations

from django.conf import settings
from django.db import models

from moderation.models import AnalysedItem, DecidedBy, ItemKind

MAX_TEXT_CHARS = 20_000


class Sentiment(models.TextChoices):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    MIXED = "mixed"


class Feedback(AnalysedItem):
    KIND = ItemKind.FEEDBACK

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    text = models.TextField()

    language = models.CharField(max_length=10, blank=True)
    language_confidence = models.FloatField(null=True, blank=True)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    sentiment_set_by = models.CharField(max_length=10, choices=DecidedBy.choices, blank=True)
    # The four scores, 0–100: {"positive", "negative", "neutral", "mixed"}.
    sentiment_scores = models.JSONField(null=True, blank=True)
    toxicity = models.JSONField(default=list, blank=True)  # [{"name", "confidence"}]
    pii = models.JSONField(default=list, blank=True)  # [{"type", "begin", "end", "confidence"}]
    key_phrases = models.JSONField(default=list, blank=True)
    entities = models.JSONField(default=list, blank=True)  # [{"text", "type", "confidence"}]
    redacted_text = models.TextField(blank=True)
    # When the local personal-data finder last ran on the text; null means it has not (or it
    # failed), and the text is kept out of every document and page until it does.
    pii_checked_at = models.DateTimeField(null=True, blank=True)
    # English translation of the masked text, when sentiment was judged on one (AWS backend,
    # languages Comprehend cannot read), and the source language code sent to the service.
    translation = models.TextField(blank=True)
    translation_source = models.CharField(max_length=10, blank=True)
    # Storage key of the filed document: feedback/<sentiment or rejected>/YYYY/MM/DD/<id>.json
    route = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        indexes = [
            models.Index(fields=["status", "created_at"], name="feedback_status_age"),
            models.Index(fields=["author", "-created_at"], name="feedback_author_recent"),
        ]

    def __str__(self) -> str:
        return f"feedback {self.id} ({self.status})"

    @property
    def pii_types(self) -> list[str]:
        return sorted({entity["type"] for entity in self.pii})
