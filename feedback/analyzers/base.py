"""What every text analyzer takes and returns. Nothing past this module sees a raw boto dict.

Confidences are percentages, 0–100 (Comprehend's 0–1 scores × 100). Offsets are indexes into
the Python string (code points), whatever unit the service counts in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

# Errors are shared with the image analyzers: same retry and review rules.
from moderation.items.errors import AnalyzerError, TransientAnalyzerError

__all__ = [
    "AnalyzerError",
    "Entity",
    "PiiEntity",
    "SentimentScores",
    "TextAnalysis",
    "TextAnalyzer",
    "ToxicityLabel",
    "TransientAnalyzerError",
    "Translation",
]

SENTIMENTS = ("positive", "negative", "neutral", "mixed")


@dataclass(frozen=True)
class SentimentScores:
    positive: float
    negative: float
    neutral: float
    mixed: float

    @property
    def top(self) -> tuple[str, float]:
        """The winning sentiment and its confidence."""
        return max(((name, getattr(self, name)) for name in SENTIMENTS), key=lambda x: x[1])

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in SENTIMENTS}


@dataclass(frozen=True)
class ToxicityLabel:
    """A toxicity signal, named as Comprehend names them: TOXICITY (overall), PROFANITY,
    HATE_SPEECH, INSULT, VIOLENCE_OR_THREAT, HARASSMENT_OR_ABUSE, SEXUAL, GRAPHIC."""

    name: str
    confidence: float


@dataclass(frozen=True)
class PiiEntity:
    type: str  # Comprehend's PII types: EMAIL, PHONE, CREDIT_DEBIT_NUMBER, IP_ADDRESS, …
    begin: int  # text[begin:end] is the entity
    end: int
    confidence: float


@dataclass(frozen=True)
class Entity:
    text: str
    type: str  # PERSON, ORGANIZATION, LOCATION, COMMERCIAL_ITEM, …
    confidence: float


# Why an analyzer did not judge a text's sentiment (TextAnalysis.unjudged): the policy sends
# the text to a person with a reason that says which.
NO_WORDS = "no_words"  # emoji, digits or punctuation only: nothing to read
MIXED_LANGUAGES = "mixed_languages"  # two languages, each too large a share to ignore
LANGUAGE_UNSUPPORTED = "language_unsupported"  # a language this analyzer cannot read
LANGUAGE_UNCERTAIN = "language_uncertain"  # too little text to tell the language


@dataclass(frozen=True)
class Translation:
    """A machine translation into English, for services that read only English."""

    text: str  # the translation of the text with its personal data already masked
    source_language: str  # as sent to the translation service ("no", "da", "sv", …)
    target_language: str  # "en"
    characters: int  # characters sent (the unit translation is billed in)
    segments: int  # requests it took (each under the service's size limit)
    service: str  # "aws-translate"


@dataclass(frozen=True)
class TextAnalysis:
    # ISO 639-1 where one exists: "en", "nb" (bokmål), "nn" (nynorsk), "da", "sv", "de", …;
    # Comprehend's few longer codes ("zh-TW") as it gives them; "und" when undetermined.
    language: str
    language_confidence: float
    # False when the analyzer cannot judge sentiment/toxicity in this language: the feedback
    # then goes to a person.
    language_supported: bool
    scores: SentimentScores | None  # None when the language is not supported
    toxicity: tuple[ToxicityLabel, ...]
    pii: tuple[PiiEntity, ...]
    key_phrases: tuple[str, ...]
    entities: tuple[Entity, ...]
    analyzer: str  # "aws-comprehend" or "local-text"
    model_version: str
    api_calls: int = 0  # calls to a paid service this analysis took (shared calls prorated)
    extra: dict[str, object] = field(default_factory=dict)
    # Set when sentiment was judged on an English translation (languages Comprehend lacks).
    translation: Translation | None = None
    # One of NO_WORDS, MIXED_LANGUAGES, LANGUAGE_UNSUPPORTED, LANGUAGE_UNCERTAIN when scores is
    # None; "" when the text was judged.
    unjudged: str = ""

    @property
    def sentiment(self) -> str | None:
        return self.scores.top[0] if self.scores else None


class TextAnalyzer(Protocol):
    name: str

    def analyze(self, text: str) -> TextAnalysis:
        """Raises AnalyzerError (final) or TransientAnalyzerError (retry later)."""
        ...

    def analyze_batch(self, texts: Sequence[str]) -> list[TextAnalysis | AnalyzerError]:
        """Many texts with as few calls as the service allows (backlog mode). One result per
        text, in order; a text that failed gets its error instead of failing the batch.
        Raises TransientAnalyzerError if the whole batch should be retried."""
        ...
