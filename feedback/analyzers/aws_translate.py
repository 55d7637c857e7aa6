"""English translations, by Amazon Translate, of feedback in languages Comprehend cannot read.

Comprehend's sentiment, toxicity and PII calls accept none of Norwegian, Danish or Swedish, so
such a text is translated into English and judged there. Personal data never goes to Translate:
the local finder (`feedback.pii`) masks the text first, and only the masked text is sent.

Limits come from the Translate service model shipped with botocore (2017-07-01) and its API
reference. TranslateText's `Text` is "a maximum of 10,000 bytes long" in the reference, while the
model bounds it at 10,000 characters; bytes of UTF-8 are the smaller reading, so that is used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from botocore.exceptions import ClientError

from feedback.analyzers.aws_common import Calls
from feedback.analyzers.base import (
    AnalyzerError,
    PiiEntity,
    TransientAnalyzerError,
    Translation,
)
from feedback.chunking import chunk_spans
from feedback.languages import translate_code
from feedback.pii import find_pii, redact
from moderation.items.boto import aws_client, translated_errors

TEXT_BYTES = 10_000
TARGET_LANGUAGE = "en"
SERVICE = "aws-translate"

# Translate's source languages, from the developer guide's "Supported languages and language
# codes" table (Translate's own codes: one Norwegian, `no`, listed as bokmål; nynorsk is sent as
# `no` too, which reads it well enough to judge). English is left out: it needs no translation.
SOURCE_LANGUAGES = frozenset(
    {
        "af", "sq", "am", "ar", "hy", "az", "bn", "bs", "bg", "ca", "zh", "zh-TW", "hr", "cs",
        "da", "fa-AF", "nl", "et", "fa", "tl", "fi", "fr", "fr-CA", "ka", "de", "el", "gu",
        "ht", "ha", "he", "hi", "hu", "is", "id", "ga", "it", "ja", "kn", "kk", "ko", "lv",
        "lt", "mk", "ms", "ml", "mt", "mr", "mn", "no", "ps", "pl", "pt", "pt-PT", "pa", "ro",
        "ru", "sr", "si", "sk", "sl", "so", "es", "es-MX", "sw", "sv", "ta", "te", "th", "tr",
        "uk", "ur", "uz", "vi", "cy",
    }
)  # fmt: skip

# Translate's answers that say "not this language, ever": the text goes to a person, as for a
# language nobody reads. (Low confidence comes only with SourceLanguageCode "auto", which is not
# used, but it means the same thing.)
REFUSALS = frozenset({"UnsupportedLanguagePairException", "DetectedLanguageLowConfidenceException"})


class Untranslatable(Exception):
    """Translate refused the text's language: unsupported, not an error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def translatable(language: str) -> bool:
    """Whether Translate reads `language` (a product code: `nb`, `nn`, `da`, `sv`, …)."""
    return translate_code(language) in SOURCE_LANGUAGES


def masked(text: str) -> str:
    """`text` with the personal data the local finder sees replaced by `[TYPE]` placeholders."""
    return redact(text, find_pii(text))


# Comprehend's DetectPiiEntities on (text, language), the analyzer's own step.
ServicePii = Callable[[str, str, Calls], Sequence[PiiEntity]]


@dataclass
class Judged:
    """Per text of a backlog batch (by index): what it is judged on, in which language."""

    texts: dict[int, str] = field(default_factory=dict)
    languages: dict[int, str] = field(default_factory=dict)  # Comprehend's codes
    translations: dict[int, Translation] = field(default_factory=dict)
    found: dict[int, set[str]] = field(default_factory=dict)  # PII types in each translation
    refused: dict[int, str] = field(default_factory=dict)  # Translate's refusal, by text


