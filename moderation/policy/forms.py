"""The admin's policy editor: the scalar settings and one row per category band."""

from __future__ import annotations

import hashlib
import json
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.policy.engine import Band, PolicySnapshot
from moderation.policy.models import (
    HASH_MATCH_MAX_DISTANCE,
    HashMatchAction,
    Policy,
    PolicyBand,
    validate_band,
)
from moderation.policy.taxonomy import (
    CATEGORY_KINDS,
    IMAGE_TEXT_SIGNALS,
    TEXT_SIGNALS,
    image_labels,
)


class PolicySettingsForm(forms.Form):
    default_review_at = forms.FloatField(label=_("Default review at %"), min_value=0, max_value=100)
    default_reject_at = forms.FloatField(label=_("Default reject at %"), min_value=0, max_value=100)
    sentiment_review_below = forms.FloatField(
        label=_("Sentiment review below %"), min_value=0, max_value=100
    )
    min_confidence = forms.FloatField(
        label=_("Rekognition MinConfidence %"),
        required=False,
        help_text=_("Empty: the lowest review threshold of the enabled image bands."),
        min_value=0,
        max_value=100,
    )
    review_sla_seconds = forms.IntegerField(label=_("Review SLA (seconds)"), min_value=60)
    claim_ttl_seconds = forms.IntegerField(label=_("Claim length (seconds)"), min_value=10)
    # Not required, so a form from before appeals still saves: empty keeps the current value.
    appeal_sla_seconds = forms.IntegerField(
        label=_("Appeal SLA (seconds)"),
        help_text=_("Open appeals waiting longer are highlighted in the appeals queue."),
        required=False,
        min_value=60,
    )
    hash_match_distance = forms.IntegerField(
        label=_("Hash bank match distance (bits of 256)"),
        help_text=_("31 matches re-encodes, resizes and light edits of a banned image."),
        required=False,
        min_value=0,
        max_value=HASH_MATCH_MAX_DISTANCE,
    )
    hash_match_action = forms.ChoiceField(
        label=_("On a hash bank match"), choices=HashMatchAction.choices, required=False
    )
    qa_sample_percent = forms.FloatField(
        label=_("QA sample %"),
        help_text=_(
            "Share of the machine's approvals, and of its rejections in bands without a share "
            "of their own, that moderators check afterwards."
        ),
        required=False,
        min_value=0,
        max_value=100,
    )
    # Not required for a preview; saving asks for it (require_comment).
    comment = forms.CharField(label=_("What changes and why"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        validate_band(
            data.get("default_review_at"), data.get("default_reject_at"), prefix="default_"
        )
        return data

    def require_comment(self) -> bool:
        """Saving needs a comment: the version list and the audit trail say why it changed."""
        if (self.cleaned_data.get("comment") or "").strip():
            return True
        self.add_error("comment", gettext("Say what changes and why before saving."))
        return False

    @classmethod
    def initial_from(cls, policy: Policy) -> dict[str, Any]:
        fields = [name for name in cls.base_fields if name != "comment"]
        return {name: getattr(policy, name) for name in fields}


def category_choices() -> list[tuple[Any, Any]]:
    """The known taxonomy, grouped: a band for any other name would never match."""
    return [
        ("", "—"),
        (_("Image labels (Rekognition)"), image_labels()),
        (_("Text signals (feedback)"), [(name, name) for name in TEXT_SIGNALS]),
        # A text band, so it never lowers Rekognition's MinConfidence (image labels set that).
        (_("Text in images"), [(name, name) for name in IMAGE_TEXT_SIGNALS]),
    ]


class BandForm(forms.Form):
    # The kind of band follows from the category (image label or text signal).
    category = forms.ChoiceField(
        label=_("Category"),
        choices=category_choices,
        error_messages={
            "invalid_choice": _("%(value)s is not a known category: choose one from the list.")
        },
    )
    review_at = forms.FloatField(label=_("Review at"), min_value=0, max_value=100)
    reject_at = forms.FloatField(label=_("Reject at"), min_value=0, max_value=100)
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    # Empty: the policy's QA sample share.
    qa_sample_percent = forms.FloatField(
        label=_("QA sample %"), required=False, min_value=0, max_value=100
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        validate_band(data.get("review_at"), data.get("reject_at"))
        return data


class BaseBandFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            category = form.cleaned_data.get("category") if form.is_valid() else None
            if not category or form.cleaned_data.get("DELETE"):
                continue
            if category in seen:
                raise ValidationError(
                    gettext("%(category)s has two bands; keep one.") % {"category": category}
                )
            seen.add(category)

    def bands(self) -> list[PolicyBand]:
        return [
            PolicyBand(
                **{name: form.cleaned_data[name] for name in BandForm.base_fields},
                kind=CATEGORY_KINDS[form.cleaned_data["category"]],
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


BandFormSet = cast(
    type[BaseBandFormSet],
    forms.formset_factory(BandForm, formset=BaseBandFormSet, extra=1, can_delete=True),
)


def band_initial(policy: Policy) -> list[dict[str, Any]]:
    return [
        {name: getattr(band, name) for name in BandForm.base_fields}
        for band in policy.bands.order_by("kind", "category")
    ]


def proposed_snapshot(settings_form: PolicySettingsForm, bands: list[PolicyBand]) -> PolicySnapshot:
    data = settings_form.cleaned_data
    return PolicySnapshot(
        version=0,
        bands={b.category: Band(b.review_at, b.reject_at, b.enabled, b.kind) for b in bands},
        default=Band(data["default_review_at"], data["default_reject_at"]),
        sentiment_review_below=data["sentiment_review_below"],
        min_confidence_override=data["min_confidence"],
        # Left empty, they keep the current version's; replay does not look at them.
        hash_match_distance=data.get("hash_match_distance") or 0,
        hash_match_action=data.get("hash_match_action") or HashMatchAction.REJECT,
    )


class SaveCheckForm(forms.Form):
    """What a save needs besides a valid proposal: a preview of this very proposal, or the
    admin's word that they save it unseen."""

    previewed = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm_unpreviewed = forms.BooleanField(
        label=_("Save without a preview"),
        required=False,
        help_text=_("Only if you are sure: nobody will have seen what this version changes."),
    )

    def allows(self, fingerprint: str) -> bool:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("previewed") == fingerprint or bool(data.get("confirm_unpreviewed"))


def proposal_fingerprint(settings_form: PolicySettingsForm, bands: list[PolicyBand]) -> str:
    """Names one proposal (settings and bands, not the comment): a preview of it allows its save,
    and any change after the preview asks for a new one."""
    data = {k: v for k, v in settings_form.cleaned_data.items() if k != "comment"}
    rows = sorted(
        (b.category, b.review_at, b.reject_at, b.enabled, b.qa_sample_percent) for b in bands
    )
    text = json.dumps([sorted(data.items()), rows], default=str)
    return hashlib.sha256(text.encode()).hexdigest()
