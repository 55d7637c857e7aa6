"""Cutting text into pieces that fit a byte budget of UTF-8, where a reader would cut it."""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata

# Where a sentence ends: the whitespace after western end punctuation (and closing quotes or
# brackets), whatever follows CJK end punctuation, and line breaks.
_SENTENCE_GAP = re.compile(
    r"[.!?…]+[\"'”’»)\]]*(?P<western>\s+)"
    r"|[。！？]+[\"'”’」』）)\]]*(?P<cjk>\s*)"
    r"|(?P<newline>\n\s*)"
)
_WORD_GAP = re.compile(r"\s+")
# Cutting before one of these would split what a reader sees as one character.
_JOINERS = frozenset({"\u200d", "\ufe0e", "\ufe0f"})


def _utf8_len(char: str) -> int:
    point = ord(char)
    return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4


def utf8_size(text: str) -> int:
    return sum(_utf8_len(char) for char in text)


def _byte_offsets(text: str) -> list[int]:
    """offsets[i] is the UTF-8 size of text[:i]; one entry more than the text has characters."""
    return [0, *itertools.accumulate(_utf8_len(char) for char in text)]


def utf8_prefix(text: str, max_bytes: int) -> str:
    """The longest start of `text` within max_bytes of UTF-8, ending on a character."""
    offsets = _byte_offsets(text)
    return text[: bisect.bisect_right(offsets, max_bytes) - 1]


def _gaps(pattern: re.Pattern[str], text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the places where `text` may be cut, in order."""
    starts: list[int] = []
    ends: list[int] = []
    for match in pattern.finditer(text):
        group = match.lastgroup
        starts.append(match.start(group) if group else match.start())
        ends.append(match.end(group) if group else match.end())
    return starts, ends


def _cut_at_gap(gaps: tuple[list[int], list[int]], start: int, limit: int) -> int | None:
    """The furthest cut inside a gap that keeps text[start:cut] non-empty and within limit."""
    starts, ends = gaps
    index = bisect.bisect_right(starts, limit) - 1
    if index < 0 or starts[index] <= start:
        return None
    # Whitespace goes with the chunk before it, as much as fits.
    return min(ends[index], limit)


def _cut_at_character(text: str, start: int, limit: int) -> int:
    cut = limit
    # Step back over combining marks and joiners so an accent or emoji sequence stays whole.
    while cut - 1 > start and (
        unicodedata.combining(text[cut]) or text[cut] in _JOINERS or text[cut - 1] in _JOINERS
    ):
        cut -= 1
    return cut


def chunk_spans(text: str, max_bytes: int) -> list[tuple[int, int]]:
    """(start, end) slices of `text`, each within max_bytes of UTF-8, cut after a sentence if
    one fits, else between words, else between characters. The slices are contiguous:
    joined, they are `text` exactly (whitespace at a cut stays with the chunk before it)."""
    offsets = _byte_offsets(text)
    if offsets[-1] <= max_bytes:
        return [(0, len(text))] if text else []
    sentences = _gaps(_SENTENCE_GAP, text)
    words = _gaps(_WORD_GAP, text)
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        # The furthest character end within the byte budget: never inside a character.
        limit = bisect.bisect_right(offsets, offsets[start] + max_bytes) - 1
        if limit >= len(text):
            end = len(text)
        else:
            end = (
                _cut_at_gap(sentences, start, limit)
                or _cut_at_gap(words, start, limit)
                or _cut_at_character(text, start, limit)
            )
        spans.append((start, end))
        start = end
    return spans


def utf8_chunks(text: str, max_bytes: int) -> list[str]:
    return [text[start:end] for start, end in chunk_spans(text, max_bytes)]