class Translator:
    def __init__(self, client: Any | None, service_pii: ServicePii) -> None:
        self._client = client
        self._service_pii = service_pii

    @property
    def client(self) -> Any:
        # Built on first use: a run that meets only English never needs a Translate client.
        if self._client is None:
            self._client = aws_client("translate")
        return self._client

    @property
    def model_version(self) -> str:
        service_model = getattr(getattr(self.client, "meta", None), "service_model", None)
        api_version = getattr(service_model, "api_version", "")
        return f"translate-{api_version}" if api_version else "translate"

    def english(self, text: str, language: str, calls: Calls) -> tuple[Translation, set[str]]:
        """`text` in English, masked twice: by the local finder before it leaves, then by
        Comprehend's PII detection on the English, so the stored translation keeps nothing
        either of them found. Comprehend's findings point into the translation, not the
        original, so they are not reported as the original's `pii`; their types are returned."""
        translation = self.translate(text, language, calls)
        found = self._service_pii(translation.text, TARGET_LANGUAGE, calls)
        clean = replace(translation, text=redact(translation.text, found))
        return clean, {entity.type for entity in found}

    def judge(
        self,
        texts: Mapping[int, str],
        detected: Mapping[int, tuple[str, float]],
        languages: Mapping[int, str],
        readable: frozenset[str],
        calls: Calls,
        errors: dict[int, AnalyzerError],
    ) -> Judged:
        """What each text of a batch is judged on: its own words where Comprehend reads its
        language (`readable`), else its English translation. TranslateText has no synchronous
        batch form: one call per text (per 10 KB); the translations then join the English
        batch calls. A text Translate refuses is left out (unsupported); one that fails for
        good gets its error in `errors`; a transient failure raises, failing the batch."""
        judged = Judged()
        for owner, (code, _) in detected.items():
            if code in readable:
                judged.texts[owner], judged.languages[owner] = texts[owner], code
                continue
            if not translatable(languages[owner]):
                continue
            try:
                translation, found = self.english(texts[owner], languages[owner], calls)
            except Untranslatable as refusal:
                judged.refused[owner] = refusal.code
                continue
            except TransientAnalyzerError:
                raise
            except AnalyzerError as error:
                errors[owner] = error
                continue
            judged.texts[owner], judged.languages[owner] = translation.text, TARGET_LANGUAGE
            judged.translations[owner], judged.found[owner] = translation, found
        return judged

    def translate(self, text: str, language: str, calls: Calls) -> Translation:
        """The English translation of `text` with its personal data masked before sending.

        The masked text goes in pieces under the request limit, cut after sentences where one
        fits; the pieces' translations are joined in order, each followed by the whitespace
        that followed its piece. Raises Untranslatable, TransientAnalyzerError (retry later)
        or AnalyzerError (final)."""
        source = translate_code(language)
        safe = masked(text)
        parts: list[str] = []
        characters = segments = 0
        for start, end in chunk_spans(safe, TEXT_BYTES):
            piece = safe[start:end]
            core = piece.strip()
            if core:
                # Only the words are sent (and billed); the whitespace around them is put back.
                response = self._call(core, source, calls)
                characters += len(core)
                segments += 1
                parts.append(str(response.get("TranslatedText", "")).strip())
            parts.append(piece[len(piece.rstrip()) :])
        english = "".join(parts).strip()
        if not english:
            raise AnalyzerError("Translate returned an empty translation.")
        return Translation(
            text=english,
            source_language=source,
            target_language=TARGET_LANGUAGE,
            characters=characters,
            segments=segments,
            service=SERVICE,
        )

    def _call(self, text: str, source: str, calls: Calls) -> Mapping[str, Any]:
        calls.count += 1
        with translated_errors("Translate", "translate_text"):
            try:
                # No Settings: profanity masking would hide exactly what the toxicity check
                # that reads the translation is there to find.
                response: Mapping[str, Any] = self.client.translate_text(
                    Text=text, SourceLanguageCode=source, TargetLanguageCode=TARGET_LANGUAGE
                )
            except ClientError as exc:
                error = exc.response.get("Error", {})
                code = str(error.get("Code", ""))
                if code in REFUSALS:
                    raise Untranslatable(code, str(error.get("Message", ""))) from exc
                raise
        return response


def translation_extra(translation: Translation, found_types: set[str]) -> dict[str, object]:
    """What a translated analysis records beside its scores: the billing units, and the kinds of
    personal data Comprehend still found (and masked) in the English text."""
    return {
        "translate_characters": translation.characters,
        "translate_segments": translation.segments,
        "translation_pii_types": sorted(found_types),
    }
