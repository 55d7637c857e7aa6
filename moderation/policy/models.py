"""The policy's versions and bands. Rows are never edited: every change is a new version."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CategoryKind(models.TextChoices):
    IMAGE = "image", _("image label")
    TEXT = "text", _("text signal")


class HashMatchAction(models.TextChoices):
    """What an upload near a known-bad image (the hash bank) gets."""

    REJECT = "reject", _("reject")
    REVIEW = "review", _("send to review")
    OFF = "off", _("ignore the hash bank")


# The hash bank's index answers up to this distance (of 256 bits); see images/hashing.py.
HASH_MATCH_MAX_DISTANCE = 47


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
    # Open appeals waiting longer are highlighted in the appeals queue.
    appeal_sla_seconds = models.PositiveIntegerField(_("appeal SLA (seconds)"), default=24 * 3600)
    # An upload whose PDQ hash is at most this many bits (of 256) from a hash bank entry
    # matches it; what then happens is hash_match_action.
    hash_match_distance = models.PositiveSmallIntegerField(
        _("hash match distance (bits)"), default=31
    )
    hash_match_action = models.CharField(
        _("on a hash bank match"),
        max_length=10,
        choices=HashMatchAction.choices,
        default=HashMatchAction.REJECT,
    )
    # The share of the machine's final decisions that moderators check afterwards (moderation/
    # qa/): clean approvals, and rejections in categories whose band sets no share of its own.
    qa_sample_percent = models.FloatField(_("QA sample (%)"), default=2)

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
                name="policy_hash_match_distance_range",
                condition=Q(hash_match_distance__lte=HASH_MATCH_MAX_DISTANCE),
            ),
            models.CheckConstraint(
                name="policy_min_confidence_range",
                condition=Q(min_confidence__isnull=True)
                | (Q(min_confidence__gte=0) & Q(min_confidence__lte=100)),
            ),
            models.CheckConstraint(
                name="policy_qa_sample_percent_range",
                condition=Q(qa_sample_percent__gte=0) & Q(qa_sample_percent__lte=100),
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
    # The share of the machine's decisions in this category that go to QA; empty: the policy's.
    qa_sample_percent = models.FloatField(_("QA sample (%)"), null=True, blank=True)

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
            models.CheckConstraint(
                name="policyband_qa_sample_percent_range",
                condition=Q(qa_sample_percent__isnull=True)
                | (Q(qa_sample_percent__gte=0) & Q(qa_sample_percent__lte=100)),
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
