"""Scenario 5: Amazon Comprehend (and Translate) calls per message, one by one vs backlog batches.

Two passes per mode: recording fake clients learn the exact calls the analyzer makes, then the
same calls run again through real boto3 clients wrapped in botocore's Stubber (each request and
response is checked against the Comprehend and Translate service models). No network is used.
English messages go to Comprehend only; Norwegian ones are translated to English first.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.report import Table, fmt_float

MESSAGES = 1_000
SEED = 2
# Assumed us-east-1 list prices, USD per 100-character unit, at least 3 units per request
# (per document in a Batch* call). To be checked against https://aws.amazon.com/comprehend/pricing/
PRICE_PER_UNIT = 0.0001
MIN_UNITS = 3
# Amazon Translate, standard real-time translation: assumed list price of USD 15 per million
# characters sent, with no per-request minimum. To be checked against
# https://aws.amazon.com/translate/pricing/
PRICE_PER_MILLION_CHARACTERS = 15.0

_OPENINGS = ("The delivery", "Your support team", "The app", "This product", "The checkout")
_VERDICTS = (
    "was quick and friendly",
    "crashed twice today",
    "is fine I guess",
    "took far too long",
    "made my week, thanks",
    "did not accept my card",
)
_ENDINGS = ("", " Please fix it.", " Great job!", " Will order again.", " Not impressed.")

# Bokmål, with a few nynorsk verdicts, and now and then a phone number that is masked before
# the text goes to Translate.
_OPENINGS_NO = ("Leveringen", "Kundeservice", "Appen", "Varen", "Betalingen")
_VERDICTS_NO = (
    "gikk raskt og greit",
    "krasjet to ganger i dag",
    "er helt grei",
    "tok altfor lang tid",
    "gjorde dagen min, takk",
    "kom ikkje fram i tide",
    "var berre bra",
)
_ENDINGS_NO = ("", " Fiks det.", " Godt jobbet!", " Handler igjen.", " Ring meg på 912 34 567.")


def messages(count: int = MESSAGES, seed: int = SEED) -> list[str]:
    """Short English feedback, 30–70 characters."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(_OPENINGS)} {rng.choice(_VERDICTS)}.{rng.choice(_ENDINGS)}"
        for _ in range(count)
    ]


def norwegian_messages(count: int = MESSAGES, seed: int = SEED) -> list[str]:
    """Short Norwegian feedback, 20–70 characters."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(_OPENINGS_NO)} {rng.choice(_VERDICTS_NO)}.{rng.choice(_ENDINGS_NO)}"
        for _ in range(count)
    ]


_SENTIMENT: dict[str, Any] = {
    "Sentiment": "POSITIVE",
    "SentimentScore": {"Positive": 0.9, "Negative": 0.02, "Neutral": 0.06, "Mixed": 0.02},
}
_KEY_PHRASES: dict[str, Any] = {
    "KeyPhrases": [{"Text": "the app", "Score": 0.99, "BeginOffset": 0, "EndOffset": 7}]
}
_NONE: dict[str, Any] = {"Entities": []}
_TRANSLATION = "The delivery went quickly and smoothly."


def response_for(operation: str, params: dict[str, Any], language: str) -> dict[str, Any]:
    """A canned, service-model-valid answer for one call; `language` is the one detected."""
    detected: dict[str, Any] = {"Languages": [{"LanguageCode": language, "Score": 0.99}]}
    if operation == "translate_text":
        return {
            "TranslatedText": _TRANSLATION,
            "SourceLanguageCode": params["SourceLanguageCode"],
            "TargetLanguageCode": params["TargetLanguageCode"],
        }
    single: dict[str, dict[str, Any]] = {
        "detect_dominant_language": detected,
        "detect_sentiment": _SENTIMENT,
        "detect_key_phrases": _KEY_PHRASES,
        "detect_entities": _NONE,
        "detect_pii_entities": _NONE,
    }
    if operation in single:
        return dict(single[operation])
    if operation == "detect_toxic_content":
        result = {"Labels": [{"Name": "PROFANITY", "Score": 0.01}], "Toxicity": 0.02}
        return {"ResultList": [dict(result) for _ in params["TextSegments"]]}
    item: dict[str, Any] = {
        "batch_detect_dominant_language": detected,
        "batch_detect_sentiment": _SENTIMENT,
        "batch_detect_key_phrases": _KEY_PHRASES,
        "batch_detect_entities": _NONE,
    }[operation]
    return {
        "ResultList": [{"Index": i, **item} for i in range(len(params["TextList"]))],
        "ErrorList": [],
    }


def billed_units(operation: str, params: dict[str, Any]) -> int:
    """Comprehend's units of 100 characters; Translate is billed per character instead."""

    def units(text: str) -> int:
        return max(MIN_UNITS, math.ceil(len(text) / 100))

    if operation == "translate_text":
        return 0
    if "TextList" in params:  # Batch*: each document is billed as a request of its own
        return sum(units(text) for text in params["TextList"])
    if "TextSegments" in params:  # assumed: one request, all its segments' characters
        return units("".join(segment["Text"] for segment in params["TextSegments"]))
    return units(params["Text"])


