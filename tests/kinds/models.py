from __future__ import annotations

from django.conf import settings
from django.db import models

from moderation.items.models import AnalysedItem


class Comment(AnalysedItem):
    KIND = "comment"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    # What the analyzer found: [{"name", "confidence"}], the stored result replay decides on.
    signals = models.JSONField(default=list, blank=True)
    # Storage key of the published copy, once approved.
    published_key = models.CharField(max_length=255, blank=True)

    # Spelled out for the type checker, which reads the project's settings (without this app).
    objects: models.Manager[Comment] = models.Manager()
