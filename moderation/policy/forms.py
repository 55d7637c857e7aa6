"""The admin's policy editor: the scalar settings and one row per category band."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.policy.engine import Band, PolicySnapshot
from moderation.policy.models import CategoryKind, Policy, PolicyBand, validate_band
from moderation.policy.taxonomy import (
    IMAGE_TEXT_PREFIX,
    IMAGE_TEXT_SIGNALS,
    PARENTS,
    TEXT_SIGNALS,
    TOP_LEVEL,
)

# Offered as the editor types a category (a datalist): every name an analyzer reports.
KNOWN_CATEGORIES: tuple[str, ...] = (*TOP_LEVEL, *PARENTS, *TEXT_SIGNALS, *IMAGE_TEXT_SIGNALS)


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
    comment = forms.CharField(label=_("What changes and why"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        validate_band(
            data.get("default_review_at"), data.get("default_reject_at"), prefix="default_"
        )
        return data

    @classmethod
    def initial_from(cls, policy: Policy) -> dict[str, Any]:
        fields = [name for name in cls.base_fields if name != "comment"]
        return {name: getattr(policy, name) for name in fields}


class BandForm(forms.Form):
    category = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"list": "known-categories"})
    )
    # With an initial value, the blank row for a new band counts as untouched until typed in.
    kind = forms.ChoiceField(choices=CategoryKind.choices, initial=CategoryKind.IMAGE)
    review_at = forms.FloatField(min_value=0, max_value=100)
    reject_at = forms.FloatField(min_value=0, max_value=100)
    enabled = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        validate_band(data.get("review_at"), data.get("reject_at"))
        if str(data.get("category") or "").startswith(IMAGE_TEXT_PREFIX):
            # Text read off an image is a text signal, whatever kind was picked: it must not
            # lower Rekognition's MinConfidence, which only image labels set.
            data["kind"] = CategoryKind.TEXT
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
            PolicyBand(**{name: form.cleaned_data[name] for name in BandForm.base_fields})
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
    )
