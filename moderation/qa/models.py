"""QA samples: machine decisions picked, after the fact, for a moderator to check."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moderation.items.models import ItemStatus


class QaVerdict(models.TextChoices):
    AGREE = "agree", _("Machine was right")
    OVERTURN = "overturn", _("Overturned")


class QaSample(models.Model):
    """One machine decision (an approval or a rejection) a moderator is asked to check. The
    item was never held for it: it is checked after the fact, and an overturn acts on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Named like a queue entry's item: the kind's name and the id in its table, no foreign key.
    kind = models.CharField(_("kind"), max_length=10)
    item_id = models.UUIDField(_("item id"))
    machine_status = models.CharField(
        _("machine's decision"), max_length=10, choices=ItemStatus.choices
    )
    # The strongest reason's band category (or its label when no band of its own applied), or
    # CLEAN for an approval: what the share was taken from and what precision is counted by.
    category = models.CharField(_("category"), max_length=100)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    machine_decided_at = models.DateTimeField(_("decided by the machine at"))
    sampled_at = models.DateTimeField(_("sampled at"), auto_now_add=True)
    verdict = models.CharField(
        _("verdict"), max_length=10, choices=QaVerdict.choices, blank=True, default=""
    )
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked by"),
    )
    verdict_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("QA sample")
        verbose_name_plural = _("QA samples")
        ordering = ["sampled_at"]
        constraints = [
            # A decision is sampled at most once, however often the sampler reads it.
            models.UniqueConstraint(fields=["kind", "item_id"], name="qa_one_per_item"),
            models.CheckConstraint(
                name="qa_verdict_complete",
                condition=Q(verdict="", verdict_at__isnull=True)
                | (~Q(verdict="") & Q(verdict_at__isnull=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["sampled_at"], condition=Q(verdict=""), name="qa_open_oldest"),
            models.Index(fields=["verdict_at"], name="qa_checked_at"),
        ]

    def __str__(self) -> str:
        return f"QA {self.kind} {self.item_id}: {self.machine_status} ({self.category})"


class QaCursor(models.Model):
    """How far the sampler has read the machine's decisions (one row)."""

    name = models.CharField(max_length=30, primary_key=True)
    position = models.DateTimeField()

    class Meta:
        verbose_name = _("QA sampler position")
        verbose_name_plural = _("QA sampler positions")

    def __str__(self) -> str:
        return f"{self.name}: {self.position:%Y-%m-%d %H:%M:%S}"
