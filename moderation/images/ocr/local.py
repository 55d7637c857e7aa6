"""Offline text reader: RapidOCR (PP-OCR detection, direction and recognition models on
onnxruntime, shipped inside the `rapidocr-onnxruntime` wheel: nothing is downloaded).

Chosen over Tesseract on the project's fixtures (docs/decisions.md): far fewer wrong characters
on photos, angled lines and low contrast, in about the same time.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from moderation.images.ocr.base import AnalyzerError, ImageSource, ImageText, TextLine

# The longest side text detection looks at: larger images are scaled down to it first.
DETECT_AT_MOST = 960
# RapidOCR scales any image with a longer side above this down to it before anything else
# (its `max_side_len`), and cuts the lines it recognises from that copy. A JPEG is decoded at
# the smallest libjpeg scale (1/2, 1/4, 1/8) that keeps this long side, so a 4000×3000 photo
# is not decoded, copied and flipped at full size only to be halved.
READ_AT_MOST = 2000


class LocalTextReader:
    name = "local-rapidocr"

    @cached_property
    def _engine(self) -> Any:
        # Loaded on first use and kept for the life of the worker process (~1 s to load).
        # One thread per model: Celery's prefork pool already runs one process per core.
        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]

        # Detection at the image's own size, a long side of at most DETECT_AT_MOST: PP-OCR's
        # default first scales the *short* side up to 736 px, which made a 640×480 photo cost
        # 370 ms instead of 150 ms (docs/BENCHMARKS.md, scenarios 2 and 10).
        return RapidOCR(
            intra_op_num_threads=1,
            inter_op_num_threads=1,
            det_limit_type="max",
            det_limit_side_len=DETECT_AT_MOST,
        )

    def warm_up(self) -> None:
        self._engine  # noqa: B018 - loads the models

    @cached_property
    def model_version(self) -> str:
        from importlib.metadata import version

        return f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')}"

    def read(self, source: ImageSource) -> ImageText:
        try:
            with Image.open(io.BytesIO(source.content)) as image:
                image.draft("RGB", _draft_size(image.size))  # a no-op but for JPEG
                # RapidOCR works on OpenCV's BGR arrays.
                pixels = np.asarray(image.convert("RGB"))[:, :, ::-1].copy()
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise AnalyzerError(f"image could not be decoded: {exc}") from exc
        result, _ = self._engine(pixels, return_word_box=True)
        minimum = float(settings.IMAGE_TEXT_MIN_CONFIDENCE)
        lines: list[TextLine] = []
        # Each row: [box, text, score (0–1), character boxes, characters, their scores], in
        # reading order.
        for row in result or []:
            text, confidence = str(row[1]), round(float(row[2]) * 100, 3)
            if len(row) >= 5 and len(row[3]) == len(row[4]):
                text = spaced(row[4], row[3])
            if text.strip() and confidence >= minimum:
                lines.append(TextLine(text=text, confidence=confidence))
        return ImageText(lines=tuple(lines), reader=self.name, model_version=self.model_version)


def _draft_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size to ask `Image.draft` for: the image's own shape with a long side of
    READ_AT_MOST (draft never goes below the size asked for, in either direction)."""
    width, height = size
    longest = max(width, height, 1)
    if longest <= READ_AT_MOST:
        return size
    return (
        max(1, width * READ_AT_MOST // longest),
        max(1, height * READ_AT_MOST // longest),
    )


# Between two capitals, a step from one character's centre to the next this many times the
# line's usual step is a dropped space.
SPACE_STEP = 1.45


def spaced(chars: Sequence[str], boxes: Sequence[Sequence[Sequence[float]]]) -> str:
    """The characters of a line with the spaces the recogniser dropped put back.

    PP-OCR's recogniser often runs words in capitals together ("IWILLKILL YOU"), which hides
    "kill you" from the text analysis. The character boxes it estimates are too uneven to
    measure gaps, but their centres step along the line at a steady pace within a word:
    measured along the line (angled text included), a step of SPACE_STEP times the median
    between two capitals is a space. Lower case is left as read: there the recogniser keeps
    its spaces, and "m" beside "i" would look like one."""
    if len(chars) < 3:
        return "".join(chars)
    centres = np.asarray(boxes, dtype=float).mean(axis=1)  # (n, 2)
    direction = centres[-1] - centres[0]
    length = float(np.hypot(*direction))
    if length == 0:
        return "".join(chars)
    along = centres @ (direction / length)
    steps = np.diff(along)
    usual = float(
        np.median(
            [step for i, step in enumerate(steps) if chars[i].strip() and chars[i + 1].strip()]
            or [0.0]
        )
    )
    out = [chars[0]]
    for index in range(1, len(chars)):
        previous, char = chars[index - 1], chars[index]
        if (
            usual > 0
            and previous.isupper()
            and char.isupper()
            and steps[index - 1] > SPACE_STEP * usual
        ):
            out.append(" ")
        out.append(char)
    return "".join(out)
