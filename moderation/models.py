from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

MODERATORS_GROUP = "Moderators"
REVIEW_PERMISSION = "moderation.review_content"


class ModerationAccess(models.Model):
    """Carries the site-wide permissions of moderation; it has no table of its own.

    A permission needs a content type, and a content type without a model is deleted by
    `remove_stale_contenttypes` together with every grant of it; an unmanaged model keeps
    it alive.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("review_content", "Can review and decide queued content")]

    def __str__(self) -> str:
        return "moderation access"


# Labels keep the English of the first migrations, so translating them changes no schema.
class ItemStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("item status", "Pending")
    APPROVED = "approved", pgettext_lazy("item status", "Approved")
    REJECTED = "rejected", pgettext_lazy("item status", "Rejected")
    IN_REVIEW = "in_review", pgettext_lazy("item status", "in review")


class DecidedBy(models.TextChoices):
    MACHINE = "machine", _("Machine")
    MODERATOR = "moderator", _("Moderator")


class ItemKind(models.TextChoices):
    IMAGE = "image", _("Image")
    FEEDBACK = "feedback", _("Feedback")


class AuditSubject(models.TextChoices):
    """What an audit event is about: an item, the policy itself, or sign-in (lock-outs)."""

    IMAGE = ItemKind.IMAGE.value, _("Image")
    FEEDBACK = ItemKind.FEEDBACK.value, _("Feedback")
    POLICY = "policy", _("Policy")
    ACCOUNT = "account", _("Account")


class CategoryKind(models.TextChoices):
    IMAGE = "image", _("image label")
    TEXT = "text", _("text signal")


class Policy(models.Model):
    """One version of the confidence bands. Rows are never edited: a change is a new version."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    # Band for labels that have no row of their own (nor an ancestor with one).
    default_review_at = models.FloatField(_("default review at"), default=60)
    default_reject_at = models.FloatField(_("default reject at"), default=95)
    # Feedback whose top sentiment is less certain than this goes to review.
    sentiment_review_below = models.FloatField(_("sentiment review below"), default=80)
    # Rekognition's MinConfidence; empty: the lowest review_at of the enabled image bands.
    min_confidence = models.FloatField(_("minimum confidence"), null=True, blank=True)
    # Queue items waiting longer are highlighted; a moderator's claim lapses after this.
    review_sla_seconds = models.PositiveIntegerField(_("review SLA (seconds)"), default=4 * 3600)
    claim_ttl_seconds = models.PositiveIntegerField(_("claim length (seconds)"), default=600)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                name="policy_default_band_ordered",
                condition=Q(default_review_at__gte=0)
                & Q(default_review_at__lte=models.F("default_reject_at"))
                & Q(default_reject_at__lte=100),
            ),
            models.CheckConstraint(
                name="policy_sentiment_review_below_range",
                condition=Q(sentiment_review_below__gte=0) & Q(sentiment_review_below__lte=100),
            ),
            models.CheckConstraint(
                name="policy_min_confidence_range",
                condition=Q(min_confidence__isnull=True)
                | (Q(min_confidence__gte=0) & Q(min_confidence__lte=100)),
            ),
        ]

    def __str__(self) -> str:
        return gettext("policy v%(version)s") % {"version": self.version}

    def clean(self) -> None:
        validate_band(self.default_review_at, self.default_reject_at, prefix="default_")


class PolicyBand(models.Model):
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="bands", verbose_name=_("policy")
    )
    category = models.CharField(_("category"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CategoryKind.choices, default=CategoryKind.IMAGE
    )
    review_at = models.FloatField(_("review at"))
    reject_at = models.FloatField(_("reject at"))
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("policy band")
        verbose_name_plural = _("policy bands")
        ordering = ["kind", "category"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "category"], name="policyband_unique"),
            models.CheckConstraint(
                name="policyband_ordered",
                condition=Q(review_at__gte=0)
                & Q(review_at__lte=models.F("reject_at"))
                & Q(reject_at__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(category)s: review ≥ %(review_at)s, reject ≥ %(reject_at)s") % {
            "category": self.category,
            "review_at": self.review_at,
            "reject_at": self.reject_at,
        }

    def clean(self) -> None:
        validate_band(self.review_at, self.reject_at)


def validate_band(review_at: float | None, reject_at: float | None, *, prefix: str = "") -> None:
    """0 ≤ review_at ≤ reject_at ≤ 100, with the message on the field at fault."""
    errors: dict[str, str] = {}
    for name, value in (("review_at", review_at), ("reject_at", reject_at)):
        if value is not None and not 0 <= value <= 100:
            errors[prefix + name] = gettext(
                "%(field)s must be between 0 and 100 (a percentage)"
            ) % {"field": name}
    if not errors and review_at is not None and reject_at is not None and review_at > reject_at:
        errors[prefix + "reject_at"] = gettext("reject_at must be at least review_at")
    if errors:
        raise ValidationError(errors)


class AnalysedItem(models.Model):
    """What images and feedback share: a state, the machine's decision, the analysis lease."""

    KIND: ClassVar[ItemKind]

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
    # (moderation/liveness.py), or "" for a lease that only expires with time.
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


class ImageUpload(AnalysedItem):
    KIND = ItemKind.IMAGE

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


class ReviewItem(models.Model):
    """An item waiting for (or decided by) a human. Shared by images and feedback."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    image = models.OneToOneField(
        ImageUpload,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("image"),
    )
    feedback = models.OneToOneField(
        "feedback.Feedback",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("feedback"),
    )
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


class ReviewQueueCount(models.Model):
    """Open queue entries per kind and reason, changed in the same transactions as the entries
    (moderation/queue_counts.py), so the queue page reads a few rows instead of counting a
    million."""

    kind = models.CharField(max_length=10, choices=ItemKind.choices)
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


class UserPreference(models.Model):
    """What any user (submitter, moderator, admin) chose for themselves."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("user"),
    )
    # A code from settings.LANGUAGES; empty: no choice saved, the site's default applies.
    # No `choices` here: the list is a setting, and changing it must not need a migration.
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"


class AuditEvent(models.Model):
    """Every state change of every item: who, when, from, to, why, under which policy."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    item_kind = models.CharField(_("subject"), max_length=10, choices=AuditSubject.choices)
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
