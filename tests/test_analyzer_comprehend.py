"""ComprehendAnalyzer against botocore's Stubber (moto lacks most Comprehend calls).

The Stubber checks request parameters and responses against the real service model, so a
mistyped parameter or an invented response field fails here as it would against AWS. Each
stubbed call also states the exact parameters expected, in the order the analyzer must call.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import boto3
import pytest
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.stub import Stubber

from feedback.analyzers import aws as comprehend
from feedback.analyzers.aws import ComprehendAnalyzer
from feedback.analyzers.base import (
    LANGUAGE_UNCERTAIN,
    LANGUAGE_UNSUPPORTED,
    AnalyzerError,
    Entity,
    PiiEntity,
    TextAnalysis,
    TextAnalyzer,
    ToxicityLabel,
    TransientAnalyzerError,
)
from feedback.chunking import utf8_chunks

# A sentence of exactly 100 UTF-8 bytes, all ASCII.
A = (
    "The parcel arrived on time, the box was intact and the support team answered all my "
    "questions fast. "
)
# Starts at byte 4,900 of LONG_TEXT; "☕" fills bytes 4,995–4,997 and "🎉" bytes 4,998–5,001, so
# a plain cut at 5,000 bytes would land inside the emoji.
B = (
    "We loved the blåbærsyltetøy and the fresh bread from the little shop by the sea, quite "
    "nice ☕🎉 and we will come back. "
)
LONG_TEXT = (A * 49 + B + A * 5).rstrip()
# Sentiment chunks (≤ 5,000 bytes): the cut falls after the last sentence that fits.
LONG_CHUNKS = [A * 49, (B + A * 5).rstrip()]
# Toxicity segments (≤ 1,000 bytes): ten sentences fill a segment exactly.
LONG_SEGMENTS = [A * 10] * 4 + [A * 9, (B + A * 5).rstrip()]

# Fifty bytes; twenty of them fill one toxicity segment.
INSULT = "You are a complete idiot and your shop is a joke. "

EN = {"Languages": [{"LanguageCode": "en", "Score": 0.99}]}


def score(positive: float, negative: float, neutral: float, mixed: float) -> dict[str, float]:
    return {"Positive": positive, "Negative": negative, "Neutral": neutral, "Mixed": mixed}


POSITIVE = score(0.9, 0.02, 0.06, 0.02)


@pytest.fixture(autouse=True)
def _aws_environment(aws_environment: None) -> None:
    """Every test here: dummy credentials, no developer AWS config (tests/conftest.py)."""


@pytest.fixture
def client() -> Any:
    return boto3.client("comprehend", region_name="eu-west-1")


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def analyzer(client: Any) -> Iterator[ComprehendAnalyzer]:
    # A Translate client with no answers queued: a test here that reached Translate would
    # fail on the unexpected call (tests/test_analyzer_translate.py covers that path).
    translate = boto3.client("translate", region_name="eu-west-1")
    with Stubber(translate):
        yield ComprehendAnalyzer(client=client, translate_client=translate)


def sent(client: Any, api_name: str) -> list[dict[str, Any]]:
    """The parameters of each call to `api_name`, as the analyzer passed them."""
    calls: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **kwargs: Any) -> None:
        calls.append(params)

    client.meta.events.register(f"before-parameter-build.comprehend.{api_name}", record)
    return calls


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def toxicity(result: TextAnalysis) -> list[tuple[str, float]]:
    assert all(isinstance(label, ToxicityLabel) for label in result.toxicity)
    return [(label.name, label.confidence) for label in result.toxicity]


def stub_text_tail(stubber: Stubber, text: str, language: str = "en") -> None:
    """PII, key phrases and entities with nothing found: for tests about the other calls."""
    if language in ("en", "es"):
        stubber.add_response(
            "detect_pii_entities", {"Entities": []}, {"Text": text, "LanguageCode": language}
        )
    stubber.add_response(
        "detect_key_phrases", {"KeyPhrases": []}, {"Text": text, "LanguageCode": language}
    )
    stubber.add_response(
        "detect_entities", {"Entities": []}, {"Text": text, "LanguageCode": language}
    )


# -- one text -------------------------------------------------------------------------------


def test_satisfies_the_analyzer_protocol(client: Any) -> None:
    analyzer: TextAnalyzer = ComprehendAnalyzer(client=client)
    assert analyzer.name == "aws-comprehend"


def test_short_english_text_makes_six_calls_and_maps_every_field(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    text = "The new checkout is great, thanks Anna! Mail me at anna@example.com if you need more."
    anna_at = text.index("Anna")
    email_at = text.index("anna@example.com")
    stubber.add_response(
        "detect_dominant_language",
        {
            "Languages": [
                {"LanguageCode": "de", "Score": 0.004},
                {"LanguageCode": "en", "Score": 0.9912},
            ]
        },
        {"Text": text},
    )
    stubber.add_response(
        "detect_sentiment",
        {"Sentiment": "POSITIVE", "SentimentScore": score(0.91, 0.02, 0.05, 0.02)},
        {"Text": text, "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_toxic_content",
        {
            "ResultList": [
                {
                    "Labels": [
                        {"Name": "PROFANITY", "Score": 0.011},
                        {"Name": "INSULT", "Score": 0.023},
                        {"Name": "HATE_SPEECH", "Score": 0.002},
                    ],
                    "Toxicity": 0.031,
                }
            ]
        },
        {"TextSegments": [{"Text": text}], "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_pii_entities",
        {
            "Entities": [
                {"Score": 0.93, "Type": "NAME", "BeginOffset": anna_at, "EndOffset": anna_at + 4},
                {
                    "Score": 0.9995,
                    "Type": "EMAIL",
                    "BeginOffset": email_at,
                    "EndOffset": email_at + 16,
                },
            ]
        },
        {"Text": text, "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_key_phrases",
        {
            "KeyPhrases": [
                {"Score": 0.99, "Text": "The new checkout", "BeginOffset": 0, "EndOffset": 16},
                {
                    "Score": 0.97,
                    "Text": "anna@example.com",
                    "BeginOffset": email_at,
                    "EndOffset": email_at + 16,
                },
            ]
        },
        {"Text": text, "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_entities",
        {
            "Entities": [
                {
                    "Score": 0.985,
                    "Type": "PERSON",
                    "Text": "Anna",
                    "BeginOffset": anna_at,
                    "EndOffset": anna_at + 4,
                },
                {
                    "Score": 0.91,
                    "Type": "OTHER",
                    "Text": "anna@example.com",
                    "BeginOffset": email_at,
                    "EndOffset": email_at + 16,
                },
            ]
        },
        {"Text": text, "LanguageCode": "en"},
    )

    result = analyzer.analyze(text)

    assert result.language == "en"
    assert result.language_confidence == pytest.approx(99.12)
    assert result.language_supported is True
    assert result.scores is not None
    assert result.scores.as_dict() == pytest.approx(
        {"positive": 91.0, "negative": 2.0, "neutral": 5.0, "mixed": 2.0}
    )
    assert result.sentiment == "positive"
    assert result.scores.top == ("positive", pytest.approx(91.0))
    # The overall score first, then Comprehend's labels under their own names.
    assert toxicity(result) == [
        ("TOXICITY", pytest.approx(3.1)),
        ("HATE_SPEECH", pytest.approx(0.2)),
        ("INSULT", pytest.approx(2.3)),
        ("PROFANITY", pytest.approx(1.1)),
    ]
    assert [(p.type, p.begin, p.end, p.confidence) for p in result.pii] == [
        ("NAME", anna_at, anna_at + 4, pytest.approx(93.0)),
        ("EMAIL", email_at, email_at + 16, pytest.approx(99.95)),
    ]
    assert all(isinstance(p, PiiEntity) for p in result.pii)
    assert [text[p.begin : p.end] for p in result.pii] == ["Anna", "anna@example.com"]
    assert result.key_phrases == ("The new checkout", "anna@example.com")
    assert [(e.text, e.type, e.confidence) for e in result.entities] == [
        ("Anna", "PERSON", pytest.approx(98.5)),
        ("anna@example.com", "OTHER", pytest.approx(91.0)),
    ]
    assert all(isinstance(e, Entity) for e in result.entities)
    assert result.analyzer == "aws-comprehend"
    assert result.model_version == "comprehend-2017-11-27"
    assert result.api_calls == 6
    assert result.extra == {
        "language_sample_truncated": False,
        "sentiment_chunks": 1,
        "toxicity_segments": 1,
    }


def test_long_text_is_scored_in_sentence_chunks_weighted_by_length(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    # The set-up itself: over 5 KB, and a naive 5,000-byte cut would split the emoji.
    assert utf8_size(LONG_TEXT) == 5_525
    assert utf8_size(LONG_TEXT[: LONG_TEXT.index("🎉")]) == 4_998
    with pytest.raises(UnicodeDecodeError):
        LONG_TEXT.encode("utf-8")[:5_000].decode("utf-8")
    # The expected chunks: contiguous, within the limits, each ending a sentence.
    assert "".join(LONG_CHUNKS) == LONG_TEXT
    assert "".join(LONG_SEGMENTS) == LONG_TEXT
    assert [utf8_size(chunk) for chunk in LONG_CHUNKS] == [4_900, 625]
    assert [utf8_size(segment) for segment in LONG_SEGMENTS] == [1_000] * 4 + [900, 625]
    assert all(chunk.rstrip().endswith(".") for chunk in LONG_CHUNKS + LONG_SEGMENTS)
    assert [len(chunk) for chunk in LONG_CHUNKS] == [4_900, 617]

    stubber.add_response("detect_dominant_language", EN, {"Text": LONG_TEXT})
    stubber.add_response(
        "batch_detect_sentiment",
        {
            "ResultList": [
                {
                    "Index": 0,
                    "Sentiment": "POSITIVE",
                    "SentimentScore": score(0.8, 0.1, 0.05, 0.05),
                },
                {"Index": 1, "Sentiment": "NEGATIVE", "SentimentScore": score(0.1, 0.7, 0.1, 0.1)},
            ],
            "ErrorList": [],
        },
        {"TextList": LONG_CHUNKS, "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_toxic_content",
        {"ResultList": [{"Labels": [], "Toxicity": 0.01} for _ in LONG_SEGMENTS]},
        {"TextSegments": [{"Text": segment} for segment in LONG_SEGMENTS], "LanguageCode": "en"},
    )
    stub_text_tail(stubber, LONG_TEXT)

    result = analyzer.analyze(LONG_TEXT)

    # Weighted by characters: 4,900 for the first chunk, 617 for the second (5,517 in all).
    assert result.scores is not None
    assert result.scores.positive == pytest.approx((4_900 * 80 + 617 * 10) / 5_517)  # 72.17
    assert result.scores.negative == pytest.approx((4_900 * 10 + 617 * 70) / 5_517)  # 16.71
    assert result.scores.neutral == pytest.approx((4_900 * 5 + 617 * 10) / 5_517)  # 5.56
    assert result.scores.mixed == pytest.approx((4_900 * 5 + 617 * 10) / 5_517)
    assert sum(result.scores.as_dict().values()) == pytest.approx(100.0)
    assert result.sentiment == "positive"
    assert result.api_calls == 6
    assert result.extra["sentiment_chunks"] == 2
    assert result.extra["toxicity_segments"] == 6


def test_language_neither_service_reads_is_unsupported_and_costs_one_call(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    # Latin: Comprehend detects it, but neither it nor Translate can analyse or translate it.
    text = "Gratias tibi ago pro celeri traditione et auxilio benigno."
    stubber.add_response(
        "detect_dominant_language",
        {
            "Languages": [
                {"LanguageCode": "la", "Score": 0.97},
                {"LanguageCode": "it", "Score": 0.02},
            ]
        },
        {"Text": text},
    )

    result = analyzer.analyze(text)

    assert result.language == "la"
    assert result.language_confidence == pytest.approx(97.0)
    assert result.language_supported is False
    assert result.unjudged == LANGUAGE_UNSUPPORTED
    assert result.scores is None
    assert result.sentiment is None
    assert result.translation is None
    assert (result.toxicity, result.pii, result.key_phrases, result.entities) == ((), (), (), ())
    assert result.api_calls == 1


def test_toxic_text_over_one_segment_keeps_the_worst_score_per_label(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    text = (INSULT * 45).rstrip()
    segments = [INSULT * 20, INSULT * 20, (INSULT * 5).rstrip()]
    assert "".join(segments) == text
    stubber.add_response("detect_dominant_language", EN, {"Text": text})
    stubber.add_response(
        "detect_sentiment",
        {"Sentiment": "NEGATIVE", "SentimentScore": score(0.01, 0.97, 0.01, 0.01)},
        {"Text": text, "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_toxic_content",
        {
            "ResultList": [
                {
                    "Labels": [
                        {"Name": "INSULT", "Score": 0.91},
                        {"Name": "PROFANITY", "Score": 0.2},
                    ],
                    "Toxicity": 0.88,
                },
                {
                    "Labels": [
                        {"Name": "INSULT", "Score": 0.95},
                        {"Name": "PROFANITY", "Score": 0.1},
                    ],
                    "Toxicity": 0.93,
                },
                {
                    "Labels": [
                        {"Name": "INSULT", "Score": 0.5},
                        {"Name": "HARASSMENT_OR_ABUSE", "Score": 0.64},
                    ],
                    "Toxicity": 0.7,
                },
            ]
        },
        {"TextSegments": [{"Text": segment} for segment in segments], "LanguageCode": "en"},
    )
    stub_text_tail(stubber, text)

    result = analyzer.analyze(text)

    assert toxicity(result) == [
        ("TOXICITY", pytest.approx(93.0)),
        ("HARASSMENT_OR_ABUSE", pytest.approx(64.0)),
        ("INSULT", pytest.approx(95.0)),
        ("PROFANITY", pytest.approx(20.0)),
    ]
    assert result.sentiment == "negative"
    assert result.extra["toxicity_segments"] == 3
    assert result.api_calls == 6


def test_text_over_ten_segments_takes_several_toxicity_calls(
    analyzer: ComprehendAnalyzer, stubber: Stubber, client: Any
) -> None:
    text = (INSULT * 210).rstrip()  # 10,499 bytes: eleven segments, three sentiment chunks
    segments = [INSULT * 20] * 10 + [(INSULT * 10).rstrip()]
    chunks = [INSULT * 100, INSULT * 100, (INSULT * 10).rstrip()]
    assert "".join(segments) == "".join(chunks) == text
    toxic_calls = sent(client, "DetectToxicContent")
    stubber.add_response("detect_dominant_language", EN, {"Text": text})
    stubber.add_response(
        "batch_detect_sentiment",
        {
            "ResultList": [
                {"Index": index, "Sentiment": "NEGATIVE", "SentimentScore": score(0, 1, 0, 0)}
                for index in range(3)
            ],
            "ErrorList": [],
        },
        {"TextList": chunks, "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_toxic_content",
        {"ResultList": [{"Labels": [{"Name": "INSULT", "Score": 0.6}], "Toxicity": 0.6}] * 10},
        {"TextSegments": [{"Text": s} for s in segments[:10]], "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_toxic_content",
        {"ResultList": [{"Labels": [{"Name": "INSULT", "Score": 0.99}], "Toxicity": 0.97}]},
        {"TextSegments": [{"Text": segments[10]}], "LanguageCode": "en"},
    )
    stub_text_tail(stubber, text)

    result = analyzer.analyze(text)

    assert len(toxic_calls) == 2
    assert toxicity(result) == [("TOXICITY", pytest.approx(97.0)), ("INSULT", pytest.approx(99.0))]
    assert result.api_calls == 7


def test_pii_offsets_count_characters_not_bytes(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    text = "Great café 😀 — write to me at jo.berg@example.com if anything is missing."
    email = "jo.berg@example.com"
    begin = text.index(email)
    # Bytes and characters disagree here: a byte-offset reading would miss the address.
    assert utf8_size(text[:begin]) == begin + 6
    stubber.add_response("detect_dominant_language", EN, {"Text": text})
    stubber.add_response(
        "detect_sentiment",
        {"Sentiment": "NEUTRAL", "SentimentScore": score(0.2, 0.05, 0.7, 0.05)},
        {"Text": text, "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_toxic_content",
        {"ResultList": [{"Labels": [], "Toxicity": 0.0}]},
        {"TextSegments": [{"Text": text}], "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_pii_entities",
        {
            "Entities": [
                {"Score": 0.999, "Type": "EMAIL", "BeginOffset": begin, "EndOffset": begin + 19}
            ]
        },
        {"Text": text, "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_key_phrases", {"KeyPhrases": []}, {"Text": text, "LanguageCode": "en"}
    )
    stubber.add_response("detect_entities", {"Entities": []}, {"Text": text, "LanguageCode": "en"})

    (entity,) = analyzer.analyze(text).pii

    assert entity.type == "EMAIL"
    assert text[entity.begin : entity.end] == email


def test_pii_offsets_of_a_later_chunk_point_into_the_whole_text(
    analyzer: ComprehendAnalyzer, stubber: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Feedback stays under the real 100 KB; a small limit makes the chunking visible.
    monkeypatch.setattr(comprehend, "DOCUMENT_BYTES", 60)
    first, second = "Thanks for the café visit 😀. ", "Write to åse.berg@example.com today."
    text = first + second
    assert (utf8_size(first), utf8_size(second)) == (33, 37)
    stubber.add_response("detect_dominant_language", EN, {"Text": text})
    stubber.add_response(
        "detect_sentiment",
        {"Sentiment": "POSITIVE", "SentimentScore": POSITIVE},
        {"Text": text, "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_toxic_content",
        {"ResultList": [{"Labels": [], "Toxicity": 0.0}]},
        {"TextSegments": [{"Text": text}], "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_pii_entities", {"Entities": []}, {"Text": first, "LanguageCode": "en"}
    )
    stubber.add_response(
        "detect_pii_entities",
        # Offsets into the chunk sent: "Write to " is 9 characters.
        {"Entities": [{"Score": 0.99, "Type": "EMAIL", "BeginOffset": 9, "EndOffset": 29}]},
        {"Text": second, "LanguageCode": "en"},
    )
    for chunk, phrase in ((first, "the café visit"), (second, "åse.berg@example.com")):
        stubber.add_response(
            "detect_key_phrases",
            {"KeyPhrases": [{"Score": 0.9, "Text": phrase}]},
            {"Text": chunk, "LanguageCode": "en"},
        )
    for chunk in (first, second):
        stubber.add_response(
            "detect_entities", {"Entities": []}, {"Text": chunk, "LanguageCode": "en"}
        )

    result = analyzer.analyze(text)

    (entity,) = result.pii
    assert (entity.begin, entity.end) == (len(first) + 9, len(first) + 29) == (38, 58)
    assert text[entity.begin : entity.end] == "åse.berg@example.com"
    assert result.key_phrases == ("the café visit", "åse.berg@example.com")
    assert result.api_calls == 9


def test_spanish_gets_pii_but_no_toxicity(analyzer: ComprehendAnalyzer, stubber: Stubber) -> None:
    text = "El pedido llegó tarde y la caja estaba rota, escríbanme a ana@example.es por favor."
    stubber.add_response(
        "detect_dominant_language",
        {"Languages": [{"LanguageCode": "es", "Score": 0.98}]},
        {"Text": text},
    )
    stubber.add_response(
        "detect_sentiment",
        {"Sentiment": "NEGATIVE", "SentimentScore": score(0.02, 0.9, 0.05, 0.03)},
        {"Text": text, "LanguageCode": "es"},
    )
    stub_text_tail(stubber, text, "es")

    result = analyzer.analyze(text)

    assert (result.language, result.language_supported, result.sentiment) == (
        "es",
        True,
        "negative",
    )
    assert result.toxicity == ()
    assert result.api_calls == 5


def test_german_gets_no_pii_or_toxicity_calls(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    text = "Die Lieferung war schnell und der Kundendienst sehr freundlich, danke!"
    stubber.add_response(
        "detect_dominant_language",
        {"Languages": [{"LanguageCode": "de", "Score": 0.99}]},
        {"Text": text},
    )
    stubber.add_response(
        "detect_sentiment",
        {"Sentiment": "POSITIVE", "SentimentScore": POSITIVE},
        {"Text": text, "LanguageCode": "de"},
    )
    stub_text_tail(stubber, text, "de")

    result = analyzer.analyze(text)

    assert (result.language_supported, result.toxicity, result.pii) == (True, (), ())
    assert result.api_calls == 4


def test_no_language_detected_is_unsupported(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    stubber.add_response("detect_dominant_language", {"Languages": []}, {"Text": "…"})

    result = analyzer.analyze("…")

    assert (result.language, result.language_confidence, result.language_supported) == (
        "und",
        0.0,
        False,
    )
    assert result.unjudged == LANGUAGE_UNCERTAIN


def test_blank_text_is_refused_without_a_call(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    with pytest.raises(AnalyzerError, match="no text") as caught:
        analyzer.analyze(" \n\t ")
    assert not isinstance(caught.value, TransientAnalyzerError)


def test_lone_surrogates_are_replaced_so_the_text_can_be_sent(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    # JSON allows "\ud83d" alone; UTF-8 cannot carry it. One U+FFFD keeps every index.
    stubber.add_response(
        "detect_dominant_language",
        {"Languages": [{"LanguageCode": "eo", "Score": 0.9}]},
        {"Text": "Dankon \ufffd pro la helpo hieraŭ"},
    )

    result = analyzer.analyze("Dankon \ud83d pro la helpo hieraŭ")

    assert result.language == "eo"


def test_text_over_100_kb_sends_a_prefix_for_language_detection(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    text = "ŭ" * 50_001  # 100,002 bytes
    stubber.add_response(
        "detect_dominant_language",
        {"Languages": [{"LanguageCode": "eo", "Score": 0.5}]},
        {"Text": "ŭ" * 50_000},
    )

    result = analyzer.analyze(text)

    assert result.extra["language_sample_truncated"] is True


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 400),
        ("ProvisionedThroughputExceededException", 400),
        ("TooManyRequestsException", 429),
        ("InternalServerException", 500),
        ("ServiceUnavailableException", 503),
        ("SomethingNewAndUnmodelled", 502),
    ],
)
def test_throttling_and_server_errors_are_transient(
    analyzer: ComprehendAnalyzer, stubber: Stubber, code: str, status: int
) -> None:
    stubber.add_client_error(
        "detect_dominant_language",
        service_error_code=code,
        service_message="Rate exceeded",
        http_status_code=status,
    )

    with pytest.raises(TransientAnalyzerError, match=code) as caught:
        analyzer.analyze("Thanks for the quick delivery of my order!")

    assert isinstance(caught.value.__cause__, ClientError)


@pytest.mark.parametrize(
    "code",
    ["TextSizeLimitExceededException", "UnsupportedLanguageException", "InvalidRequestException"],
)
def test_other_client_errors_are_final(
    analyzer: ComprehendAnalyzer, stubber: Stubber, code: str
) -> None:
    text = "Thanks for the quick delivery of my order!"
    stubber.add_response("detect_dominant_language", EN, {"Text": text})
    stubber.add_client_error(
        "detect_sentiment", service_error_code=code, service_message="Input is too long."
    )

    with pytest.raises(AnalyzerError) as caught:
        analyzer.analyze(text)

    assert not isinstance(caught.value, TransientAnalyzerError)
    assert str(caught.value) == f"Comprehend rejected detect_sentiment: {code}: Input is too long."
    cause = caught.value.__cause__
    assert isinstance(cause, ClientError)
    assert cause.response["Error"]["Code"] == code


def test_error_item_of_a_chunked_text_fails_the_text(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    stubber.add_response("detect_dominant_language", EN, {"Text": LONG_TEXT})
    stubber.add_response(
        "batch_detect_sentiment",
        {
            "ResultList": [{"Index": 0, "Sentiment": "POSITIVE", "SentimentScore": POSITIVE}],
            "ErrorList": [
                {"Index": 1, "ErrorCode": "INTERNAL_SERVER_ERROR", "ErrorMessage": "Try again."}
            ],
        },
        {"TextList": LONG_CHUNKS, "LanguageCode": "en"},
    )

    with pytest.raises(TransientAnalyzerError, match="INTERNAL_SERVER_ERROR"):
        analyzer.analyze(LONG_TEXT)


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="https://comprehend.eu-west-1.amazonaws.com"),
        ConnectTimeoutError(endpoint_url="https://comprehend.eu-west-1.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://comprehend.eu-west-1.amazonaws.com"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_connection_errors_are_transient(settings: Any, error: BotoCoreError) -> None:
    settings.AWS_MAX_ATTEMPTS = 1
    analyzer = ComprehendAnalyzer()

    def fail(**kwargs: Any) -> None:
        raise error

    # before-send is where botocore lets a handler stand in for the HTTP layer.
    analyzer.client.meta.events.register("before-send.comprehend.DetectDominantLanguage", fail)

    with pytest.raises(TransientAnalyzerError) as caught:
        analyzer.analyze("Thanks for the quick delivery of my order!")

    assert caught.value.__cause__ is error


def test_client_is_built_from_settings(settings: Any) -> None:
    settings.AWS_REGION = "eu-north-1"
    settings.AWS_ENDPOINT_URL = "http://localhost:4566"
    settings.AWS_CONNECT_TIMEOUT = 2
    settings.AWS_READ_TIMEOUT = 11
    settings.AWS_MAX_ATTEMPTS = 4

    client = ComprehendAnalyzer().client

    assert client.meta.service_model.service_name == "comprehend"
    assert client.meta.region_name == "eu-north-1"
    assert client.meta.endpoint_url == "http://localhost:4566"
    assert client.meta.config.connect_timeout == 2
    assert client.meta.config.read_timeout == 11
    assert client.meta.config.retries["mode"] == "standard"
    assert client.meta.config.retries["total_max_attempts"] == 4


# -- chunking ---------------------------------------------------------------------------------


def assert_valid_chunks(chunks: Sequence[str], text: str, max_bytes: int) -> None:
    assert "".join(chunks) == text
    for chunk in chunks:
        assert chunk
        assert 0 < utf8_size(chunk) <= max_bytes
        # Each chunk is whole characters: its bytes decode on their own.
        assert chunk.encode("utf-8").decode("utf-8") == chunk


def test_chunks_fall_back_to_word_boundaries() -> None:
    text = "word " * 300  # 1,500 bytes, no sentence ends
    chunks = utf8_chunks(text, 1_000)
    assert_valid_chunks(chunks, text, 1_000)
    assert chunks == ["word " * 200, "word " * 100]


def test_chunks_fall_back_to_characters_and_never_split_one() -> None:
    for text, max_bytes, first_size in [
        ("æ" * 3_000, 5_000, 5_000),
        ("a" + "😀" * 1_300, 5_000, 4_997),
        ("a" + "€" * 2_000, 5_000, 4_999),
    ]:
        chunks = utf8_chunks(text, max_bytes)
        assert_valid_chunks(chunks, text, max_bytes)
        assert utf8_size(chunks[0]) == first_size


def test_chunks_keep_accents_and_emoji_sequences_whole() -> None:
    family = "👩\u200d👩\u200d👧"  # one emoji made of three, joined
    accented = "e\u0301"  # "é" as a letter and a combining accent
    for unit, count in [(family, 100), (accented, 400)]:
        text = unit * count
        chunks = utf8_chunks(text, 1_000)
        assert_valid_chunks(chunks, text, 1_000)
        assert len(chunks) == 2
        # A plain character cut would leave a joiner or an accent at a chunk's edge.
        assert all(chunk == unit * (len(chunk) // len(unit)) for chunk in chunks)


def test_chunks_cut_after_cjk_sentence_ends() -> None:
    sentence = "今天的服务很好。"  # 24 bytes, no space after the full stop
    text = sentence * 100
    chunks = utf8_chunks(text, 1_000)
    assert_valid_chunks(chunks, text, 1_000)
    assert chunks == [sentence * 41, sentence * 41, sentence * 18]


def test_chunks_prefer_sentences_to_words() -> None:
    text = "Short one. " + "and then a long run of words without a full stop " * 30
    chunks = utf8_chunks(text, 1_000)
    assert_valid_chunks(chunks, text, 1_000)
    # The only sentence end that fits comes first; past it, cuts fall between words.
    assert chunks[0] == "Short one. "
    assert chunks[1].endswith(" ") and 950 < utf8_size(chunks[1]) <= 1_000
    # 16-byte sentences: 62 of them fill 992 bytes, and the cut follows the last full stop.
    assert utf8_chunks("Short one. Two. " * 70, 1_000)[0] == "Short one. Two. " * 62


def test_text_within_the_limit_is_one_chunk() -> None:
    assert utf8_chunks("Hello there. 😀", 5_000) == ["Hello there. 😀"]


# -- backlog ----------------------------------------------------------------------------------


def backlog_texts(count: int) -> list[str]:
    return [
        f"Review {n}: the app works well and I like the new design a lot." for n in range(count)
    ]


def stub_backlog(
    stubber: Stubber,
    texts: Sequence[str],
    *,
    chunks: Mapping[int, list[str]] | None = None,
    segments: Mapping[int, list[str]] | None = None,
    sentiment: Mapping[str, dict[str, float]] | None = None,
    failing: Mapping[int, str] | None = None,
) -> int:
    """Stub the backlog calls for English texts, in the order the analyzer makes them, and
    return how many there are. `chunks`/`segments` give a long text's pieces; `failing` maps a
    text to the ErrorCode its sentiment documents get."""
    chunks, segments = chunks or {}, segments or {}
    sentiment, failing = sentiment or {}, failing or {}
    calls = 0

    def add(method: str, response: dict[str, Any], expected: dict[str, Any]) -> None:
        nonlocal calls
        stubber.add_response(method, response, expected)
        calls += 1

    def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
        for first in range(0, len(items), size):
            yield items[first : first + size]

    # Batch documents are at most 5 KB: the language is judged on each text's start.
    samples = [text.encode("utf-8")[:5_000].decode("utf-8", errors="ignore") for text in texts]
    for batch in batches(samples, 25):
        add(
            "batch_detect_dominant_language",
            {"ResultList": [{"Index": i, **EN} for i in range(len(batch))], "ErrorList": []},
            {"TextList": list(batch)},
        )

    docs = [
        (owner, chunk) for owner, text in enumerate(texts) for chunk in chunks.get(owner, [text])
    ]
    for batch in batches(docs, 25):
        results = [
            {"Index": i, "Sentiment": "POSITIVE", "SentimentScore": sentiment.get(doc, POSITIVE)}
            for i, (owner, doc) in enumerate(batch)
            if owner not in failing
        ]
        errors = [
            {"Index": i, "ErrorCode": failing[owner], "ErrorMessage": "That went wrong."}
            for i, (owner, _) in enumerate(batch)
            if owner in failing
        ]
        add(
            "batch_detect_sentiment",
            {"ResultList": results, "ErrorList": errors},
            {"TextList": [doc for _, doc in batch], "LanguageCode": "en"},
        )

    alive = [owner for owner in range(len(texts)) if owner not in failing]
    segs = [(owner, seg) for owner in alive for seg in segments.get(owner, [texts[owner]])]
    for batch in batches(segs, 10):
        add(
            "detect_toxic_content",
            {"ResultList": [{"Labels": [], "Toxicity": (owner + 1) / 100} for owner, _ in batch]},
            {"TextSegments": [{"Text": seg} for _, seg in batch], "LanguageCode": "en"},
        )
    for owner in alive:
        add("detect_pii_entities", {"Entities": []}, {"Text": texts[owner], "LanguageCode": "en"})

    alive_docs = [(owner, doc) for owner, doc in docs if owner not in failing]
    for batch in batches(alive_docs, 25):
        add(
            "batch_detect_key_phrases",
            {
                "ResultList": [
                    {"Index": i, "KeyPhrases": [{"Text": f"phrase {owner}", "Score": 0.9}]}
                    for i, (owner, _) in enumerate(batch)
                ],
                "ErrorList": [],
            },
            {"TextList": [doc for _, doc in batch], "LanguageCode": "en"},
        )
    for batch in batches(alive_docs, 25):
        add(
            "batch_detect_entities",
            {
                "ResultList": [
                    {
                        "Index": i,
                        "Entities": [{"Text": f"Person{owner}", "Type": "PERSON", "Score": 0.8}],
                    }
                    for i, (owner, _) in enumerate(batch)
                ],
                "ErrorList": [],
            },
            {"TextList": [doc for _, doc in batch], "LanguageCode": "en"},
        )
    return calls


def analyses(results: Sequence[TextAnalysis | AnalyzerError]) -> list[TextAnalysis]:
    assert all(isinstance(result, TextAnalysis) for result in results), results
    return [result for result in results if isinstance(result, TextAnalysis)]


@pytest.mark.parametrize(("count", "sentiment_calls", "total_calls"), [(26, 2, 37), (51, 3, 69)])
def test_backlog_batches_sentiment_25_texts_a_call(
    analyzer: ComprehendAnalyzer,
    stubber: Stubber,
    client: Any,
    count: int,
    sentiment_calls: int,
    total_calls: int,
) -> None:
    texts = backlog_texts(count)
    sentiment_params = sent(client, "BatchDetectSentiment")
    # Language and key phrases/entities ⌈n/25⌉ each, toxicity ⌈n/10⌉, PII one per text.
    assert stub_backlog(stubber, texts) == total_calls

    results = analyses(analyzer.analyze_batch(texts))

    assert len(sentiment_params) == sentiment_calls == math.ceil(count / 25)
    sizes = [len(params["TextList"]) for params in sentiment_params]
    assert sizes == [25] * (count // 25) + [count % 25]
    assert len(results) == count
    for n, result in enumerate(results):
        assert result.language == "en"
        assert result.sentiment == "positive"
        assert result.scores is not None
        assert result.scores.positive == pytest.approx(90.0)
        assert toxicity(result) == [("TOXICITY", pytest.approx(n + 1))]
        assert result.key_phrases == (f"phrase {n}",)
        assert [(e.text, e.type, e.confidence) for e in result.entities] == [
            (f"Person{n}", "PERSON", pytest.approx(80.0))
        ]
        assert result.extra["api_calls_share"] == pytest.approx(total_calls / count)
        assert result.api_calls in (total_calls // count, total_calls // count + 1)
    # Whole calls handed out so that none is lost or counted twice.
    assert sum(result.api_calls for result in results) == total_calls


@pytest.mark.parametrize(
    ("code", "transient"), [("TEXT_SIZE_LIMIT_EXCEEDED", False), ("INTERNAL_SERVER_ERROR", True)]
)
def test_backlog_error_item_fails_only_its_text(
    analyzer: ComprehendAnalyzer, stubber: Stubber, code: str, transient: bool
) -> None:
    texts = backlog_texts(26)
    # Text 3 fails its sentiment and is left out of every later call: 25 texts remain, so
    # key phrases and entities take one call each (2 + 2 + 3 + 25 + 1 + 1).
    assert stub_backlog(stubber, texts, failing={3: code}) == 34

    results = analyzer.analyze_batch(texts)

    failed = results[3]
    assert isinstance(failed, AnalyzerError)
    assert isinstance(failed, TransientAnalyzerError) is transient
    assert code in str(failed)
    others = analyses([*results[:3], *results[4:]])
    assert len(others) == 25
    assert all(result.sentiment == "positive" for result in others)
    assert all(result.extra["api_calls_share"] == pytest.approx(34 / 26) for result in others)


def test_backlog_long_text_chunks_count_toward_the_25(
    analyzer: ComprehendAnalyzer, stubber: Stubber, client: Any
) -> None:
    texts = [*backlog_texts(24), LONG_TEXT]
    sentiment_params = sent(client, "BatchDetectSentiment")
    total = stub_backlog(
        stubber,
        texts,
        chunks={24: LONG_CHUNKS},
        segments={24: LONG_SEGMENTS},
        sentiment={
            LONG_CHUNKS[0]: score(0.8, 0.1, 0.05, 0.05),
            LONG_CHUNKS[1]: score(0.1, 0.7, 0.1, 0.1),
        },
    )
    # 1 language + 2 sentiment + 3 toxicity (30 segments) + 25 PII + 2 + 2.
    assert total == 35

    results = analyses(analyzer.analyze_batch(texts))

    # 24 short texts and the long text's first chunk, then its second chunk on its own.
    assert [len(params["TextList"]) for params in sentiment_params] == [25, 1]
    long = results[24]
    assert long.scores is not None
    assert long.scores.positive == pytest.approx((4_900 * 80 + 617 * 10) / 5_517)
    assert long.scores.negative == pytest.approx((4_900 * 10 + 617 * 70) / 5_517)
    assert long.extra["sentiment_chunks"] == 2
    assert long.extra["language_sample_truncated"] is True
    assert long.key_phrases == ("phrase 24", "phrase 24")
    assert sum(result.api_calls for result in results) == 35


def test_backlog_groups_texts_by_language(analyzer: ComprehendAnalyzer, stubber: Stubber) -> None:
    english = "The delivery was quick and the support team was very helpful."
    latin = "Traditio celeris erat et auxilium benignum."
    spanish = "La entrega fue rápida y el servicio al cliente muy amable."
    texts = [english, latin, spanish]
    stubber.add_response(
        "batch_detect_dominant_language",
        {
            "ResultList": [
                {"Index": 0, "Languages": [{"LanguageCode": "en", "Score": 0.99}]},
                {"Index": 1, "Languages": [{"LanguageCode": "la", "Score": 0.95}]},
                {"Index": 2, "Languages": [{"LanguageCode": "es", "Score": 0.97}]},
            ],
            "ErrorList": [],
        },
        {"TextList": texts},
    )
    for text, language in ((english, "en"), (spanish, "es")):
        stubber.add_response(
            "batch_detect_sentiment",
            {
                "ResultList": [{"Index": 0, "Sentiment": "POSITIVE", "SentimentScore": POSITIVE}],
                "ErrorList": [],
            },
            {"TextList": [text], "LanguageCode": language},
        )
    stubber.add_response(
        "detect_toxic_content",
        {"ResultList": [{"Labels": [], "Toxicity": 0.02}]},
        {"TextSegments": [{"Text": english}], "LanguageCode": "en"},
    )
    for text, language in ((english, "en"), (spanish, "es")):
        stubber.add_response(
            "detect_pii_entities", {"Entities": []}, {"Text": text, "LanguageCode": language}
        )
    for text, language in ((english, "en"), (spanish, "es")):
        for method, key in (
            ("batch_detect_key_phrases", "KeyPhrases"),
            ("batch_detect_entities", "Entities"),
        ):
            stubber.add_response(
                method,
                {"ResultList": [{"Index": 0, key: []}], "ErrorList": []},
                {"TextList": [text], "LanguageCode": language},
            )

    en, la, es = analyzer.analyze_batch(texts)

    assert (
        isinstance(en, TextAnalysis)
        and isinstance(la, TextAnalysis)
        and isinstance(es, TextAnalysis)
    )
    assert (en.language, en.sentiment, toxicity(en)) == (
        "en",
        "positive",
        [("TOXICITY", pytest.approx(2.0))],
    )
    assert (la.language, la.language_supported, la.scores) == ("la", False, None)
    assert la.unjudged == LANGUAGE_UNSUPPORTED
    assert (es.language, es.sentiment, es.toxicity) == ("es", "positive", ())
    # Ten calls for three texts: 4, 3 and 3.
    assert [r.api_calls for r in (en, la, es)] == [4, 3, 3]
    assert la.extra["api_calls_share"] == pytest.approx(10 / 3)


def test_backlog_language_error_item_and_blank_text(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    latin = "Gratias pro traditione celeri et auxilio benigno."
    broken = "x" * 30
    stubber.add_response(
        "batch_detect_dominant_language",
        {
            "ResultList": [{"Index": 0, "Languages": [{"LanguageCode": "la", "Score": 0.9}]}],
            "ErrorList": [
                {"Index": 1, "ErrorCode": "InvalidRequestException", "ErrorMessage": "No."}
            ],
        },
        {"TextList": [latin, broken]},
    )

    first, second, blank = analyzer.analyze_batch([latin, broken, "   "])

    assert isinstance(first, TextAnalysis) and first.api_calls == 1
    assert isinstance(second, AnalyzerError) and not isinstance(second, TransientAnalyzerError)
    assert "InvalidRequestException" in str(second)
    assert isinstance(blank, AnalyzerError)


def test_backlog_call_refused_for_good_fails_only_its_texts(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    norwegian = ["Takk for rask levering og god hjelp.", "Veldig fornøyd med tjenesten deres."]
    stubber.add_client_error(
        "batch_detect_dominant_language",
        service_error_code="BatchSizeLimitExceededException",
        service_message="Too many documents.",
    )

    results = analyzer.analyze_batch(norwegian)

    assert all(isinstance(result, AnalyzerError) for result in results)
    assert not any(isinstance(result, TransientAnalyzerError) for result in results)


def test_backlog_throttling_fails_the_whole_batch(
    analyzer: ComprehendAnalyzer, stubber: Stubber
) -> None:
    stubber.add_client_error(
        "batch_detect_dominant_language", service_error_code="ThrottlingException"
    )

    with pytest.raises(TransientAnalyzerError, match="ThrottlingException"):
        analyzer.analyze_batch(backlog_texts(3))


def test_empty_backlog_makes_no_call(analyzer: ComprehendAnalyzer, stubber: Stubber) -> None:
    assert analyzer.analyze_batch([]) == []
