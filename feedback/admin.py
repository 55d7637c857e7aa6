from __future__ import annotations

from django.contrib import admin

from feedback.models import Feedback
from moderation.items.admin import ReadOnlyAdmin


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["id", "status", "language", "sentiment", "route", "created_at"]
    list_filter = ["status", "sentiment", "language"]
    search_fields = ["id", "route"]
    # The original text may hold personal data: the admin shows the redacted copy only.
    exclude = ["text", "analysis_token"]
