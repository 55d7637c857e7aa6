"""What every analysed item shares, whatever its kind, and the audit trail of its changes."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


# Labels keep the English of the first migrations, so translating them changes no schema.
class ItemStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("item status", "Pending")
    APPROVED = "approved", pgettext_lazy("item status", "Approved")
    REJECTED = "rejected", pgettext_lazy("item status", "Rejected")
    IN_REVIEW = "in_review", pgettext_lazy("item status", "in review")


class DecidedBy(models.TextChoices):
    MACHINE = "machine", _("Machine")
    MODERATOR = "moderator", _("Moderator")


class AuditSubject(models.TextChoices):
    """What an audit event is about when it is not an item (whose subject is its kind's name):
    the policy itself, or sign-in (lock-outs)."""

    POLICY = "policy", _("Policy")
    ACCOUNT = "account", _("Account")


class AnalysedItem(models.Model):
    """What images and feedback share: a state, the machine's decision, the analysis lease."""

    # The name its kind registered with (moderation/kinds.py); stored in queue and audit rows.
    KIND: ClassVar[str]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    reasons = models.JSONField(default=list, blank=True)  # [{"label","confidence","band",…}]
    analyzer = models.CharField(max_length=50, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    # The worker that analyses the item holds this lease; an expired one may be taken over.
    analysis_token = models.UUIDField(null=True, blank=True)
    # Who holds it: "<worker node>/<pid>/<nonce>" of a process whose heartbeat says it is alive
    # (moderation/items/liveness.py), or "" for a lease that only expires with time.
    analysis_holder = models.CharField(max_length=200, blank=True, default="")
    analysis_started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the analysis task was last handed to the broker; null if that failed.
    queued_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=10, choices=DecidedBy.choices, blank=True)
    # When the content (stored file or document, and feedback's text) was deleted, by the
    # retention job or with its submitter's account; the row and its decision stay.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Every state change of every item: who, when, from, to, why, under which policy."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # A kind's name for items (no `choices`: kinds register at start-up), or an AuditSubject.
    item_kind = models.CharField(_("subject"), max_length=10)
    # None for policy changes.
    item_id = models.UUIDField(_("item id"), db_index=True, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_kind = models.CharField(_("actor kind"), max_length=10, choices=DecidedBy.choices)
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=10, choices=ItemStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=ItemStatus.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.item_kind} {self.item_id}: {self.from_status} → {self.to_status}"
