from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from moderation.items.models import AnalysedItem, DecidedBy

MAX_TEXT_CHARS = 20_000


class Sentiment(models.TextChoices):
    POSITIVE = "positive", pgettext_lazy("sentiment", "positive")
    NEGATIVE = "negative", pgettext_lazy("sentiment", "negative")
    NEUTRAL = "neutral", pgettext_lazy("sentiment", "neutral")
    MIXED = "mixed", pgettext_lazy("sentiment", "mixed")


class Feedback(AnalysedItem):
    KIND = "feedback"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"))

    language = models.CharField(_("language"), max_length=10, blank=True)
    language_confidence = models.FloatField(_("language confidence"), null=True, blank=True)
    sentiment = models.CharField(
        _("sentiment"), max_length=10, choices=Sentiment.choices, blank=True
    )
    sentiment_set_by = models.CharField(
        _("sentiment set by"), max_length=10, choices=DecidedBy.choices, blank=True
    )
    # The four scores, 0–100: {"positive", "negative", "neutral", "mixed"}.
    sentiment_scores = models.JSONField(_("sentiment scores"), null=True, blank=True)
    toxicity = models.JSONField(_("toxicity"), default=list, blank=True)  # [{"name", "confidence"}]
    # [{"type", "begin", "end", "confidence"}]
    pii = models.JSONField(_("personal data"), default=list, blank=True)
    key_phrases = models.JSONField(_("key phrases"), default=list, blank=True)
    # [{"text", "type", "confidence"}]
    entities = models.JSONField(_("entities"), default=list, blank=True)
    redacted_text = models.TextField(_("masked text"), blank=True)
    # When the local personal-data finder last ran on the text; null means it has not (or it
    # failed), and the text is kept out of every document and page until it does.
    pii_checked_at = models.DateTimeField(_("personal data checked at"), null=True, blank=True)
    # English translation of the masked text, when sentiment was judged on one (AWS backend,
    # languages Comprehend cannot read), and the source language code sent to the service.
    translation = models.TextField(_("translation"), blank=True)
    translation_source = models.CharField(_("translated from"), max_length=10, blank=True)
    # Storage key of the filed document: feedback/<sentiment or rejected>/YYYY/MM/DD/<id>.json
    route = models.CharField(_("filed document"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["status", "created_at"], name="feedback_status_age"),
            models.Index(fields=["author", "-created_at"], name="feedback_author_recent"),
        ]

    def __str__(self) -> str:
        return f"feedback {self.id} ({self.status})"

    @property
    def pii_types(self) -> list[str]:
        return sorted({entity["type"] for entity in self.pii})
