"""Appeals: a submitter asks for a second look at a rejection, once per item; a moderator other
than the one who rejected it upholds or overturns it. An appeal names its item by kind and id,
as a queue entry does (the core knows no kind's table)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from moderation.items.models import DecidedBy

MAX_MESSAGE_CHARS = 2000


class AppealState(models.TextChoices):
    OPEN = "open", pgettext_lazy("appeal state", "open")
    UPHELD = "upheld", pgettext_lazy("appeal state", "rejection upheld")
    OVERTURNED = "overturned", pgettext_lazy("appeal state", "rejection overturned")


class Appeal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10)
    item_id = models.UUIDField(_("item id"))
    # None for an anonymous submitter (feedback sent without an account, from its session).
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitter"),
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("appealed at"), auto_now_add=True, db_index=True)
    # The rejection appealed: by the machine, or by this moderator (who may not handle it).
    rejected_by = models.CharField(_("rejected by"), max_length=10, choices=DecidedBy.choices)
    rejected_by_moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("rejecting moderator"),
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=AppealState.choices, default=AppealState.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at"]
        constraints = [
            # A second appeal of the same item fails here, whatever the timing.
            models.UniqueConstraint(fields=["kind", "item_id"], name="appeal_one_per_item")
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="appeal_state_age")]

    def __str__(self) -> str:
        return f"appeal of {self.kind} {self.item_id} ({self.state})"
