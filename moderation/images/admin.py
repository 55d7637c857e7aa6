from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.images import hashbank
from moderation.images.hashing import HashError, hash_normalise
from moderation.images.models import HashBankEntry, ImageUpload
from moderation.images.processing import ImageRejected, process_upload
from moderation.items.admin import ReadOnlyAdmin


@admin.register(ImageUpload)
class ImageUploadAdmin(ReadOnlyAdmin):
    list_display = ["id", "owner", "status", "decided_by", "policy_version", "created_at"]
    list_filter = ["status", "decided_by"]
    search_fields = ["id", "owner__username", "sha256", "pdq_hash"]
    exclude = ["analysis_token"]


class HashBankAddForm(forms.ModelForm):
    """A new entry from a PDQ hash (e.g. shared by another platform), an image file, or an
    image already uploaded here."""

    image = forms.ImageField(
        label=_("Image file"),
        required=False,
        help_text=_("Only its hash is kept: the file itself is not stored."),
    )

    class Meta:
        model = HashBankEntry
        fields = ["pdq_hash", "source_item", "reason", "note"]
        help_texts = {"pdq_hash": _("64 hexadecimal digits (PDQ, as ThreatExchange writes it).")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source, upload, given = data.get("source_item"), data.get("image"), data.get("pdq_hash")
        if sum(bool(x) for x in (source, upload, given)) != 1:
            raise ValidationError(
                gettext("Give exactly one of: a PDQ hash, an image file, or a source image.")
            )
        if not data.get("reason"):
            self.add_error("reason", gettext("Say why the image is known to be bad."))
        quality = None
        try:
            if given:
                given = hash_normalise(given)
            elif source:
                if not source.pdq_hash:
                    raise HashError(gettext("this image has no perceptual hash"))
                given, quality = source.pdq_hash, source.pdq_quality
            elif upload is not None:
                processed = process_upload(
                    upload,
                    size=upload.size or 0,
                    max_bytes=settings.MAX_UPLOAD_BYTES,
                    max_pixels=settings.MAX_IMAGE_PIXELS,
                )
                if processed.pdq is None:
                    raise HashError(processed.hash_error)
                given, quality = processed.pdq.hex, processed.pdq.quality
        except (HashError, ImageRejected) as exc:
            raise ValidationError(str(exc)) from exc
        data["pdq_hash"], data["pdq_quality"] = given, quality
        return data


@admin.register(HashBankEntry)
class HashBankEntryAdmin(admin.ModelAdmin):
    """Entries are added here or by rejections; only the note changes afterwards."""

    list_display = [
        "id",
        "short_hash",
        "pdq_quality",
        "source_item",
        "reason",
        "note",
        "added_by",
        "created_at",
    ]
    search_fields = ["pdq_hash", "reason", "note", "source_item__id"]
    raw_id_fields = ["source_item"]
    readonly_fields = [
        "pdq_hash",
        "pdq_quality",
        "source_item",
        "reason",
        "added_by",
        "created_at",
        "updated_at",
    ]
    fields = [
        "pdq_hash",
        "pdq_quality",
        "source_item",
        "reason",
        "note",
        "added_by",
        "created_at",
        "updated_at",
    ]

    @admin.display(description=_("PDQ hash"))
    def short_hash(self, entry: HashBankEntry) -> str:
        return f"{entry.pdq_hash[:16]}…"

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = HashBankAddForm
            kwargs["fields"] = ["pdq_hash", "image", "source_item", "reason", "note"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            self.fields
            if obj is not None
            else ["pdq_hash", "image", "source_item", "reason", "note"]
        )

    def save_model(self, request: HttpRequest, obj: HashBankEntry, form: Any, change: bool) -> None:
        if change:
            hashbank.hashbank_entry_annotate(entry=obj, note=form.cleaned_data["note"])
            return
        data = form.cleaned_data
        entry = hashbank.hashbank_entry_add(
            pdq_hash=data["pdq_hash"],
            quality=data.get("pdq_quality"),
            source_item=data.get("source_item"),
            reason=data["reason"],
            note=data.get("note", ""),
            added_by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = entry.pk

    def delete_model(self, request: HttpRequest, obj: HashBankEntry) -> None:
        hashbank.hashbank_entry_remove(entry=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HashBankEntry]) -> None:
        for entry in queryset:
            hashbank.hashbank_entry_remove(entry=entry)
