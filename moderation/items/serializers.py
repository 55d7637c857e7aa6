"""How the API shows what every item has: the reasons of its decision."""

from __future__ import annotations

from rest_framework import serializers


class ReasonSerializer(serializers.Serializer[dict[str, object]]):
    label = serializers.CharField()  # type: ignore[assignment]
    confidence = serializers.FloatField(allow_null=True)
    band = serializers.CharField()
    threshold = serializers.FloatField(allow_null=True, required=False)
    category = serializers.CharField(allow_null=True, required=False)
    error = serializers.CharField(required=False)
