"""Text inside images: one interface (base.py), one reader per MODERATION_BACKEND value."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from moderation.images.ocr.base import TextReader


@cache
def _reader(backend: str) -> TextReader:
    if "." in backend:  # IMAGE_TEXT_READER_CLASS
        return import_string(backend)()
    # Imported lazily: the local reader loads onnxruntime models, the aws one a boto3 client.
    if backend == "aws":
        from moderation.images.ocr.aws import RekognitionTextReader

        return RekognitionTextReader()
    from moderation.images.ocr.local import LocalTextReader

    return LocalTextReader()


def get_text_reader() -> TextReader | None:
    """The configured reader, built once per process; None when IMAGE_TEXT_ENABLED is off."""
    if not settings.IMAGE_TEXT_ENABLED:
        return None
    return _reader(settings.IMAGE_TEXT_READER_CLASS or settings.MODERATION_BACKEND)
