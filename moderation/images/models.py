"""The image kind's row: one re-encoded upload and what the analyzer found in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moderation.images.hashing import SEGMENTS
from moderation.items.models import AnalysedItem, ItemStatus

SEGMENT_FIELDS = tuple(f"s{index}" for index in range(SEGMENTS))


class HashSegments(models.Model):
    """A PDQ hash, with its 16 segments of 16 bits in columns of their own for multi-index
    lookup (moderation/images/hashing.py). Empty when there is no hash."""

    # Database defaults too: rows written by plain SQL (imports, bench/queue_scale.py) need them.
    pdq_hash = models.CharField(_("PDQ hash"), max_length=64, blank=True, db_default="")
    pdq_quality = models.PositiveSmallIntegerField(_("PDQ quality"), null=True, blank=True)
    s0 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s1 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s2 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s3 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s4 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s5 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s6 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s7 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s8 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s9 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s10 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s11 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s12 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s13 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s14 = models.PositiveIntegerField(null=True, blank=True, editable=False)
    s15 = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def segment_indexes(prefix: str, condition: Q | None = None) -> list[models.Index]:
    return [
        models.Index(fields=[name], name=f"{prefix}_{name}", condition=condition)
        for name in SEGMENT_FIELDS
    ]


class ImageUpload(AnalysedItem, HashSegments):
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
    # Why the perceptual hash could not be computed at upload; the analysis then sends the
    # image to review (a hash failure never approves).
    hash_error = models.TextField(_("hash error"), blank=True, db_default="")
    # PDQ of what lies inside the picture's flat frame (a border, a band along an edge), when
    # it has one: looked up in the hash bank besides the whole picture's hash.
    pdq_framed = models.CharField(
        _("PDQ hash inside the frame"), max_length=64, blank=True, db_default=""
    )
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
            # Near-duplicates are looked up among images waiting in the queue only.
            *segment_indexes("image_open", Q(status=ItemStatus.IN_REVIEW)),
        ]

    def __str__(self) -> str:
        return f"image {self.id} ({self.status})"


class HashBankEntry(HashSegments):
    """A known-bad image, by its PDQ hash: uploads near it are decided by the policy.

    Entries come from rejected images (by the machine or a moderator) or from an admin, who
    may also annotate and remove them. The source image and the reason stay with the entry
    even after the file itself is purged."""

    source_item = models.ForeignKey(
        ImageUpload,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bank_entries",
        verbose_name=_("source image"),
    )
    reason = models.TextField(_("reason"), blank=True)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("hash bank entry")
        verbose_name_plural = _("hash bank")
        ordering = ["-created_at"]
        indexes = segment_indexes("hashbank")
        constraints = [
            models.UniqueConstraint(
                fields=["source_item"],
                condition=Q(source_item__isnull=False),
                name="hashbank_one_per_image",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pdq_hash[:16]}… ({self.reason[:40]})" if self.pdq_hash else "—"
