"""What scenario 7 (bench/text_quality.py) runs texts through: the product's analyzer and
policy, stand-ins for Amazon Translate and Comprehend that answer from the labelled set and the
local English analyzer, and the language-detector candidates measured beside the analyzer's own
detection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.text_data import Feedback

BATCH = 50
APPROVED = "approved"
LINGUA_SET = ("nb", "nn", "sv", "da", "en", "de", "fi")
DETECTORS = ("langdetect", "lingua, 7 languages", "lingua, all languages", "analyzer")
UNDETERMINED = "und"


@dataclass(frozen=True)
class Verdict:
    """One text through analyzer and policy."""

    status: str  # ItemStatus value
    language: str  # as the analyzer reported it; "" when it failed
    sentiment: str | None  # the analyzer's top sentiment, None when not judged
    failed: bool = False


def analyze_all(analyzer: Any, texts: Sequence[str]) -> list[Any]:
    """One result per text, an exception where the analyzer failed on it: batches first, and
    text by text for a batch that failed as a whole."""
    results: list[Any] = []
    for start in range(0, len(texts), BATCH):
        part = list(texts[start : start + BATCH])
        try:
            answers = list(analyzer.analyze_batch(part))
            if len(answers) != len(part):
                raise RuntimeError(f"{len(answers)} results for {len(part)} texts")
        except Exception:
            answers = []
            for text in part:
                try:
                    answers.append(analyzer.analyze(text))
                except Exception as error:
                    answers.append(error)
        results.extend(answers)
    return results


def verdicts(results: Sequence[Any], policy: Any) -> list[Verdict]:
    from feedback.policy import decide_feedback

    out: list[Verdict] = []
    for result in results:
        if isinstance(result, BaseException):
            out.append(Verdict("in_review", "", None, failed=True))  # never auto-approve
            continue
        try:
            status = str(decide_feedback(result, policy).outcome)
        except Exception:
            out.append(Verdict("in_review", str(result.language), None, failed=True))
            continue
        out.append(Verdict(status, str(result.language), result.sentiment))
    return out


@dataclass
class ReferenceTranslate:
    """Amazon Translate's place: answers each text with the set's English reference."""

    references: dict[str, str]
    calls: int = 0
    characters: int = 0
    misses: int = 0

    def translate_text(self, **params: Any) -> dict[str, Any]:
        text = str(params["Text"])
        self.calls += 1
        self.characters += len(text)
        english = self.references.get(text) or self.references.get(text.strip())
        if english is None:
            self.misses += 1
            english = text
        return {
            "TranslatedText": english,
            "SourceLanguageCode": params.get("SourceLanguageCode", "auto"),
            "TargetLanguageCode": params.get("TargetLanguageCode", "en"),
        }


@dataclass
class EnglishStandIn:
    """Comprehend's place. Language: the label (`no` for nb and nn, as Comprehend says).
    English answers: the local analyzer's, in Comprehend's response shapes."""

    local: Any
    languages: dict[str, str]  # text (original, masked, reference) → Comprehend's code
    calls: int = 0
    unjudged: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)
    _cache: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, operation: str) -> Callable[..., dict[str, Any]]:
        single = operation.removeprefix("batch_")
        if not operation.startswith(("detect_", "batch_detect_")) or single not in _ANSWERS:
            raise AttributeError(operation)

        def call(**params: Any) -> dict[str, Any]:
            self.calls += 1
            answer = _ANSWERS[single]
            if "TextList" in params:
                results = [
                    {"Index": i, **answer(self, text)} for i, text in enumerate(params["TextList"])
                ]
                return {"ResultList": results, "ErrorList": []}
            if "TextSegments" in params:
                return {"ResultList": [self.toxicity(s["Text"]) for s in params["TextSegments"]]}
            return answer(self, params["Text"])

        return call

    def analysis(self, text: str) -> Any:
        if text not in self._cache:
            try:
                self._cache[text] = self.local.analyze(text)
            except Exception:
                self._cache[text] = None
        result = self._cache[text]
        if result is None or result.scores is None:
            self.unjudged.add(text)
        return result

    def language(self, text: str) -> dict[str, Any]:
        code = self.languages.get(text) or self.languages.get(text.strip())
        if code is None:
            self.unknown.add(text)
            return {"Languages": []}
        return {"Languages": [{"LanguageCode": code, "Score": 0.99}]}

    def sentiment(self, text: str) -> dict[str, Any]:
        result = self.analysis(text)
        if result is None or result.scores is None:
            # Nothing to go on: an answer no policy trusts, so the text goes to a person.
            even = {"Positive": 0.25, "Negative": 0.25, "Neutral": 0.25, "Mixed": 0.25}
            return {"Sentiment": "NEUTRAL", "SentimentScore": even}
        scores = {name.capitalize(): value / 100 for name, value in result.scores.as_dict().items()}
        return {"Sentiment": result.scores.top[0].upper(), "SentimentScore": scores}

    def toxicity(self, text: str) -> dict[str, Any]:
        result = self.analysis(text)
        labels = {
            label.name: label.confidence / 100 for label in (result.toxicity if result else ())
        }
        overall = labels.pop("TOXICITY", max(labels.values(), default=0.0))
        return {
            "Labels": [{"Name": name, "Score": score} for name, score in sorted(labels.items())],
            "Toxicity": overall,
        }

    def pii(self, text: str) -> dict[str, Any]:
        result = self.analysis(text)
        entities = [
            {
                "Type": e.type,
                "Score": e.confidence / 100,
                "BeginOffset": e.begin,
                "EndOffset": e.end,
            }
            for e in (result.pii if result else ())
        ]
        return {"Entities": entities}

    def key_phrases(self, text: str) -> dict[str, Any]:
        result = self.analysis(text)
        phrases = [] if result is None else list(result.key_phrases)
        return {"KeyPhrases": [{"Text": phrase, "Score": 0.9} for phrase in phrases]}

    def entities(self, text: str) -> dict[str, Any]:
        result = self.analysis(text)
        found = [] if result is None else list(result.entities)
        return {
            "Entities": [
                {"Text": e.text, "Type": e.type, "Score": e.confidence / 100} for e in found
            ]
        }


_ANSWERS: dict[str, Callable[[EnglishStandIn, str], dict[str, Any]]] = {
    "detect_dominant_language": EnglishStandIn.language,
    "detect_sentiment": EnglishStandIn.sentiment,
    "detect_toxic_content": EnglishStandIn.toxicity,
    "detect_pii_entities": EnglishStandIn.pii,
    "detect_key_phrases": EnglishStandIn.key_phrases,
    "detect_entities": EnglishStandIn.entities,
}


def aws_stubs(items: Sequence[Feedback], local: Any) -> tuple[EnglishStandIn, ReferenceTranslate]:
    from feedback.pii import find_pii, redact

    references: dict[str, str] = {}
    languages: dict[str, str] = {}
    for item in items:
        masked = redact(item.text, find_pii(item.text))
        comprehend_code = "no" if item.language in ("nb", "nn") else item.language
        for form in (item.text, masked):
            references[form] = item.en
            languages[form] = comprehend_code
        languages[item.en] = "en"
        languages[redact(item.en, find_pii(item.en))] = "en"
    return EnglishStandIn(local, languages), ReferenceTranslate(references)


class Detectors:
    """The candidates: langdetect as the analyzer used it, and lingua two ways."""

    def __init__(self) -> None:
        from langdetect.detector_factory import (  # type: ignore[import-untyped]
            PROFILES_DIRECTORY,
            DetectorFactory,
        )
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        self._langdetect = DetectorFactory()
        self._langdetect.load_profile(PROFILES_DIRECTORY)
        self._langdetect.set_seed(0)
        chosen = [
            Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LINGUA_SET
        ]
        self._lingua_some = LanguageDetectorBuilder.from_languages(*chosen).build()
        self._lingua_all = LanguageDetectorBuilder.from_all_languages().build()

    def detect(self, name: str, texts: Sequence[str]) -> list[str]:
        from feedback.languages import iso639_1

        if name == "langdetect":
            return [iso639_1(self._one_langdetect(text)) for text in texts]
        detector = self._lingua_some if name == DETECTORS[1] else self._lingua_all
        found = detector.detect_languages_in_parallel_of(list(texts))
        return [UNDETERMINED if f is None else f.iso_code_639_1.name.lower() for f in found]

    def _one_langdetect(self, text: str) -> str:
        from langdetect.lang_detect_exception import (  # type: ignore[import-untyped]
            LangDetectException,
        )

        detector = self._langdetect.create()
        detector.append(text)
        try:
            return str(detector.detect())
        except LangDetectException:
            return UNDETERMINED
