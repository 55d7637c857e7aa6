"""Feedback text analysis by Amazon Comprehend.

Limits come from the Comprehend service model shipped with botocore (2017-11-27) and its API
reference. They are stated in "KB" of UTF-8 without saying whether a KB is 1,000 or 1,024
bytes, so every limit here uses the smaller reading: it is within the limit either way.

Offsets: Comprehend's BeginOffset/EndOffset count characters, not bytes — the API reference
says "the offset returns the position of each UTF-8 code point in the string … a multi-byte
UTF-8 character maps to a single code point". Python strings are indexed by code point too, so
an offset maps to a Python index unchanged; only the start of the chunk it came from is added.
EndOffset is exclusive (the service's examples give text[begin:end] == the entity).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from feedback.analyzers.base import (
    AnalyzerError,
    Entity,
    PiiEntity,
    SentimentScores,
    TextAnalysis,
    ToxicityLabel,
    TransientAnalyzerError,
)
from feedback.chunking import chunk_spans, utf8_prefix, utf8_size
from moderation.analyzers.boto import aws_client, is_transient, translated_errors

# DetectDominantLanguage: "The maximum string size is 100 KB."
LANGUAGE_TEXT_BYTES = 100_000
# DetectPiiEntities, DetectKeyPhrases, DetectEntities: 100 KB each.
DOCUMENT_BYTES = 100_000
# DetectSentiment, and each document of every Batch* call (language detection included): 5 KB.
BATCH_DOCUMENT_BYTES = 5_000
BATCH_DOCUMENTS = 25
# DetectToxicContent: up to 10 segments of 1 KB each, at most 10 KB in all (10 × 1,000 fits).
TOXIC_SEGMENT_BYTES = 1_000
TOXIC_SEGMENTS = 10

# The LanguageCode enum of the service model: sentiment, key phrases and entities.
SUPPORTED_LANGUAGES = frozenset(
    {"en", "es", "fr", "de", "it", "pt", "ar", "hi", "ja", "ko", "zh", "zh-TW"}
)
# DetectPiiEntities: "Enter the language code for English (en) or Spanish (es)."
PII_LANGUAGES = frozenset({"en", "es"})
# DetectToxicContent: "Currently, English is the only supported language."
TOXICITY_LANGUAGES = frozenset({"en"})

# Batch ErrorList codes are free-form strings; these fragments mark the retryable ones.
_TRANSIENT_ITEM_CODE_PARTS = ("throttl", "toomanyrequests", "internalserver", "unavailable")

UNKNOWN_LANGUAGE = "und"
TOXICITY = "TOXICITY"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class _Piece:
    """Part of one input text, as sent in a call."""

    owner: int  # index of the text in the caller's list
    start: int  # index in that text where this piece begins
    text: str


@dataclass
class _Calls:
    count: int = 0


class ComprehendAnalyzer:
    name = "aws-comprehend"

    def __init__(self, client: Any | None = None) -> None:
        if client is None:
            client = aws_client("comprehend")
        self.client: Any = client
        # Comprehend reports no model version; the API version is the stable thing we know.
        service_model = getattr(getattr(client, "meta", None), "service_model", None)
        api_version = getattr(service_model, "api_version", "")
        self.model_version = f"comprehend-{api_version}" if api_version else "comprehend"

    # -- one text ------------------------------------------------------------------------

    def analyze(self, text: str) -> TextAnalysis:
        text = _require_text(text)
        calls = _Calls()
        sample = utf8_prefix(text, LANGUAGE_TEXT_BYTES)
        response = self._call("detect_dominant_language", calls, Text=sample)
        language, confidence = _top_language(response.get("Languages", []))
        extra: dict[str, object] = {"language_sample_truncated": len(sample) < len(text)}
        if language not in SUPPORTED_LANGUAGES:
            return self._unsupported(language, confidence, calls.count, extra)

        scores, chunks = self._sentiment(text, language, calls)
        extra["sentiment_chunks"] = chunks
        toxicity: tuple[ToxicityLabel, ...] = ()
        if language in TOXICITY_LANGUAGES:
            toxicity, extra["toxicity_segments"] = self._toxicity_of_one(text, calls)
        pii = self._pii(text, language, calls) if language in PII_LANGUAGES else ()
        key_phrases, entities = self._phrases_and_entities(text, language, calls)
        return TextAnalysis(
            language=language,
            language_confidence=confidence,
            language_supported=True,
            scores=scores,
            toxicity=toxicity,
            pii=pii,
            key_phrases=key_phrases,
            entities=entities,
            analyzer=self.name,
            model_version=self.model_version,
            api_calls=calls.count,
            extra=extra,
        )

    def _sentiment(self, text: str, language: str, calls: _Calls) -> tuple[SentimentScores, int]:
        if utf8_size(text) <= BATCH_DOCUMENT_BYTES:
            response = self._call("detect_sentiment", calls, Text=text, LanguageCode=language)
            return _scores(response.get("SentimentScore", {})), 1
        pieces = _pieces(0, text, BATCH_DOCUMENT_BYTES)
        errors: dict[int, AnalyzerError] = {}
        results = self._batch("batch_detect_sentiment", pieces, calls, errors, language)
        _raise_first(errors)
        return _combined_sentiment(pieces, results)[0], len(pieces)

    def _toxicity_of_one(self, text: str, calls: _Calls) -> tuple[tuple[ToxicityLabel, ...], int]:
        pieces = _pieces(0, text, TOXIC_SEGMENT_BYTES)
        errors: dict[int, AnalyzerError] = {}
        labels = self._toxicity(pieces, calls, errors)
        _raise_first(errors)
        return labels.get(0, ()), len(pieces)

    def _phrases_and_entities(
        self, text: str, language: str, calls: _Calls
    ) -> tuple[tuple[str, ...], tuple[Entity, ...]]:
        pieces = _pieces(0, text, DOCUMENT_BYTES)
        phrases: list[str] = []
        for piece in pieces:
            response = self._call(
                "detect_key_phrases", calls, Text=piece.text, LanguageCode=language
            )
            phrases.extend(_key_phrases(response))
        entities: list[Entity] = []
        for piece in pieces:
            response = self._call("detect_entities", calls, Text=piece.text, LanguageCode=language)
            entities.extend(_entities(response))
        return tuple(phrases), tuple(entities)

    # -- many texts (backlog) ------------------------------------------------------------

    def analyze_batch(self, texts: Sequence[str]) -> list[TextAnalysis | AnalyzerError]:
        calls = _Calls()
        errors: dict[int, AnalyzerError] = {}
        cleaned: dict[int, str] = {}
        for owner, raw in enumerate(texts):
            try:
                cleaned[owner] = _require_text(raw)
            except AnalyzerError as error:
                errors[owner] = error

        languages = self._batch_languages(cleaned, calls, errors)
        by_language: dict[str, list[int]] = {}
        for owner, (language, _) in languages.items():
            if language in SUPPORTED_LANGUAGES:
                by_language.setdefault(language, []).append(owner)

        def alive(owners: Iterable[int]) -> list[int]:
            # A text that failed one step costs no further calls.
            return [owner for owner in owners if owner not in errors]

        scores: dict[int, SentimentScores] = {}
        chunks: dict[int, int] = {}
        for language, owners in by_language.items():
            pieces = _pieces_of(cleaned, owners, BATCH_DOCUMENT_BYTES)
            results = self._batch("batch_detect_sentiment", pieces, calls, errors, language)
            scores.update(_combined_sentiment(pieces, results))
            for piece in pieces:
                chunks[piece.owner] = chunks.get(piece.owner, 0) + 1

        english = alive(o for lang in TOXICITY_LANGUAGES for o in by_language.get(lang, []))
        toxic_pieces = _pieces_of(cleaned, english, TOXIC_SEGMENT_BYTES)
        toxicity = self._toxicity(toxic_pieces, calls, errors)

        pii: dict[int, tuple[PiiEntity, ...]] = {}
        for owner in alive(languages):
            language = languages[owner][0]
            if language not in PII_LANGUAGES:
                continue
            # DetectPiiEntities has no batch form: one call per text (per 100 KB).
            try:
                pii[owner] = self._pii(cleaned[owner], language, calls)
            except TransientAnalyzerError:
                raise
            except AnalyzerError as error:
                errors[owner] = error

        phrases: dict[int, list[str]] = {}
        entities: dict[int, list[Entity]] = {}
        for language, owners in by_language.items():
            pieces = _pieces_of(cleaned, alive(owners), BATCH_DOCUMENT_BYTES)
            results = self._batch("batch_detect_key_phrases", pieces, calls, errors, language)
            for piece, item in zip(pieces, results, strict=True):
                phrases.setdefault(piece.owner, []).extend(_key_phrases(item or {}))
            pieces = [piece for piece in pieces if piece.owner not in errors]
            results = self._batch("batch_detect_entities", pieces, calls, errors, language)
            for piece, item in zip(pieces, results, strict=True):
                entities.setdefault(piece.owner, []).extend(_entities(item or {}))

        shares = _prorate(calls.count, len(texts))
        share = calls.count / len(texts) if texts else 0.0
        analyses: list[TextAnalysis | AnalyzerError] = []
        for owner in range(len(texts)):
            if owner in errors:
                analyses.append(errors[owner])
                continue
            language, confidence = languages[owner]
            extra: dict[str, object] = {
                "api_calls_share": share,
                "batch_size": len(texts),
                "language_sample_truncated": utf8_size(cleaned[owner]) > BATCH_DOCUMENT_BYTES,
            }
            if language not in SUPPORTED_LANGUAGES:
                analyses.append(self._unsupported(language, confidence, shares[owner], extra))
                continue
            extra["sentiment_chunks"] = chunks[owner]
            analyses.append(
                TextAnalysis(
                    language=language,
                    language_confidence=confidence,
                    language_supported=True,
                    scores=scores[owner],
                    toxicity=toxicity.get(owner, ()),
                    pii=pii.get(owner, ()),
                    key_phrases=tuple(phrases.get(owner, [])),
                    entities=tuple(entities.get(owner, [])),
                    analyzer=self.name,
                    model_version=self.model_version,
                    api_calls=shares[owner],
                    extra=extra,
                )
            )
        return analyses

    def _batch_languages(
        self, texts: Mapping[int, str], calls: _Calls, errors: dict[int, AnalyzerError]
    ) -> dict[int, tuple[str, float]]:
        # Batch documents are limited to 5 KB: the language is judged on the text's start.
        pieces = [
            _Piece(owner, 0, utf8_prefix(text, BATCH_DOCUMENT_BYTES))
            for owner, text in texts.items()
        ]
        results = self._batch("batch_detect_dominant_language", pieces, calls, errors)
        return {
            piece.owner: _top_language(item.get("Languages", []))
            for piece, item in zip(pieces, results, strict=True)
            if item is not None and piece.owner not in errors
        }

    # -- shared steps ----------------------------------------------------------------------

    def _batch(
        self,
        operation: str,
        pieces: Sequence[_Piece],
        calls: _Calls,
        errors: dict[int, AnalyzerError],
        language: str | None = None,
    ) -> list[Mapping[str, Any] | None]:
        """One result per piece, None where the piece's text failed (its error in `errors`).

        A call refused for good fails only the texts it carried; a transient failure raises,
        since retrying the whole batch is the caller's remedy."""
        params: dict[str, Any] = {} if language is None else {"LanguageCode": language}
        results: list[Mapping[str, Any] | None] = [None] * len(pieces)
        for first in range(0, len(pieces), BATCH_DOCUMENTS):
            batch = pieces[first : first + BATCH_DOCUMENTS]
            try:
                response = self._call(
                    operation, calls, TextList=[piece.text for piece in batch], **params
                )
            except TransientAnalyzerError:
                raise
            except AnalyzerError as error:
                for piece in batch:
                    errors.setdefault(piece.owner, error)
                continue
            for item in response.get("ErrorList", []):
                errors.setdefault(batch[item["Index"]].owner, _item_error(operation, item))
            for item in response.get("ResultList", []):
                results[first + item["Index"]] = item
        for piece, result in zip(pieces, results, strict=True):
            if result is None:
                errors.setdefault(
                    piece.owner, AnalyzerError(f"Comprehend {operation} returned no result")
                )
        return results

    def _toxicity(
        self, pieces: Sequence[_Piece], calls: _Calls, errors: dict[int, AnalyzerError]
    ) -> dict[int, tuple[ToxicityLabel, ...]]:
        """Per text: each label's highest score over its segments, the overall score first.

        Segments of several texts share a call (10 at most), in order. AWS's release note says
        the service reads neighbouring segments as context, so in backlog mode one text's
        neighbours may nudge its scores a little: the price of ten times fewer calls."""
        best: dict[int, dict[str, float]] = {}
        for first in range(0, len(pieces), TOXIC_SEGMENTS):
            batch = pieces[first : first + TOXIC_SEGMENTS]
            try:
                response = self._call(
                    "detect_toxic_content",
                    calls,
                    TextSegments=[{"Text": piece.text} for piece in batch],
                    LanguageCode="en",
                )
            except TransientAnalyzerError:
                raise
            except AnalyzerError as error:
                for piece in batch:
                    errors.setdefault(piece.owner, error)
                continue
            result_list = response.get("ResultList", [])
            if len(result_list) != len(batch):
                # Results pair with segments by position only: a short list pairs nothing.
                mismatch = AnalyzerError(
                    f"Comprehend detect_toxic_content returned {len(result_list)} results "
                    f"for {len(batch)} segments"
                )
                for piece in batch:
                    errors.setdefault(piece.owner, mismatch)
                continue
            for piece, result in zip(batch, result_list, strict=True):
                scores = best.setdefault(piece.owner, {})
                found = [(TOXICITY, result.get("Toxicity", 0.0))] + [
                    (label["Name"], label.get("Score", 0.0))
                    for label in result.get("Labels", [])
                    if label.get("Name")
                ]
                for name, score in found:
                    scores[name] = max(scores.get(name, 0.0), float(score))
        return {
            owner: tuple(
                ToxicityLabel(name, scores[name] * 100)
                for name in sorted(scores, key=lambda name: (name != TOXICITY, name))
            )
            for owner, scores in best.items()
        }

    def _pii(self, text: str, language: str, calls: _Calls) -> tuple[PiiEntity, ...]:
        found: list[PiiEntity] = []
        for piece in _pieces(0, text, DOCUMENT_BYTES):
            response = self._call(
                "detect_pii_entities", calls, Text=piece.text, LanguageCode=language
            )
            for item in response.get("Entities", []):
                # Code-point offsets into the piece: shift by where the piece starts.
                found.append(
                    PiiEntity(
                        type=item["Type"],
                        begin=piece.start + item["BeginOffset"],
                        end=piece.start + item["EndOffset"],
                        confidence=float(item.get("Score", 0.0)) * 100,
                    )
                )
        return tuple(found)

    def _unsupported(
        self, language: str, confidence: float, api_calls: int, extra: dict[str, object]
    ) -> TextAnalysis:
        return TextAnalysis(
            language=language,
            language_confidence=confidence,
            language_supported=False,
            scores=None,
            toxicity=(),
            pii=(),
            key_phrases=(),
            entities=(),
            analyzer=self.name,
            model_version=self.model_version,
            api_calls=api_calls,
            extra=extra,
        )

    def _call(self, operation: str, calls: _Calls, **params: Any) -> Mapping[str, Any]:
        calls.count += 1
        with translated_errors("Comprehend", operation):
            response: Mapping[str, Any] = getattr(self.client, operation)(**params)
        return response


