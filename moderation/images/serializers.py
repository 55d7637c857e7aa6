from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from moderation.appeals.serializers import AppealFields
from moderation.images.models import ImageUpload
from moderation.items.serializers import ReasonSerializer
from moderation.review.disclosure import DecisionFields


class LabelSerializer(serializers.Serializer[dict[str, object]]):
    name = serializers.CharField()
    parent = serializers.CharField(allow_null=True)  # type: ignore[assignment]
    confidence = serializers.FloatField()


class ImageCreatedSerializer(serializers.ModelSerializer[ImageUpload]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ImageUpload
        fields = ["id", "status", "url"]

    def get_url(self, image: ImageUpload) -> str:
        return reverse("api-image-detail", args=[image.id])


class ImageSerializer(DecisionFields, AppealFields, serializers.ModelSerializer[ImageUpload]):
    decided_by = serializers.SerializerMethodField()
    labels = LabelSerializer(many=True)
    reasons = ReasonSerializer(many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ImageUpload
        fields = [
            "id", "status", "created_at", "decided_at", "decided_by", "decided_by_name",
            "decision_reason", "labels", "reasons", "url", "appeal",
        ]  # fmt: skip

    def get_decided_by(self, image: ImageUpload) -> str | None:
        return image.decided_by or None

    def get_url(self, image: ImageUpload) -> str:
        return reverse("api-image-detail", args=[image.id])


@extend_schema_field(OpenApiTypes.BINARY)
class ImageFileField(serializers.FileField):
    """A file part, described as binary (not as a URL) so clients and fuzzers send bytes."""


class UploadSerializer(serializers.Serializer[dict[str, object]]):
    # Emptiness and everything else about the content is judged by decoding it.
    image = ImageFileField(allow_empty_file=True)
