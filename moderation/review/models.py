"""The review queue's rows: entries (one per item waiting for a person), their counters, bulk
decisions and moderators' preferences. An entry names its item by kind and id only."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moderation.items.models import AnalysedItem


class ReviewItem(models.Model):
    """An item waiting for (or decided by) a human. Shared by images and feedback."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The kind's name (moderation/kinds.py) and the item's id in that kind's table. No foreign
    # key: the core knows no kind's table; a kind's deleted item takes its entry along (kinds.py).
    kind = models.CharField(_("kind"), max_length=10)
    item_id = models.UUIDField(_("item id"))
    # Why it is here: the strongest reason's label, or "error".
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    # Highest confidence among the reasons; sorts the most certain cases first.
    priority = models.FloatField(_("priority"), default=0)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    claim_expires_at = models.DateTimeField(_("claim expires at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "item_id"], name="review_one_per_item")
        ]
        indexes = [
            models.Index(fields=["resolved_at", "created_at"], name="review_open_age"),
            # The open queue in its two orders. Partial: PostgreSQL cannot read a created_at
            # order out of (resolved_at, created_at) when the condition is IS NULL, and it
            # would scan every open row instead (docs/BENCHMARKS.md, scenario 3).
            models.Index(
                fields=["created_at"],
                condition=Q(resolved_at__isnull=True),
                name="review_open_oldest",
            ),
            models.Index(
                models.F("priority").desc(),
                "created_at",
                condition=Q(resolved_at__isnull=True),
                name="review_open_priority",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.kind} {self.id}"

    @property
    def item(self) -> AnalysedItem | None:
        """The item itself, from its kind's table: set in bulk by `review_items_attach`, or read
        here on first use (one query)."""
        if not hasattr(self, "_item"):
            from moderation.kinds import kind_get

            model = kind_get(self.kind).model
            self._item = model._default_manager.filter(id=self.item_id).first()
        return self._item

    @item.setter
    def item(self, value: AnalysedItem | None) -> None:
        self._item = value


class ReviewQueueCount(models.Model):
    """Open queue entries per kind and reason, changed in the same transactions as the entries
    (moderation/review/counts.py), so the queue page reads a few rows instead of counting a
    million."""

    kind = models.CharField(max_length=10)
    reason = models.CharField(max_length=100, blank=True)
    open = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("review queue count")
        verbose_name_plural = _("review queue counts")
        constraints = [
            models.UniqueConstraint(fields=["kind", "reason"], name="review_count_kind_reason")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reason or '-'}: {self.open}"


class BulkAction(models.Model):
    """One moderator's decision on many items at once, kept so it can be undone for a while."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    decision = models.CharField(max_length=10)
    reason = models.CharField(max_length=50)
    review_ids = models.JSONField(default=list)  # the entries it decided
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk decision")
        verbose_name_plural = _("bulk decisions")

    def __str__(self) -> str:
        return f"bulk {self.decision} of {len(self.review_ids)} by {self.moderator_id}"


class ModeratorPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_preference"
    )
    # Images in the queue are shown blurred and grey until revealed, unless this is off.
    blur_images = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("moderator preference")
        verbose_name_plural = _("moderator preferences")

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
