"""The image kind's row: one re-encoded upload and what the analyzer found in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from moderation.items.models import AnalysedItem


class ImageUpload(AnalysedItem):
    KIND = "image"

    # Empty once the account is deleted: decided images stay, anonymised, for the statistics.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="images",
        verbose_name=_("owner"),
    )
    # Name in the default storage: quarantine/<id>.<ext>, then images/approved/<id>.<ext>;
    # empty once the file is purged (see purged_at).
    file_key = models.CharField(_("file key"), max_length=255, blank=True)
    original_name = models.CharField(_("original name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=50)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    # [{"name","parent","confidence"}]
    labels = models.JSONField(_("labels"), default=list, blank=True)
    # The text read off the image, personal data masked ("[EMAIL]"), for moderators; its
    # signals are among `labels` as "text_in_image:<SIGNAL>".
    found_text = models.TextField(_("text found"), blank=True)
    # {"reader", "model_version", "lines", "language", "pii", "pii_checked", "error"?}
    text_analysis = models.JSONField(_("text analysis"), default=dict, blank=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="image_owner_recent"),
            models.Index(fields=["status", "created_at"], name="image_status_age"),
        ]

    def __str__(self) -> str:
        return f"image {self.id} ({self.status})"
