"""Feedback text analysis by Amazon Comprehend.

Limits come from the Comprehend service model shipped with botocore (2017-11-27) and its API
reference. They are stated in "KB" of UTF-8 without saying whether a KB is 1,000 or 1,024
bytes, so every limit here uses the smaller reading: it is within the limit either way.

Offsets: Comprehend's BeginOffset/EndOffset count characters, not bytes — the API reference
says "the offset returns the position of each UTF-8 code point in the string … a multi-byte
UTF-8 character maps to a single code point". Python strings are indexed by code point too, so
an offset maps to a Python index unchanged; only the start of the chunk it came from is added.
EndOffset is exclusive (the service's examples give text[begin:end] == the entity).

Languages: results carry ISO 639-1 codes (`nb` or `nn` where Comprehend says `no`); the calls
carry Comprehend's. A language Comprehend cannot analyse but Amazon Translate reads (Norwegian,
Danish, Swedish, …) is judged on an English translation of its masked text (aws_translate.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import feedback.analyzers.aws_common as common
from feedback.abuse import nordic_toxicity
from feedback.analyzers.aws_common import Calls, Piece, product_language
from feedback.analyzers.aws_translate import (
    Translator,
    Untranslatable,
    translatable,
    translation_extra,
)
from feedback.analyzers.base import (
    LANGUAGE_UNCERTAIN,
    LANGUAGE_UNSUPPORTED,
    AnalyzerError,
    Entity,
    PiiEntity,
    SentimentScores,
    TextAnalysis,
    ToxicityLabel,
    TransientAnalyzerError,
    Translation,
)
from feedback.chunking import utf8_prefix, utf8_size
from feedback.languages import NORDIC
from moderation.items.boto import aws_client, translated_errors

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

TOXICITY = "TOXICITY"


class ComprehendAnalyzer:
    name = "aws-comprehend"

    def __init__(self, client: Any | None = None, translate_client: Any | None = None) -> None:
        if client is None:
            client = aws_client("comprehend")
        self.client: Any = client
        # For languages Comprehend cannot read; its client is built only when one turns up.
        self.translator = Translator(translate_client, service_pii=self._pii)
        # Comprehend reports no model version; the API version is the stable thing we know.
        service_model = getattr(getattr(client, "meta", None), "service_model", None)
        api_version = getattr(service_model, "api_version", "")
        self.model_version = f"comprehend-{api_version}" if api_version else "comprehend"

    # -- one text ------------------------------------------------------------------------

    def analyze(self, text: str) -> TextAnalysis:
        text = common.require_text(text)
        calls = Calls()
        sample = utf8_prefix(text, LANGUAGE_TEXT_BYTES)
        response = self._call("detect_dominant_language", calls, Text=sample)
        code, confidence = common.top_language(response.get("Languages", []))
        language = product_language(code, text)
        extra: dict[str, object] = {"language_sample_truncated": len(sample) < len(text)}
        if code not in SUPPORTED_LANGUAGES:
            if translatable(language):
                return self._analyze_translated(text, language, confidence, calls, extra)
            return self._unsupported(language, confidence, calls.count, extra)

        scores, chunks = self._sentiment(text, code, calls)
        extra["sentiment_chunks"] = chunks
        toxicity: tuple[ToxicityLabel, ...] = ()
        if code in TOXICITY_LANGUAGES:
            toxicity, extra["toxicity_segments"] = self._toxicity_of_one(text, calls)
        pii = self._pii(text, code, calls) if code in PII_LANGUAGES else ()
        key_phrases, entities = self._phrases_and_entities(text, code, calls)
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

    def _analyze_translated(
        self, text: str, language: str, confidence: float, calls: Calls, extra: dict[str, object]
    ) -> TextAnalysis:
        try:
            translation, found = self.translator.english(text, language, calls)
        except Untranslatable as refusal:
            extra["translate_refused"] = refusal.code
            return self._unsupported(language, confidence, calls.count, extra)
        scores, extra["sentiment_chunks"] = self._sentiment(translation.text, "en", calls)
        toxicity, extra["toxicity_segments"] = self._toxicity_of_one(translation.text, calls)
        extra.update(translation_extra(translation, found))
        return self._translated(
            text, language, confidence, scores, toxicity, translation, calls.count, extra
        )

    def _translated(
        self,
        original: str,
        language: str,
        confidence: float,
        scores: SentimentScores,
        toxicity: tuple[ToxicityLabel, ...],
        translation: Translation,
        api_calls: int,
        extra: dict[str, object],
    ) -> TextAnalysis:
        # No key phrases or entities: on a translation they would be English phrases that
        # appear nowhere in the text a moderator reads, no decision uses them, and the two
        # calls would add about a third to the cost of a short message.
        return TextAnalysis(
            language=language,
            language_confidence=confidence,
            language_supported=True,
            scores=scores,
            toxicity=with_nordic_abuse(toxicity, original, language),
            # The original's personal data is the local finder's (the pipeline adds it to
            # every analysis); Comprehend saw only the masked translation.
            pii=(),
            key_phrases=(),
            entities=(),
            analyzer=self.name,
            model_version=f"{self.model_version}+{self.translator.model_version}",
            api_calls=api_calls,
            extra=extra,
            translation=translation,
        )

    def _sentiment(self, text: str, language: str, calls: Calls) -> tuple[SentimentScores, int]:
        if utf8_size(text) <= BATCH_DOCUMENT_BYTES:
            response = self._call("detect_sentiment", calls, Text=text, LanguageCode=language)
            return common.sentiment_scores(response.get("SentimentScore", {})), 1
        pieces = common.text_pieces(0, text, BATCH_DOCUMENT_BYTES)
        errors: dict[int, AnalyzerError] = {}
        results = self._batch("batch_detect_sentiment", pieces, calls, errors, language)
        common.raise_first(errors)
        return common.combined_sentiment(pieces, results)[0], len(pieces)

    def _toxicity_of_one(self, text: str, calls: Calls) -> tuple[tuple[ToxicityLabel, ...], int]:
        pieces = common.text_pieces(0, text, TOXIC_SEGMENT_BYTES)
        errors: dict[int, AnalyzerError] = {}
        labels = self._toxicity(pieces, calls, errors)
        common.raise_first(errors)
        return labels.get(0, ()), len(pieces)

    def _phrases_and_entities(
        self, text: str, language: str, calls: Calls
    ) -> tuple[tuple[str, ...], tuple[Entity, ...]]:
        pieces = common.text_pieces(0, text, DOCUMENT_BYTES)
        phrases: list[str] = []
        for piece in pieces:
            response = self._call(
                "detect_key_phrases", calls, Text=piece.text, LanguageCode=language
            )
            phrases.extend(common.key_phrases_of(response))
        entities: list[Entity] = []
        for piece in pieces:
            response = self._call("detect_entities", calls, Text=piece.text, LanguageCode=language)
            entities.extend(common.entities_of(response))
        return tuple(phrases), tuple(entities)

    # -- many texts (backlog) ------------------------------------------------------------

    def analyze_batch(self, texts: Sequence[str]) -> list[TextAnalysis | AnalyzerError]:
        calls = Calls()
        errors: dict[int, AnalyzerError] = {}
        cleaned: dict[int, str] = {}
        for owner, raw in enumerate(texts):
            try:
                cleaned[owner] = common.require_text(raw)
            except AnalyzerError as error:
                errors[owner] = error

        detected = self._batch_languages(cleaned, calls, errors)
        languages = {
            owner: product_language(code, cleaned[owner]) for owner, (code, _) in detected.items()
        }
        judged = self.translator.judge(
            cleaned, detected, languages, SUPPORTED_LANGUAGES, calls, errors
        )
        by_language: dict[str, list[int]] = {}
        for owner, language in judged.languages.items():
            by_language.setdefault(language, []).append(owner)

        def alive(owners: Iterable[int]) -> list[int]:
            # A text that failed one step costs no further calls.
            return [owner for owner in owners if owner not in errors]

        # From here on a translation is an English text among the others.
        scores: dict[int, SentimentScores] = {}
        chunks: dict[int, int] = {}
        for language, owners in by_language.items():
            pieces = common.pieces_of(judged.texts, alive(owners), BATCH_DOCUMENT_BYTES)
            results = self._batch("batch_detect_sentiment", pieces, calls, errors, language)
            scores.update(common.combined_sentiment(pieces, results))
            for piece in pieces:
                chunks[piece.owner] = chunks.get(piece.owner, 0) + 1

        english = alive(o for lang in TOXICITY_LANGUAGES for o in by_language.get(lang, []))
        toxic_pieces = common.pieces_of(judged.texts, english, TOXIC_SEGMENT_BYTES)
        toxicity = self._toxicity(toxic_pieces, calls, errors)

        # Translations had theirs on the way in; key phrases neither (see _translated).
        originals = {
            language: [owner for owner in owners if owner not in judged.translations]
            for language, owners in by_language.items()
        }
        pii: dict[int, tuple[PiiEntity, ...]] = {}
        for language, owners in originals.items():
            if language not in PII_LANGUAGES:
                continue
            for owner in alive(owners):
                # DetectPiiEntities has no batch form: one call per text (per 100 KB).
                try:
                    pii[owner] = self._pii(cleaned[owner], language, calls)
                except TransientAnalyzerError:
                    raise
                except AnalyzerError as error:
                    errors[owner] = error

        phrases: dict[int, list[str]] = {}
        entities: dict[int, list[Entity]] = {}
        for language, owners in originals.items():
            pieces = common.pieces_of(cleaned, alive(owners), BATCH_DOCUMENT_BYTES)
            results = self._batch("batch_detect_key_phrases", pieces, calls, errors, language)
            for piece, item in zip(pieces, results, strict=True):
                phrases.setdefault(piece.owner, []).extend(common.key_phrases_of(item or {}))
            pieces = [piece for piece in pieces if piece.owner not in errors]
            results = self._batch("batch_detect_entities", pieces, calls, errors, language)
            for piece, item in zip(pieces, results, strict=True):
                entities.setdefault(piece.owner, []).extend(common.entities_of(item or {}))

        shares = common.prorate(calls.count, len(texts))
        share = calls.count / len(texts) if texts else 0.0
        analyses: list[TextAnalysis | AnalyzerError] = []
        for owner in range(len(texts)):
            if owner in errors:
                analyses.append(errors[owner])
                continue
            language, confidence = languages[owner], detected[owner][1]
            extra: dict[str, object] = {
                "api_calls_share": share,
                "batch_size": len(texts),
                "language_sample_truncated": utf8_size(cleaned[owner]) > BATCH_DOCUMENT_BYTES,
            }
            if owner not in judged.languages:
                if owner in judged.refused:
                    extra["translate_refused"] = judged.refused[owner]
                analyses.append(self._unsupported(language, confidence, shares[owner], extra))
                continue
            extra["sentiment_chunks"] = chunks[owner]
            translation = judged.translations.get(owner)
            if translation is not None:
                extra.update(translation_extra(translation, judged.found[owner]))
                analyses.append(
                    self._translated(
                        cleaned[owner],
                        language,
                        confidence,
                        scores[owner],
                        toxicity.get(owner, ()),
                        translation,
                        shares[owner],
                        extra,
                    )
                )
                continue
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
        self, texts: Mapping[int, str], calls: Calls, errors: dict[int, AnalyzerError]
    ) -> dict[int, tuple[str, float]]:
        # Batch documents are limited to 5 KB: the language is judged on the text's start.
        pieces = [
            Piece(owner, 0, utf8_prefix(text, BATCH_DOCUMENT_BYTES))
            for owner, text in texts.items()
        ]
        results = self._batch("batch_detect_dominant_language", pieces, calls, errors)
        return {
            piece.owner: common.top_language(item.get("Languages", []))
            for piece, item in zip(pieces, results, strict=True)
            if item is not None and piece.owner not in errors
        }

    # -- shared steps ----------------------------------------------------------------------

    def _batch(
        self,
        operation: str,
        pieces: Sequence[Piece],
        calls: Calls,
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
                errors.setdefault(batch[item["Index"]].owner, common.item_error(operation, item))
            for item in response.get("ResultList", []):
                results[first + item["Index"]] = item
        for piece, result in zip(pieces, results, strict=True):
            if result is None:
                errors.setdefault(
                    piece.owner, AnalyzerError(f"Comprehend {operation} returned no result")
                )
        return results

    def _toxicity(
        self, pieces: Sequence[Piece], calls: Calls, errors: dict[int, AnalyzerError]
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

    def _pii(self, text: str, language: str, calls: Calls) -> tuple[PiiEntity, ...]:
        found: list[PiiEntity] = []
        for piece in common.text_pieces(0, text, DOCUMENT_BYTES):
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
            # No language at all comes back for a text with too little in it to tell.
            unjudged=(
                LANGUAGE_UNCERTAIN if language == common.UNKNOWN_LANGUAGE else LANGUAGE_UNSUPPORTED
            ),
        )

    def _call(self, operation: str, calls: Calls, **params: Any) -> Mapping[str, Any]:
        calls.count += 1
        with translated_errors("Comprehend", operation):
            response: Mapping[str, Any] = getattr(self.client, operation)(**params)
        return response


def with_nordic_abuse(
    labels: tuple[ToxicityLabel, ...], original: str, language: str
) -> tuple[ToxicityLabel, ...]:
    """Comprehend's toxicity on a translation, raised to the offline abuse check's on the
    Nordic original. A translation can soften or drop an insult, a slur or a veiled threat
    that the original's words make plain, and DetectToxicContent never sees the original."""
    if language not in NORDIC:
        return labels
    signals = {label.name: label.confidence for label in labels}
    found = {name: value for name, value in nordic_toxicity(original, language).items() if value}
    if not found:
        return labels
    for name, value in found.items():
        signals[name] = max(value, signals.get(name, 0.0))
    signals[TOXICITY] = max(signals.values(), default=0.0)
    return tuple(
        ToxicityLabel(name, signals[name])
        for name in sorted(signals, key=lambda name: (name != TOXICITY, name))
    )
