"""Failures the pipeline tells apart: final ones send the item to a person, transient ones are
retried with backoff."""

from __future__ import annotations


class AnalyzerError(Exception):
    """Analysis failed for good (bad image, access denied, …): the item goes to human review."""


class TransientAnalyzerError(AnalyzerError):
    """Throttling or a connection problem: worth retrying later with backoff."""


class StorageError(Exception):
    """A file could not be written, copied or deleted: worth retrying later."""
