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
    # When the holder took the claim, and when their open page last renewed it: a claim not
    # renewed for REVIEW_CLAIM_STALE_SECONDS is stale, and another moderator may take it over.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_renewed_at = models.DateTimeField(_("claim renewed at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # Sent for a second opinion: only senior moderators (REVIEW_SENIOR_PERMISSION) see and
    # decide it from then on.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("escalated by"),
    )
    # A database default too: rows written by plain SQL (bench/queue_scale.py) leave it out.
    escalation_note = models.TextField(_("escalation note"), blank=True, db_default="")
    # Open entries with the same key are the same content, from anyone, and can be decided
    # together (moderation/review/grouping.py); "" groups with nothing.
    # The database default too: rows written by raw SQL (imports, bench/queue_scale.py) need it.
    group_key = models.CharField(_("group"), max_length=100, blank=True, default="", db_default="")

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
            # The second-opinion queue: few rows, read by the queue page on every visit.
            models.Index(
                fields=["created_at"],
                condition=Q(resolved_at__isnull=True, escalated_at__isnull=False),
                name="review_open_escalated",
            ),
            models.Index(
                fields=["group_key", "created_at"],
                condition=Q(resolved_at__isnull=True) & ~Q(group_key=""),
                name="review_open_group",
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


class ReviewSkip(models.Model):
    """A moderator skipped an entry: claim-next does not hand it to them again until `until`."""

    review = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="+")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateTimeField()

    class Meta:
        verbose_name = _("skipped review item")
        verbose_name_plural = _("skipped review items")
        constraints = [
            models.UniqueConstraint(fields=["review", "moderator"], name="review_skip_once")
        ]
        indexes = [models.Index(fields=["moderator", "until"], name="review_skip_by_moderator")]

    def __str__(self) -> str:
        return f"{self.review_id} skipped by {self.moderator_id} until {self.until}"


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


class BulkState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class BulkAction(models.Model):
    """One moderator's decision on many items at once, kept so it can be undone for a while.

    A selection is decided in the request; "all in this filter" is a job (bulk_jobs.py) that
    decides the entries matching `filters` and queued before `created_at`, a batch at a time,
    in (created_at, id) order from the cursor on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    decision = models.CharField(max_length=10)
    reason = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=BulkState.choices, default=BulkState.QUEUED)
    filters = models.JSONField(default=dict, blank=True)  # the queue filter of a job
    total = models.IntegerField(default=0)  # entries it was asked to decide
    decided = models.IntegerField(default=0)  # its BulkEntry rows, as of the last batch
    skipped = models.IntegerField(default=0)  # held or decided by someone else, …
    # The last entry a job has looked at; the next batch starts after it.
    cursor_created_at = models.DateTimeField(null=True, blank=True)
    cursor_id = models.UUIDField(null=True, blank=True)
    # A batch in progress holds this lease, so a second copy of the job's message waits its
    # turn instead of running the same batch alongside (bulk_jobs.py).
    lease_until = models.DateTimeField(null=True, blank=True)
    # When it stopped (done or failed): the undo window counts from here.
    finished_at = models.DateTimeField(null=True, blank=True)
    # Its last change: a job with no live lease and no change for a while lost its message
    # (bulk_jobs.review_bulk_stalled).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bulk decision")
        verbose_name_plural = _("bulk decisions")

    def __str__(self) -> str:
        return f"bulk {self.decision} ({self.state}) by {self.moderator_id}"


class BulkEntry(models.Model):
    """An entry a bulk action decided, written in the decision's own transaction: whatever
    happens to the job afterwards, undo knows every item it decided."""

    bulk = models.ForeignKey(BulkAction, on_delete=models.CASCADE, related_name="entries")
    review_id = models.UUIDField()

    class Meta:
        verbose_name = _("bulk decision entry")
        verbose_name_plural = _("bulk decision entries")
        constraints = [
            models.UniqueConstraint(fields=["bulk", "review_id"], name="bulk_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.bulk_id}: {self.review_id}"


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
