from __future__ import annotations

from django.contrib import admin

from moderation.items.admin import ReadOnlyAdmin
from moderation.review.models import ReviewItem


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyAdmin):
    list_display = [
        "id", "kind", "reason", "priority", "claimed_by", "created_at", "escalated_at",
        "resolved_at",
    ]  # fmt: skip
    list_filter = ["kind", "reason"]
