"""Image moderation by Amazon Rekognition's DetectModerationLabels."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from PIL import Image

from moderation.images.analyzers.base import (
    AnalyzerError,
    ImageAnalysis,
    ImageSource,
    ModerationLabel,
)
from moderation.items.boto import aws_client, translated_errors

# Rekognition's limits: inline bytes (from the service model) and objects it reads from S3.
MAX_IMAGE_BYTES = 5_242_880
MAX_S3_OBJECT_BYTES = 15 * 1024 * 1024

_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_QUALITIES = (90, 80, 70, 60)


class RekognitionAnalyzer:
    name = "aws-rekognition"

    def __init__(self, client: Any | None = None) -> None:
        self.client: Any = client if client is not None else aws_client("rekognition")

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        image, sent_as = _image_param(source)
        params: dict[str, Any] = {"Image": image, "MinConfidence": float(min_confidence)}
        if settings.REKOGNITION_PROJECT_VERSION:
            params["ProjectVersion"] = settings.REKOGNITION_PROJECT_VERSION
        with translated_errors("Rekognition", "the image"):
            response = self.client.detect_moderation_labels(**params)
        return self._analysis(response, sent_as)

    def _analysis(self, response: Mapping[str, Any], sent_as: str) -> ImageAnalysis:
        labels = tuple(
            ModerationLabel(
                name=item["Name"],
                confidence=float(item.get("Confidence", 0.0)),
                parent=item.get("ParentName") or "",
            )
            for item in response.get("ModerationLabels", [])
            # Rekognition can answer with nameless labels; they carry nothing to act on.
            if item.get("Name")
        )
        extra: dict[str, object] = {"sent_as": sent_as}
        content_types = [
            {"name": item["Name"], "confidence": float(item.get("Confidence", 0.0))}
            for item in response.get("ContentTypes", [])
            if item.get("Name")
        ]
        if content_types:
            extra["content_types"] = content_types
        model_version = str(response.get("ModerationModelVersion", ""))
        if adapter := response.get("ProjectVersion"):
            # The adapter's labels are what we act on; keep the base model for the record.
            extra["base_model_version"] = model_version
            model_version = str(adapter)
        return ImageAnalysis(
            labels=labels, analyzer=self.name, model_version=model_version, extra=extra
        )


def _image_param(source: ImageSource) -> tuple[dict[str, Any], str]:
    """The `Image` parameter, and how the image was sent (for the record)."""
    if source.s3_bucket and len(source.content) <= MAX_S3_OBJECT_BYTES:
        # Rekognition reads the object itself: no upload of the bytes from here, and no
        # decoding here either, whatever its size (docs/decisions.md).
        return {"S3Object": {"Bucket": source.s3_bucket, "Name": source.key}}, "s3"
    content = source.content
    largest = settings.REKOGNITION_MAX_IMAGE_SIDE
    if largest and _longer_side(source) > largest:
        # More pixels than the service needs: one smaller copy, decoded at a fraction of the
        # size where the format allows, resized once and encoded once, well within the limit.
        return {"Bytes": _downscaled(content, largest)}, "bytes-downscaled"
    # Sniffed rather than trusting content_type: Rekognition decodes the bytes, not the label.
    if len(content) <= MAX_IMAGE_BYTES and content.startswith((_JPEG_MAGIC, _PNG_MAGIC)):
        return {"Bytes": content}, "bytes"
    return {"Bytes": _reencode(content)}, "bytes-reencoded"


def _longer_side(source: ImageSource) -> int:
    if source.width and source.height:  # as the upload recorded them
        return max(source.width, source.height)
    try:
        with Image.open(io.BytesIO(source.content)) as image:  # the header only
            return max(image.size)
    except (OSError, Image.DecompressionBombError):
        return 0  # undecodable: the paths below say so


def _downscaled(content: bytes, largest: int) -> bytes:
    try:
        with Image.open(io.BytesIO(content)) as original:
            original.draft("RGB", (largest, largest))  # JPEG: decode at 1/2, 1/4 or 1/8
            image = original.convert("RGB")
    except (OSError, Image.DecompressionBombError) as exc:
        raise AnalyzerError(f"Cannot downscale the image for Rekognition: {exc}") from exc
    image.thumbnail((largest, largest), Image.Resampling.LANCZOS)
    data = _jpeg(image, _JPEG_QUALITIES[0])
    # 8-bit RGB at REKOGNITION_MAX_IMAGE_SIDE's default fits at this quality even as noise;
    # a larger setting may not.
    return data if len(data) <= MAX_IMAGE_BYTES else _reencode(data)


def _reencode(content: bytes) -> bytes:
    """A JPEG within MAX_IMAGE_BYTES: lower quality first, fewer pixels only if that fails."""
    try:
        with Image.open(io.BytesIO(content)) as original:
            image = original.convert("RGB")
    except (OSError, Image.DecompressionBombError) as exc:
        raise AnalyzerError(f"Cannot re-encode the image for Rekognition: {exc}") from exc
    for quality in _JPEG_QUALITIES:
        data = _jpeg(image, quality)
        if len(data) <= MAX_IMAGE_BYTES:
            return data
    while True:
        # Encoded size scales roughly with pixel count; the 0.9 cap guarantees progress.
        scale = min(0.9, (MAX_IMAGE_BYTES / len(data)) ** 0.5)
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
        data = _jpeg(image, _JPEG_QUALITIES[-1])
        if len(data) <= MAX_IMAGE_BYTES:
            return data


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
