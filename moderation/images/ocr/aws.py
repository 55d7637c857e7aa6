"""Text inside images by Amazon Rekognition's DetectText."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from moderation.images.analyzers.aws import _image_param
from moderation.images.ocr.base import ImageSource, ImageText, TextLine
from moderation.items.boto import aws_client, translated_errors


class RekognitionTextReader:
    name = "aws-rekognition-text"

    def __init__(self, client: Any | None = None) -> None:
        self.client: Any = client if client is not None else aws_client("rekognition")

    def read(self, source: ImageSource) -> ImageText:
        image, sent_as = _image_param(source)
        # Words below the minimum are dropped by the service, not fetched and ignored here.
        params: dict[str, Any] = {
            "Image": image,
            "Filters": {"WordFilter": {"MinConfidence": float(settings.IMAGE_TEXT_MIN_CONFIDENCE)}},
        }
        with translated_errors("Rekognition", "the image"):
            response = self.client.detect_text(**params)
        return self._text(response, sent_as)

    def _text(self, response: Mapping[str, Any], sent_as: str) -> ImageText:
        # Rekognition gives each LINE and each WORD; the lines are the words already joined.
        lines = tuple(
            TextLine(text=str(item["DetectedText"]), confidence=float(item.get("Confidence", 0)))
            for item in response.get("TextDetections", [])
            if item.get("Type") == "LINE" and item.get("DetectedText")
        )
        return ImageText(
            lines=lines,
            reader=self.name,
            model_version=str(response.get("TextModelVersion", "")),
            extra={"sent_as": sent_as},
        )
