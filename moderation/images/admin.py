from __future__ import annotations

from django.contrib import admin

from moderation.images.models import ImageUpload
from moderation.items.admin import ReadOnlyAdmin


@admin.register(ImageUpload)
class ImageUploadAdmin(ReadOnlyAdmin):
    list_display = ["id", "owner", "status", "decided_by", "policy_version", "created_at"]
    list_filter = ["status", "decided_by"]
    search_fields = ["id", "owner__username", "sha256"]
    exclude = ["analysis_token"]