# (service, operation, parameters), in the order the analyzer made the calls.
Call = tuple[str, str, dict[str, Any]]


def translated_characters(calls: Sequence[Call]) -> int:
    return sum(len(params["Text"]) for _, op, params in calls if op == "translate_text")


@dataclass
class RecordingClient:
    """Answers every method of one service the analyzer uses and keeps the calls it received,
    in a list it may share with the other service's recorder."""

    service: str
    language: str
    calls: list[Call] = field(default_factory=list)

    def __getattr__(self, operation: str) -> Callable[..., dict[str, Any]]:
        if not operation.startswith(("detect_", "batch_detect_", "translate_text")):
            raise AttributeError(operation)

        def call(**params: Any) -> dict[str, Any]:
            self.calls.append((self.service, operation, params))
            return response_for(operation, params, self.language)

        return call


def _recorded(work: Callable[[Any], object], language: str) -> list[Call]:
    from feedback.analyzers.aws import ComprehendAnalyzer

    calls: list[Call] = []
    comprehend = RecordingClient("comprehend", language, calls)
    translate = RecordingClient("translate", language, calls)
    work(ComprehendAnalyzer(client=comprehend, translate_client=translate))
    return calls


def _stubbed_run(calls: Sequence[Call], work: Callable[[Any], object], language: str) -> int:
    """Runs `work(analyzer)` on Stubber-wrapped boto3 clients answering `calls` in order;
    returns the calls botocore saw."""
    import boto3
    from botocore.stub import Stubber

    from feedback.analyzers.aws import ComprehendAnalyzer

    clients = {
        "comprehend": boto3.client("comprehend", region_name="eu-west-1"),
        "translate": boto3.client("translate", region_name="eu-west-1"),
    }
    seen = Counter[str]()

    def count(event_name: str, **_: Any) -> None:
        seen[event_name] += 1

    stubbers = {name: Stubber(client) for name, client in clients.items()}
    for name, client in clients.items():
        client.meta.events.register(f"before-parameter-build.{name}.*", count)
    for service, operation, params in calls:
        stubbers[service].add_response(operation, response_for(operation, params, language), params)
    for stubber in stubbers.values():
        stubber.activate()
    try:
        work(
            ComprehendAnalyzer(client=clients["comprehend"], translate_client=clients["translate"])
        )
        for stubber in stubbers.values():
            stubber.assert_no_pending_responses()
    finally:
        for stubber in stubbers.values():
            stubber.deactivate()
    return sum(seen.values())


def _per_message(texts: Sequence[str]) -> Callable[[Any], object]:
    def work(analyzer: Any) -> None:
        for text in texts:
            analyzer.analyze(text)

    return work


def _backlog(texts: Sequence[str]) -> Callable[[Any], object]:
    # As feedback_analyze_backlog does: one analyze_batch over the leased texts.
    def work(analyzer: Any) -> None:
        analyzer.analyze_batch(list(texts))

    return work


MODES = {"per message (`analyze`)": _per_message, "backlog (`analyze_batch`)": _backlog}


