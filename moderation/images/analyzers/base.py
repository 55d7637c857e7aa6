"""What every image analyzer takes and returns. Nothing past this module sees a raw boto dict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from moderation.items.errors import AnalyzerError, TransientAnalyzerError
from moderation.policy.labels import ModerationLabel

__all__ = [
    "AnalyzerError",
    "ImageAnalysis",
    "ImageAnalyzer",
    "ImageSource",
    "ModerationLabel",
    "TransientAnalyzerError",
]


@dataclass(frozen=True)
class ImageAnalysis:
    labels: tuple[ModerationLabel, ...]
    analyzer: str  # e.g. "aws-rekognition", "local-open-nsfw"
    model_version: str  # as reported by the service, or the local model's package version
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ImageSource:
    """A stored image, as an analyzer may read it."""

    key: str  # storage name, e.g. "quarantine/<uuid>.jpg"
    content: bytes  # the stored (re-encoded) bytes
    content_type: str  # "image/jpeg" or "image/png"
    s3_bucket: str | None = None  # set when `key` lives in S3: the service can read it there
    width: int = 0  # the stored image's size as the upload recorded it; 0 when not known
    height: int = 0


class ImageAnalyzer(Protocol):
    name: str

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        """Labels with confidence ≥ min_confidence (0–100). Raises AnalyzerError subclasses."""
        ...
