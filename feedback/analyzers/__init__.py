"""Text analyzers: one interface (base.py), one backend per MODERATION_BACKEND value."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from feedback.analyzers.base import TextAnalyzer


@cache
def _analyzer(backend: str) -> TextAnalyzer:
    # Imported lazily: the local backend loads its models, the aws one boto3 clients.
    if backend == "aws":
        from feedback.analyzers.aws import ComprehendAnalyzer

        return ComprehendAnalyzer()
    from feedback.analyzers.local import LocalTextAnalyzer

    return LocalTextAnalyzer()


def get_text_analyzer() -> TextAnalyzer:
    """The configured analyzer, built once per process."""
    return _analyzer(settings.MODERATION_BACKEND)
