"""Offline text analyzer: language, sentiment and abuse for English, Norwegian (bokmål and
nynorsk), Danish and Swedish, in Comprehend's shapes.

Every model ships inside its PyPI package; nothing is downloaded.

- language: `feedback.language_id` (lingua plus marker words; tells bokmål from nynorsk).
- sentiment: a lexicon reading (VADER for English, asent's lexicons for the Nordic languages,
  `feedback.sentiment`), calibrated into four probabilities fit on human-rated text.
- toxicity: English by alt-profanity-check per sentence plus threat and hate patterns
  (`feedback.english_toxicity`); Nordic by inflection-aware lexicons and patterns
  (`feedback.abuse`). Text of uncertain or mixed language is read by both.
- PII: `feedback.pii`, in every language.
- key phrases and entities: none. There is no offline phrase chunker or NER model here, and an
  empty answer is honest where a guessed one would be trusted.

A text is not judged (scores None, `unjudged` says why) when it has no words, mixes languages,
is too short to tell its language, or is in a language none of these models reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property

from feedback.abuse import nordic_toxicity
from feedback.analyzers.base import (
    LANGUAGE_UNSUPPORTED,
    NO_WORDS,
    AnalyzerError,
    SentimentScores,
    TextAnalysis,
)
from feedback.english_toxicity import english_signals, segments, toxicity_labels
from feedback.language_id import SCANDINAVIAN, LanguageGuess, LanguageIdentifier
from feedback.pii import find_pii
from feedback.sentiment.calibration import calibration
from feedback.sentiment.english import EnglishSentiment
from feedback.sentiment.nordic import NordicSentiment
from feedback.sentiment.polarity import Polarity

SUPPORTED_LANGUAGES = frozenset({"en", *SCANDINAVIAN})
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class LocalTextAnalyzer:
    name = "local-text"

    # -- models, loaded on first use and kept for the life of the process -----------------

    @cached_property
    def _languages(self) -> LanguageIdentifier:
        return LanguageIdentifier(SUPPORTED_LANGUAGES)

    @cached_property
    def _english(self) -> EnglishSentiment:
        return EnglishSentiment()

    @cached_property
    def _nordic(self) -> NordicSentiment:
        return NordicSentiment()

    @cached_property
    def _profanity(self) -> Callable[[list[str]], Sequence[float]]:
        # Importing the package loads its scikit-learn model (~2 s with scikit-learn itself).
        from profanity_check import predict_prob  # type: ignore[import-untyped]

        def predict(texts: list[str]) -> Sequence[float]:
            return [float(p) for p in predict_prob(texts)]

        return predict

    def warm_up(self) -> None:
        # Each model is a cached property, loaded by reading it.
        for model in ("_languages", "_english", "_nordic", "_profanity"):
            getattr(self, model)

    @cached_property
    def model_version(self) -> str:
        from importlib.metadata import version

        return "+".join(
            f"{package}-{version(package)}"
            for package in (
                "lingua-language-detector",
                "asent",
                "vaderSentiment",
                "alt-profanity-check",
            )
        )

    # -- the TextAnalyzer interface --------------------------------------------------------

    def analyze(self, text: str) -> TextAnalysis:
        result = self.analyze_batch([text])[0]
        if isinstance(result, AnalyzerError):
            raise result
        return result

    def analyze_batch(self, texts: Sequence[str]) -> list[TextAnalysis | AnalyzerError]:
        cleaned: dict[int, str] = {}
        for index, text in enumerate(texts):
            if text.strip():
                # A lone surrogate (from JSON "\ud83d") becomes one U+FFFD: offsets stay valid.
                cleaned[index] = _LONE_SURROGATE.sub("\ufffd", text)
        guesses = {index: self._languages.identify(text) for index, text in cleaned.items()}
        # profanity-check is an English model; it also reads texts that may be partly English.
        english = {
            index: cleaned[index]
            for index, guess in guesses.items()
            if guess.code == "en" or (guess.unjudged and guess.unjudged != NO_WORDS)
        }
        # One profanity-check call for every sentence of every such text: the model costs
        # ~13 ms per 1,000 texts in a batch, far more per text one at a time.
        profanity = self._profanity_by_text(english)
        return [
            self._result(cleaned[index], guesses[index], profanity.get(index))
            if index in cleaned
            else AnalyzerError("There is no text to analyse.")
            for index in range(len(texts))
        ]

    def _result(self, text: str, guess: LanguageGuess, profanity: float | None) -> TextAnalysis:
        extra: dict[str, object] = {"language_method": guess.method}
        if guess.mixed_with:
            extra["mixed_with"] = list(guess.mixed_with)
        signals: dict[str, float] = {}
        if profanity is not None:
            signals.update(english_signals(text, profanity))
            extra["profanity_probability"] = round(profanity, 6)
        if guess.code in SCANDINAVIAN or (guess.unjudged and guess.unjudged != NO_WORDS):
            for name, value in nordic_toxicity(text, guess.code).items():
                signals[name] = max(value, signals.get(name, 0.0))
        scores: SentimentScores | None = None
        if not guess.unjudged:
            polarity, calibration_name = self._polarity(text, guess.code)
            scores = calibration(calibration_name).scores(polarity, text)
            # The reading behind the scores, so a decision can be explained and replayed.
            extra["polarity"] = polarity.as_dict()
            extra["calibration"] = calibration_name
        return TextAnalysis(
            language=guess.code,
            language_confidence=guess.confidence,
            language_supported=guess.unjudged != LANGUAGE_UNSUPPORTED,
            scores=scores,
            toxicity=toxicity_labels(signals) if signals else (),
            pii=tuple(find_pii(text)),
            key_phrases=(),
            entities=(),
            analyzer=self.name,
            model_version=self.model_version,
            api_calls=0,
            extra=extra,
            unjudged=guess.unjudged,
        )

    def _polarity(self, text: str, language: str) -> tuple[Polarity, str]:
        if language == "en":
            return self._english.polarity(text), "english"
        return self._nordic.polarity(text, language), "nordic"

    def _profanity_by_text(self, texts: Mapping[int, str]) -> dict[int, float]:
        """The highest profanity-check probability among each text's segments."""
        owners: list[int] = []
        pieces: list[str] = []
        for index, text in texts.items():
            for segment in segments(text):
                owners.append(index)
                pieces.append(segment)
        best = dict.fromkeys(texts, 0.0)
        if pieces:
            for owner, probability in zip(owners, self._profanity(pieces), strict=True):
                best[owner] = max(best[owner], probability)
        return best