# -- mapping responses -----------------------------------------------------------------------


def _top_language(languages: Sequence[Mapping[str, Any]]) -> tuple[str, float]:
    if not languages:
        return UNKNOWN_LANGUAGE, 0.0
    top = max(languages, key=lambda item: item.get("Score", 0.0))
    return str(top.get("LanguageCode", UNKNOWN_LANGUAGE)), float(top.get("Score", 0.0)) * 100


def _scores(score: Mapping[str, Any]) -> SentimentScores:
    return SentimentScores(
        positive=float(score.get("Positive", 0.0)) * 100,
        negative=float(score.get("Negative", 0.0)) * 100,
        neutral=float(score.get("Neutral", 0.0)) * 100,
        mixed=float(score.get("Mixed", 0.0)) * 100,
    )


def _combined_sentiment(
    pieces: Sequence[_Piece], results: Sequence[Mapping[str, Any] | None]
) -> dict[int, SentimentScores]:
    """Per text, its chunks' scores averaged with each chunk weighted by its length in
    characters: a long chunk says more about the whole than a short one."""
    sums: dict[int, list[float]] = {}
    weights: dict[int, int] = {}
    for piece, result in zip(pieces, results, strict=True):
        if result is None:
            continue
        scores = _scores(result.get("SentimentScore", {}))
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


