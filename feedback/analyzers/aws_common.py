"""What the Comprehend analyzer and its translation step share: pieces of text as sent,
call counts, and Comprehend's responses mapped onto the analyzer's result types."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from feedback.analyzers.base import AnalyzerError, Entity, SentimentScores, TransientAnalyzerError
from feedback.chunking import chunk_spans
from feedback.languages import iso639_1, norwegian_variant
from moderation.items.boto import is_transient

UNKNOWN_LANGUAGE = "und"

# Batch ErrorList codes are free-form strings; these fragments mark the retryable ones.
_TRANSIENT_ITEM_CODE_PARTS = ("throttl", "toomanyrequests", "internalserver", "unavailable")

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Piece:
    """Part of one input text, as sent in a call."""

    owner: int  # index of the text in the caller's list
    start: int  # index in that text where this piece begins
    text: str


@dataclass
class Calls:
    """Paid calls made so far for one analysis (or one backlog batch)."""

    count: int = 0


# -- mapping responses -----------------------------------------------------------------------


def top_language(languages: Sequence[Mapping[str, Any]]) -> tuple[str, float]:
    if not languages:
        return UNKNOWN_LANGUAGE, 0.0
    top = max(languages, key=lambda item: item.get("Score", 0.0))
    return str(top.get("LanguageCode", UNKNOWN_LANGUAGE)), float(top.get("Score", 0.0)) * 100


def product_language(code: str, text: str) -> str:
    """Comprehend's language code as the product reports it (ISO 639-1). Comprehend has one
    Norwegian, `no`; which of the two written forms the text is in is read from its words."""
    if code.lower() == "no":
        return norwegian_variant(text)
    return iso639_1(code)


def sentiment_scores(score: Mapping[str, Any]) -> SentimentScores:
    return SentimentScores(
        positive=float(score.get("Positive", 0.0)) * 100,
        negative=float(score.get("Negative", 0.0)) * 100,
        neutral=float(score.get("Neutral", 0.0)) * 100,
        mixed=float(score.get("Mixed", 0.0)) * 100,
    )


def combined_sentiment(
    pieces: Sequence[Piece], results: Sequence[Mapping[str, Any] | None]
) -> dict[int, SentimentScores]:
    """Per text, its chunks' scores averaged with each chunk weighted by its length in
    characters: a long chunk says more about the whole than a short one."""
    sums: dict[int, list[float]] = {}
    weights: dict[int, int] = {}
    for piece, result in zip(pieces, results, strict=True):
        if result is None:
            continue
        scores = sentiment_scores(result.get("SentimentScore", {}))
        weight = len(piece.text)
        total = sums.setdefault(piece.owner, [0.0, 0.0, 0.0, 0.0])
        for index, value in enumerate(
            (scores.positive, scores.negative, scores.neutral, scores.mixed)
        ):
            total[index] += value * weight
        weights[piece.owner] = weights.get(piece.owner, 0) + weight
    return {
        owner: SentimentScores(*(value / weights[owner] for value in total))
        for owner, total in sums.items()
    }


def key_phrases_of(response: Mapping[str, Any]) -> list[str]:
    return [item["Text"] for item in response.get("KeyPhrases", []) if item.get("Text")]


def entities_of(response: Mapping[str, Any]) -> list[Entity]:
    return [
        Entity(
            text=item["Text"],
            type=item.get("Type", "OTHER"),
            confidence=float(item.get("Score", 0.0)) * 100,
        )
        for item in response.get("Entities", [])
        if item.get("Text")
    ]


def prorate(total: int, count: int) -> list[int]:
    """Whole numbers of calls summing to `total`, as even as can be (largest remainder; the
    earlier texts take the odd calls), so that summing api_calls over a batch counts each
    call once."""
    if count == 0:
        return []
    base, extra = divmod(total, count)
    return [base + (1 if index < extra else 0) for index in range(count)]


# -- errors ------------------------------------------------------------------------------------


def item_error(operation: str, item: Mapping[str, Any]) -> AnalyzerError:
    code = str(item.get("ErrorCode", "Unknown"))
    message = item.get("ErrorMessage", "")
    normalized = re.sub(r"[^a-z0-9]", "", code.lower())
    transient = any(part in normalized for part in _TRANSIENT_ITEM_CODE_PARTS) or (
        normalized.isdigit() and is_transient("", int(normalized))
    )
    kind = TransientAnalyzerError if transient else AnalyzerError
    return kind(f"Comprehend {operation} failed for this text: {code}: {message}")


def raise_first(errors: Mapping[int, AnalyzerError]) -> None:
    for error in errors.values():
        raise error


# -- text and UTF-8 chunking -------------------------------------------------------------------


def require_text(text: str) -> str:
    if not text.strip():
        raise AnalyzerError("There is no text to analyse.")
    # A lone surrogate (from JSON "\ud83d", say) cannot be encoded as UTF-8. One U+FFFD per
    # surrogate keeps every index, so offsets still point into the caller's string.
    return _LONE_SURROGATE.sub("\ufffd", text)


def text_pieces(owner: int, text: str, max_bytes: int) -> list[Piece]:
    # Whitespace-only slices carry nothing to judge, and the service wants real text.
    return [
        Piece(owner, start, text[start:end])
        for start, end in chunk_spans(text, max_bytes)
        if text[start:end].strip()
    ]


def pieces_of(texts: Mapping[int, str], owners: Iterable[int], max_bytes: int) -> list[Piece]:
    return [piece for owner in owners for piece in text_pieces(owner, texts[owner], max_bytes)]
