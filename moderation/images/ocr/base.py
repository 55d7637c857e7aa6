"""What every text reader (OCR) takes and returns. Nothing past this module sees a raw boto dict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from moderation.images.analyzers.base import AnalyzerError, ImageSource, TransientAnalyzerError

__all__ = [
    "AnalyzerError",
    "ImageSource",
    "ImageText",
    "TextLine",
    "TextReader",
    "TransientAnalyzerError",
]


@dataclass(frozen=True)
class TextLine:
    text: str
    confidence: float  # 0–100


@dataclass(frozen=True)
class ImageText:
    lines: tuple[TextLine, ...]  # top to bottom, as read
    reader: str  # "aws-rekognition-text", "local-rapidocr"
    model_version: str
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The lines read, one per line of the result."""
        return "\n".join(line.text for line in self.lines if line.text.strip())


class TextReader(Protocol):
    name: str

    def read(self, source: ImageSource) -> ImageText:
        """Lines of text with confidence ≥ the reader's minimum. Raises AnalyzerError
        (final) or TransientAnalyzerError (retry later)."""
        ...
