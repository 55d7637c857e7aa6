"""What every image analyzer takes and returns. Nothing past this module sees a raw boto dict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class ModerationLabel:
    """One moderation label. `confidence` is a percentage, 0–100."""

    name: str
    confidence: float
    parent: str = ""  # "" for a top-level category

    def as_dict(self) -> dict[str, object]:
        # NaN or infinity cannot be stored as JSON; the policy sends such a label to review.
        finite = isinstance(self.confidence, int | float) and math.isfinite(self.confidence)
        confidence = self.confidence if finite else None
        return {"name": self.name, "parent": self.parent or None, "confidence": confidence}


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


class AnalyzerError(Exception):
    """Analysis failed for good (bad image, access denied, …): the item goes to human review."""


class TransientAnalyzerError(AnalyzerError):
    """Throttling or a connection problem: worth retrying later with backoff."""


class ImageAnalyzer(Protocol):
    name: str

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        """Labels with confidence ≥ min_confidence (0–100). Raises AnalyzerError subclasses."""
        ...