def _key_phrases(response: Mapping[str, Any]) -> list[str]:
    return [item["Text"] for item in response.get("KeyPhrases", []) if item.get("Text")]


def _entities(response: Mapping[str, Any]) -> list[Entity]:
    return [
        Entity(
            text=item["Text"],
            type=item.get("Type", "OTHER"),
            confidence=float(item.get("Score", 0.0)) * 100,
        )
        for item in response.get("Entities", [])
        if item.get("Text")
    ]


def _prorate(total: int, count: int) -> list[int]:
    """Whole numbers of calls summing to `total`, as even as can be (largest remainder; the
    earlier texts take the odd calls), so that summing api_calls over a batch counts each
    call once."""
    if count == 0:
        return []
    base, extra = divmod(total, count)
    return [base + (1 if index < extra else 0) for index in range(count)]


# -- errors ------------------------------------------------------------------------------------


def _item_error(operation: str, item: Mapping[str, Any]) -> AnalyzerError:
    code = str(item.get("ErrorCode", "Unknown"))
    message = item.get("ErrorMessage", "")
    normalized = re.sub(r"[^a-z0-9]", "", code.lower())
    transient = any(part in normalized for part in _TRANSIENT_ITEM_CODE_PARTS) or (
        normalized.isdigit() and is_transient("", int(normalized))
    )
    kind = TransientAnalyzerError if transient else AnalyzerError
    return kind(f"Comprehend {operation} failed for this text: {code}: {message}")


def _raise_first(errors: Mapping[int, AnalyzerError]) -> None:
    for error in errors.values():
        raise error


# -- text and UTF-8 chunking -------------------------------------------------------------------


def _require_text(text: str) -> str:
    if not text.strip():
        raise AnalyzerError("There is no text to analyse.")
    # A lone surrogate (from JSON "\ud83d", say) cannot be encoded as UTF-8. One U+FFFD per
    # surrogate keeps every index, so offsets still point into the caller's string.
    return _LONE_SURROGATE.sub("\ufffd", text)


def _pieces(owner: int, text: str, max_bytes: int) -> list[_Piece]:
    # Whitespace-only slices carry nothing to judge, and the service wants real text.
    return [
        _Piece(owner, start, text[start:end])
        for start, end in chunk_spans(text, max_bytes)
        if text[start:end].strip()
    ]


def _pieces_of(texts: Mapping[int, str], owners: Iterable[int], max_bytes: int) -> list[_Piece]:
    return [piece for owner in owners for piece in _pieces(owner, texts[owner], max_bytes)]
