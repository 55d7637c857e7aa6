"""Scenario 5: Amazon Comprehend calls per message, one by one vs backlog batches.

Two passes per mode: a recording fake client learns the exact calls the analyzer makes, then
the same calls run again through a real boto3 client wrapped in botocore's Stubber (each
request and response is checked against the Comprehend service model). No network is used.
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


def messages(count: int = MESSAGES, seed: int = SEED) -> list[str]:
    """Short English feedback, 30–70 characters."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(_OPENINGS)} {rng.choice(_VERDICTS)}.{rng.choice(_ENDINGS)}"
        for _ in range(count)
    ]


_LANGUAGE: dict[str, Any] = {"Languages": [{"LanguageCode": "en", "Score": 0.99}]}
_SENTIMENT: dict[str, Any] = {
    "Sentiment": "POSITIVE",
    "SentimentScore": {"Positive": 0.9, "Negative": 0.02, "Neutral": 0.06, "Mixed": 0.02},
}
_KEY_PHRASES: dict[str, Any] = {
    "KeyPhrases": [{"Text": "the app", "Score": 0.99, "BeginOffset": 0, "EndOffset": 7}]
}
_NONE: dict[str, Any] = {"Entities": []}


def response_for(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """A canned, service-model-valid answer for one call."""
    single: dict[str, dict[str, Any]] = {
        "detect_dominant_language": _LANGUAGE,
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
        "batch_detect_dominant_language": _LANGUAGE,
        "batch_detect_sentiment": _SENTIMENT,
        "batch_detect_key_phrases": _KEY_PHRASES,
        "batch_detect_entities": _NONE,
    }[operation]
    return {
        "ResultList": [{"Index": i, **item} for i in range(len(params["TextList"]))],
        "ErrorList": [],
    }


def billed_units(operation: str, params: dict[str, Any]) -> int:
    def units(text: str) -> int:
        return max(MIN_UNITS, math.ceil(len(text) / 100))

    if "TextList" in params:  # Batch*: each document is billed as a request of its own
        return sum(units(text) for text in params["TextList"])
    if "TextSegments" in params:  # assumed: one request, all its segments' characters
        return units("".join(segment["Text"] for segment in params["TextSegments"]))
    return units(params["Text"])


@dataclass
class RecordingClient:
    """Answers every Comprehend method the analyzer uses and keeps the calls it received."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __getattr__(self, operation: str) -> Callable[..., dict[str, Any]]:
        if not operation.startswith(("detect_", "batch_detect_")):
            raise AttributeError(operation)

        def call(**params: Any) -> dict[str, Any]:
            self.calls.append((operation, params))
            return response_for(operation, params)

        return call


def _stubbed_run(calls: Sequence[tuple[str, dict[str, Any]]], work: Callable[[Any], object]) -> int:
    """Runs `work(analyzer)` on a Stubber-wrapped boto3 client answering `calls` in order;
    returns the calls botocore saw."""
    import boto3
    from botocore.stub import Stubber

    from feedback.analyzers.aws import ComprehendAnalyzer

    client = boto3.client("comprehend", region_name="eu-west-1")
    seen = Counter[str]()

    def count(event_name: str, **_: Any) -> None:
        seen[event_name] += 1

    client.meta.events.register("before-parameter-build.comprehend.*", count)
    with Stubber(client) as stubber:
        for operation, params in calls:
            stubber.add_response(operation, response_for(operation, params), params)
        work(ComprehendAnalyzer(client=client))
        stubber.assert_no_pending_responses()
    return sum(seen.values())


def _per_message(analyzer: Any) -> None:
    for text in messages():
        analyzer.analyze(text)


def _backlog(analyzer: Any) -> None:
    # As feedback_analyze_backlog does: one analyze_batch over the leased texts.
    analyzer.analyze_batch(messages())


def run() -> list[Table]:
    from feedback.analyzers.aws import ComprehendAnalyzer

    modes = {"per message (`analyze`)": _per_message, "backlog (`analyze_batch`)": _backlog}
    summary = Table(
        f"Comprehend calls for {MESSAGES:,} short English messages",
        ["Mode", "Calls", "Calls / message", "Billed units", "Est. USD / 1,000 messages"],
        notes=[
            "Client: boto3 `comprehend` (eu-west-1, dummy credentials) wrapped in botocore "
            "`Stubber`; the calls were first learnt with a recording fake client, and the "
            "Stubber run checked every request and response against the service model. "
            "Calls counted on `before-parameter-build.comprehend.*`.",
            f"Price assumed: USD {PRICE_PER_UNIT} per unit of 100 characters, minimum "
            f"{MIN_UNITS} units per request, for language, sentiment, key phrases, entities, "
            "PII detection and toxicity detection alike (us-east-1 list price as remembered "
            "— check against the AWS pricing page). Batch* calls are billed per document; "
            "a DetectToxicContent request is assumed billed on all its segments' characters "
            "together, with one 3-unit minimum per request.",
            "Messages are 30–70 characters, so every document pays the 3-unit minimum.",
        ],
    )
    by_operation = Table(
        "Comprehend calls by operation",
        ["Operation", *modes],
        notes=["Free-tier allowances not counted."],
    )
    per_op: dict[str, Counter[str]] = {}
    for mode, work in modes.items():
        recorder = RecordingClient()
        work(ComprehendAnalyzer(client=recorder))
        stubbed = _stubbed_run(recorder.calls, work)
        assert stubbed == len(recorder.calls), (stubbed, len(recorder.calls))
        units = sum(billed_units(op, params) for op, params in recorder.calls)
        cost = units * PRICE_PER_UNIT * 1_000 / MESSAGES
        summary.add(
            mode,
            f"{stubbed:,}",
            fmt_float(stubbed / MESSAGES),
            f"{units:,}",
            f"{cost:.2f}",
        )
        per_op[mode] = Counter(op for op, _ in recorder.calls)
    operations = sorted({op for counts in per_op.values() for op in counts})
    for operation in operations:
        by_operation.add(f"`{operation}`", *(f"{per_op[m][operation]:,}" for m in modes))
    return [summary, by_operation]
