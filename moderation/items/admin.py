"""Admin of what every item shares: the read-only base for item lists, and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from moderation.items.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the application: look, never edit here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "item_kind", "item_id", "actor", "action", "to_status", "note"]
    list_filter = ["item_kind", "action", "actor_kind"]
    search_fields = ["item_id", "actor__username", "note"]