def _measure(texts: Sequence[str], language: str) -> dict[str, list[Call]]:
    """Per mode, the calls made for `texts`, checked against the service models."""
    recorded: dict[str, list[Call]] = {}
    for mode, make in MODES.items():
        calls = _recorded(make(texts), language)
        stubbed = _stubbed_run(calls, make(texts), language)
        assert stubbed == len(calls), (stubbed, len(calls))
        recorded[mode] = calls
    return recorded


def run() -> list[Table]:
    english = _measure(messages(), "en")
    norwegian = _measure(norwegian_messages(), "no")
    stub_note = (
        "Clients: boto3 `comprehend` and `translate` (eu-west-1, dummy credentials) wrapped in "
        "botocore `Stubber`; the calls were first learnt with recording fake clients, and the "
        "Stubber run checked every request and response against the service models. Calls "
        "counted on `before-parameter-build.<service>.*`."
    )
    summary = Table(
        f"Comprehend calls for {MESSAGES:,} short English messages",
        ["Mode", "Calls", "Calls / message", "Billed units", "Est. USD / 1,000 messages"],
        notes=[
            stub_note,
            f"Price assumed: USD {PRICE_PER_UNIT} per unit of 100 characters, minimum "
            f"{MIN_UNITS} units per request, for language, sentiment, key phrases, entities, "
            "PII detection and toxicity detection alike (us-east-1 list price as remembered "
            "— check against the AWS pricing page). Batch* calls are billed per document; "
            "a DetectToxicContent request is assumed billed on all its segments' characters "
            "together, with one 3-unit minimum per request.",
            "Messages are 30–70 characters, so every document pays the 3-unit minimum.",
        ],
    )
    for mode, calls in english.items():
        units = sum(billed_units(op, params) for _, op, params in calls)
        summary.add(
            mode,
            f"{len(calls):,}",
            fmt_float(len(calls) / MESSAGES),
            f"{units:,}",
            f"{units * PRICE_PER_UNIT * 1_000 / MESSAGES:.2f}",
        )
    translated = Table(
        f"Comprehend and Translate calls for {MESSAGES:,} short Norwegian messages",
        [
            "Mode",
            "Calls",
            "Calls / message",
            "Comprehend units",
            "Characters translated",
            "Est. USD / 1,000 messages (Comprehend + Translate)",
        ],
        notes=[
            "Each message is masked by the local PII finder, translated to English (one "
            "`translate_text` call each: TranslateText has no synchronous batch form), its "
            "translation checked for PII by Comprehend, then judged on the translation for "
            "sentiment and toxicity. No key phrases or entities on a translation.",
            f"Translate price assumed: USD {PRICE_PER_MILLION_CHARACTERS:g} per million "
            "characters sent (standard real-time translation list price; no per-request "
            "minimum assumed — check against the AWS pricing page). Comprehend priced as above.",
            "Messages are 20–70 characters of bokmål and nynorsk; some carry a phone number, "
            "sent to Translate as `[PHONE]`.",
        ],
    )
    for mode, calls in norwegian.items():
        units = sum(billed_units(op, params) for _, op, params in calls)
        characters = translated_characters(calls)
        usd = units * PRICE_PER_UNIT + characters * PRICE_PER_MILLION_CHARACTERS / 1_000_000
        translated.add(
            mode,
            f"{len(calls):,}",
            fmt_float(len(calls) / MESSAGES),
            f"{units:,}",
            f"{characters:,}",
            f"{usd * 1_000 / MESSAGES:.2f}",
        )
    runs = {
        **{f"English, {mode}": calls for mode, calls in english.items()},
        **{f"Norwegian, {mode}": calls for mode, calls in norwegian.items()},
    }
    by_operation = Table(
        "Calls by operation",
        ["Operation", *runs],
        notes=["Free-tier allowances not counted."],
    )
    counts = {name: Counter(op for _, op, _ in calls) for name, calls in runs.items()}
    operations = sorted({op for counted in counts.values() for op in counted})
    for operation in operations:
        by_operation.add(f"`{operation}`", *(f"{counts[name][operation]:,}" for name in runs))
    return [summary, translated, by_operation]
