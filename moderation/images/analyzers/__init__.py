"""Image analyzers: one interface (base.py), one backend per MODERATION_BACKEND value."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from moderation.images.analyzers.base import ImageAnalyzer


@cache
def _analyzer(backend: str) -> ImageAnalyzer:
    if "." in backend:  # IMAGE_ANALYZER_CLASS
        return import_string(backend)()
    # Imported lazily: the local backend loads onnxruntime, the aws one boto3 clients.
    if backend == "aws":
        from moderation.images.analyzers.aws import RekognitionAnalyzer

        return RekognitionAnalyzer()
    from moderation.images.analyzers.local import LocalImageAnalyzer

    return LocalImageAnalyzer()


def get_image_analyzer() -> ImageAnalyzer:
    """The configured analyzer, built once per process (models and clients are costly)."""
    return _analyzer(settings.IMAGE_ANALYZER_CLASS or settings.MODERATION_BACKEND)
