"""ComprehendAnalyzer on languages Comprehend cannot read: Amazon Translate to English first.

Real boto3 `comprehend` and `translate` clients wrapped in botocore's Stubber, so every request
and response is checked against the service models; each stubbed call states the exact
parameters expected, in the order the analyzer must make it. A call nobody stubbed fails.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber

from feedback.analyzers import aws_translate
from feedback.analyzers.aws import ComprehendAnalyzer
from feedback.analyzers.base import (
    LANGUAGE_UNSUPPORTED,
    AnalyzerError,
    TextAnalysis,
    TransientAnalyzerError,
    Translation,
)
from feedback.pii import find_pii, redact

NATIONAL_ID = "01010750160"  # a valid fødselsnummer (checksums), not a real person's
PHONE = "912 34 567"
EMAIL = "kari.nordmann@example.no"
BOKMAL = (
    "Jeg er veldig fornøyd med leveringen, men kundeservice var treg. "
    f"Ring meg på {PHONE} eller skriv til {EMAIL}. Fødselsnummeret mitt er {NATIONAL_ID}."
)
NYNORSK = "Eg er ikkje nøgd med pakka, ho kom for seint og eg fekk berre halve ordren."
DANISH = "Jeg er meget tilfreds med varen, tak for hurtig levering og god service."
SWEDISH = "Jag är mycket nöjd med leveransen, tack för snabb hjälp med min beställning!"
ENGLISH = "The parcel came on time and the support team was friendly."

# 103 bytes of UTF-8 (97 characters): 97 of them fill 9,991 bytes, so a plain cut at 10,000
# bytes would land inside the 98th sentence.
SENTENCE = (
    "Pakken kom fram i går, og både esken og innholdet så helt fine ut, så jeg er fornøyd "
    "med kjøpet. "
)


def score(positive: float, negative: float, neutral: float, mixed: float) -> dict[str, float]:
    return {"Positive": positive, "Negative": negative, "Neutral": neutral, "Mixed": mixed}


POSITIVE = score(0.88, 0.04, 0.06, 0.02)
NO_TOXICITY = {"ResultList": [{"Labels": [], "Toxicity": 0.01}]}


@pytest.fixture(autouse=True)
def _aws_environment(aws_environment: None) -> None:
    """Every test here: dummy credentials, no developer AWS config (tests/conftest.py)."""


@pytest.fixture
def comprehend_client() -> Any:
    return boto3.client("comprehend", region_name="eu-west-1")


@pytest.fixture
def translate_client() -> Any:
    return boto3.client("translate", region_name="eu-west-1")


@pytest.fixture
def comprehend(comprehend_client: Any) -> Iterator[Stubber]:
    with Stubber(comprehend_client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def translate(translate_client: Any) -> Iterator[Stubber]:
    with Stubber(translate_client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def analyzer(comprehend_client: Any, translate_client: Any) -> ComprehendAnalyzer:
    return ComprehendAnalyzer(client=comprehend_client, translate_client=translate_client)


@pytest.fixture
def calls(comprehend_client: Any, translate_client: Any) -> list[str]:
    """Every call either client makes, in order, as "service.Operation"."""
    seen: list[str] = []

    def record(event_name: str, **kwargs: Any) -> None:
        _, service, operation = event_name.split(".")
        seen.append(f"{service}.{operation}")

    for client in (comprehend_client, translate_client):
        client.meta.events.register("before-parameter-build.*.*", record)
    return seen


def language(stub: Stubber, text: str, code: str, score: float = 0.98) -> None:
    stub.add_response(
        "detect_dominant_language",
        {"Languages": [{"LanguageCode": code, "Score": score}]},
        {"Text": text},
    )


def languages(stub: Stubber, texts: list[str], codes: list[str]) -> None:
    stub.add_response(
        "batch_detect_dominant_language",
        {
            "ResultList": [
                {"Index": i, "Languages": [{"LanguageCode": code, "Score": 0.97}]}
                for i, code in enumerate(codes)
            ],
            "ErrorList": [],
        },
        {"TextList": texts},
    )


def translation(stub: Stubber, sent: str, source: str, english: str) -> None:
    stub.add_response(
        "translate_text",
        {"TranslatedText": english, "SourceLanguageCode": source, "TargetLanguageCode": "en"},
        {"Text": sent, "SourceLanguageCode": source, "TargetLanguageCode": "en"},
    )


def english_checks(stub: Stubber, english: str) -> None:
    """What the translation goes through on Comprehend: PII (nothing found), then sentiment and
    toxicity."""
    stub.add_response(
        "detect_pii_entities", {"Entities": []}, {"Text": english, "LanguageCode": "en"}
    )
    stub.add_response(
        "detect_sentiment",
        {"Sentiment": "POSITIVE", "SentimentScore": POSITIVE},
        {"Text": english, "LanguageCode": "en"},
    )
    stub.add_response(
        "detect_toxic_content",
        NO_TOXICITY,
        {"TextSegments": [{"Text": english}], "LanguageCode": "en"},
    )


# -- one text -------------------------------------------------------------------------------


def test_bokmal_is_masked_translated_and_judged_in_english(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber, calls: list[str]
) -> None:
    sent = redact(BOKMAL, find_pii(BOKMAL))
    # What may leave for Translate: the words, with no personal data in them.
    assert NATIONAL_ID not in sent and PHONE not in sent and EMAIL not in sent
    assert sent.startswith("Jeg er veldig fornøyd med leveringen, men kundeservice var treg.")
    english = (
        "I am very happy with the delivery, but Kari in customer service was slow. "
        "Call me at [PHONE] or write to [EMAIL]."
    )
    kari = english.index("Kari")
    masked = english.replace("Kari", "[NAME]")
    language(comprehend, BOKMAL, "no")
    translation(translate, sent, "no", english)
    # The translation's own PII check finds a name the local finder did not: masked too,
    # before anything else reads the English text.
    comprehend.add_response(
        "detect_pii_entities",
        {"Entities": [{"Score": 0.97, "Type": "NAME", "BeginOffset": kari, "EndOffset": kari + 4}]},
        {"Text": english, "LanguageCode": "en"},
    )
    comprehend.add_response(
        "detect_sentiment",
        {"Sentiment": "MIXED", "SentimentScore": score(0.3, 0.2, 0.1, 0.4)},
        {"Text": masked, "LanguageCode": "en"},
    )
    comprehend.add_response(
        "detect_toxic_content",
        {"ResultList": [{"Labels": [{"Name": "INSULT", "Score": 0.03}], "Toxicity": 0.04}]},
        {"TextSegments": [{"Text": masked}], "LanguageCode": "en"},
    )

    result = analyzer.analyze(BOKMAL)

    assert calls == [
        "comprehend.DetectDominantLanguage",
        "translate.TranslateText",
        "comprehend.DetectPiiEntities",
        "comprehend.DetectSentiment",
        "comprehend.DetectToxicContent",
    ]
    assert (result.language, result.language_supported, result.unjudged) == ("nb", True, "")
    assert result.language_confidence == pytest.approx(98.0)
    assert result.sentiment == "mixed"
    assert result.scores is not None
    assert result.scores.as_dict() == pytest.approx(
        {"positive": 30.0, "negative": 20.0, "neutral": 10.0, "mixed": 40.0}
    )
    assert [(t.name, t.confidence) for t in result.toxicity] == [
        ("TOXICITY", pytest.approx(4.0)),
        ("INSULT", pytest.approx(3.0)),
    ]
    assert result.translation == Translation(
        text=masked,
        source_language="no",
        target_language="en",
        characters=len(sent),
        segments=1,
        service="aws-translate",
    )
    assert "Kari" not in result.translation.text
    # Offsets into the translation say nothing about the original: no `pii`, and no English
    # key phrases or entities of a Norwegian text.
    assert (result.pii, result.key_phrases, result.entities) == ((), (), ())
    assert result.api_calls == 5
    assert result.model_version == "comprehend-2017-11-27+translate-2017-07-01"
    assert result.extra == {
        "language_sample_truncated": False,
        "sentiment_chunks": 1,
        "toxicity_segments": 1,
        "translate_characters": len(sent),
        "translate_segments": 1,
        "translation_pii_types": ["NAME"],
    }


@pytest.mark.parametrize(
    ("text", "detected", "expected", "source", "english"),
    [
        (NYNORSK, "no", "nn", "no", "I am not happy with the parcel, it came too late."),
        (DANISH, "da", "da", "da", "I am very satisfied with the item, thanks for fast delivery."),
        (SWEDISH, "sv", "sv", "sv", "I am very happy with the delivery, thanks for quick help!"),
    ],
    ids=["nynorsk", "danish", "swedish"],
)
def test_nordic_languages_are_reported_in_iso_codes_and_translated(
    analyzer: ComprehendAnalyzer,
    comprehend: Stubber,
    translate: Stubber,
    text: str,
    detected: str,
    expected: str,
    source: str,
    english: str,
) -> None:
    assert find_pii(text) == []  # sent as written
    language(comprehend, text, detected)
    translation(translate, text, source, english)
    english_checks(comprehend, english)

    result = analyzer.analyze(text)

    assert (result.language, result.language_supported, result.sentiment) == (
        expected,
        True,
        "positive",
    )
    assert result.translation is not None
    assert (result.translation.text, result.translation.source_language) == (english, source)
    assert result.translation.characters == len(text)
    assert result.api_calls == 5


def test_long_text_goes_to_translate_in_sentence_pieces_joined_in_order(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber, translate_client: Any
) -> None:
    text = (SENTENCE * 150).rstrip()
    assert len(text.encode("utf-8")) == 15_449
    first, second = (SENTENCE * 97).rstrip(), (SENTENCE * 53).rstrip()
    assert len(first.encode("utf-8")) == 9_990
    sent: list[str] = []
    translate_client.meta.events.register(
        "before-parameter-build.translate.TranslateText",
        lambda params, **_: sent.append(params["Text"]),
    )
    language(comprehend, text, "no")
    translation(translate, first, "no", "Part one, all fine.")
    translation(translate, second, "no", "Part two, still fine.")
    english_checks(comprehend, "Part one, all fine. Part two, still fine.")

    result = analyzer.analyze(text)

    assert sent == [first, second]
    assert all(len(piece.encode("utf-8")) <= 10_000 for piece in sent)
    assert all(piece.endswith("kjøpet.") for piece in sent)
    assert result.translation is not None
    assert result.translation.text == "Part one, all fine. Part two, still fine."
    assert (result.translation.segments, result.translation.characters) == (2, len(text) - 1)
    assert result.extra["translate_segments"] == 2
    assert result.api_calls == 6


def test_language_nobody_reads_is_unsupported_without_a_translate_client(
    comprehend_client: Any, comprehend: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    monkeypatch.setattr(aws_translate, "aws_client", lambda service: built.append(service))
    analyzer = ComprehendAnalyzer(client=comprehend_client)
    text = "Gratias tibi ago pro celeri traditione."
    language(comprehend, text, "la")

    result = analyzer.analyze(text)

    assert (result.language, result.language_supported, result.unjudged) == (
        "la",
        False,
        LANGUAGE_UNSUPPORTED,
    )
    assert (result.scores, result.translation, result.api_calls) == (None, None, 1)
    assert built == []


def test_translate_client_is_built_from_settings_on_first_use(
    settings: Any, comprehend_client: Any
) -> None:
    settings.AWS_REGION = "eu-north-1"
    settings.AWS_ENDPOINT_URL = "http://localhost:4566"
    settings.AWS_READ_TIMEOUT = 11
    settings.AWS_MAX_ATTEMPTS = 4

    client = ComprehendAnalyzer(client=comprehend_client).translator.client

    assert client.meta.service_model.service_name == "translate"
    assert client.meta.region_name == "eu-north-1"
    assert client.meta.endpoint_url == "http://localhost:4566"
    assert client.meta.config.read_timeout == 11
    assert client.meta.config.retries["total_max_attempts"] == 4


@pytest.mark.parametrize(
    "code", ["UnsupportedLanguagePairException", "DetectedLanguageLowConfidenceException"]
)
def test_translate_refusing_the_language_makes_it_unsupported(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber, code: str
) -> None:
    language(comprehend, DANISH, "da")
    translate.add_client_error("translate_text", service_error_code=code, service_message="No.")

    result = analyzer.analyze(DANISH)

    assert (result.language, result.language_supported, result.unjudged) == (
        "da",
        False,
        LANGUAGE_UNSUPPORTED,
    )
    assert (result.scores, result.translation) == (None, None)
    assert result.extra["translate_refused"] == code
    assert result.api_calls == 2


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 400),
        ("TooManyRequestsException", 429),
        ("ServiceUnavailableException", 503),
        ("InternalServerException", 500),
    ],
)
def test_translate_throttling_is_transient(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber, code: str, status: int
) -> None:
    language(comprehend, SWEDISH, "sv")
    translate.add_client_error(
        "translate_text",
        service_error_code=code,
        service_message="Slow down",
        http_status_code=status,
    )

    with pytest.raises(TransientAnalyzerError, match=f"Translate is busy or unavailable: {code}"):
        analyzer.analyze(SWEDISH)


def test_translate_connection_error_is_transient(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate_client: Any
) -> None:
    error = EndpointConnectionError(endpoint_url="https://translate.eu-west-1.amazonaws.com")

    def fail(**kwargs: Any) -> None:
        raise error

    # Before the Stubber answers: the request never gets a response.
    translate_client.meta.events.register_first("before-call.translate.TranslateText", fail)
    language(comprehend, SWEDISH, "sv")

    with pytest.raises(TransientAnalyzerError, match="Translate could not be reached") as caught:
        analyzer.analyze(SWEDISH)

    assert caught.value.__cause__ is error


@pytest.mark.parametrize("code", ["TextSizeLimitExceededException", "InvalidRequestException"])
def test_other_translate_errors_are_final(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber, code: str
) -> None:
    language(comprehend, SWEDISH, "sv")
    translate.add_client_error("translate_text", service_error_code=code, service_message="Bad.")

    with pytest.raises(AnalyzerError) as caught:
        analyzer.analyze(SWEDISH)

    assert not isinstance(caught.value, TransientAnalyzerError)
    assert str(caught.value) == f"Translate rejected translate_text: {code}: Bad."
    assert isinstance(caught.value.__cause__, ClientError)


# -- backlog ----------------------------------------------------------------------------------


def test_backlog_translates_each_nordic_text_then_batches_it_with_the_english(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber, calls: list[str]
) -> None:
    texts = [ENGLISH, BOKMAL, NYNORSK, ENGLISH.replace("friendly", "kind"), SWEDISH]
    english = {
        1: "I am very happy with the delivery. Call me at [PHONE] or write to [EMAIL].",
        2: "I am not happy with the parcel, it came too late.",
        4: "I am very happy with the delivery, thanks for quick help!",
    }
    languages(comprehend, texts, ["en", "no", "no", "en", "sv"])
    # One Translate call and one PII check per Nordic text, in order.
    for owner, source in ((1, "no"), (2, "no"), (4, "sv")):
        sent = redact(texts[owner], find_pii(texts[owner]))
        translation(translate, sent, source, english[owner])
        comprehend.add_response(
            "detect_pii_entities", {"Entities": []}, {"Text": english[owner], "LanguageCode": "en"}
        )
    judged = [ENGLISH, english[1], english[2], texts[3], english[4]]
    comprehend.add_response(
        "batch_detect_sentiment",
        {
            "ResultList": [
                {"Index": i, "Sentiment": "POSITIVE", "SentimentScore": POSITIVE} for i in range(5)
            ],
            "ErrorList": [],
        },
        {"TextList": judged, "LanguageCode": "en"},
    )
    comprehend.add_response(
        "detect_toxic_content",
        {"ResultList": [{"Labels": [], "Toxicity": (i + 1) / 100} for i in range(5)]},
        {"TextSegments": [{"Text": text} for text in judged], "LanguageCode": "en"},
    )
    # PII, key phrases and entities of the English originals only.
    for text in (texts[0], texts[3]):
        comprehend.add_response(
            "detect_pii_entities", {"Entities": []}, {"Text": text, "LanguageCode": "en"}
        )
    for method, key in (
        ("batch_detect_key_phrases", "KeyPhrases"),
        ("batch_detect_entities", "Entities"),
    ):
        comprehend.add_response(
            method,
            {"ResultList": [{"Index": i, key: []} for i in range(2)], "ErrorList": []},
            {"TextList": [texts[0], texts[3]], "LanguageCode": "en"},
        )

    results = analyzer.analyze_batch(texts)

    assert Counter(calls) == {
        "comprehend.BatchDetectDominantLanguage": 1,
        "translate.TranslateText": 3,
        "comprehend.DetectPiiEntities": 5,
        "comprehend.BatchDetectSentiment": 1,
        "comprehend.DetectToxicContent": 1,
        "comprehend.BatchDetectKeyPhrases": 1,
        "comprehend.BatchDetectEntities": 1,
    }
    assert all(isinstance(result, TextAnalysis) for result in results)
    analyses = [result for result in results if isinstance(result, TextAnalysis)]
    assert [a.language for a in analyses] == ["en", "nb", "nn", "en", "sv"]
    assert [a.sentiment for a in analyses] == ["positive"] * 5
    assert [a.toxicity[0].confidence for a in analyses] == pytest.approx([1, 2, 3, 4, 5])
    assert [a.translation.text if a.translation else None for a in analyses] == [
        None,
        english[1],
        english[2],
        None,
        english[4],
    ]
    assert analyses[1].extra["translate_characters"] == len(redact(BOKMAL, find_pii(BOKMAL)))
    assert sum(a.api_calls for a in analyses) == len(calls) == 13


def test_backlog_refusal_and_final_error_touch_only_their_texts(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber
) -> None:
    texts = [DANISH, SWEDISH, NYNORSK]
    languages(comprehend, texts, ["da", "sv", "no"])
    translate.add_client_error(
        "translate_text", service_error_code="UnsupportedLanguagePairException"
    )
    translate.add_client_error(
        "translate_text", service_error_code="TextSizeLimitExceededException"
    )
    english = "I am not happy with the parcel, it came too late."
    translation(translate, NYNORSK, "no", english)
    comprehend.add_response(
        "detect_pii_entities", {"Entities": []}, {"Text": english, "LanguageCode": "en"}
    )
    comprehend.add_response(
        "batch_detect_sentiment",
        {
            "ResultList": [
                {"Index": 0, "Sentiment": "NEGATIVE", "SentimentScore": score(0, 1, 0, 0)}
            ],
            "ErrorList": [],
        },
        {"TextList": [english], "LanguageCode": "en"},
    )
    comprehend.add_response(
        "detect_toxic_content",
        NO_TOXICITY,
        {"TextSegments": [{"Text": english}], "LanguageCode": "en"},
    )

    refused, failed, judged = analyzer.analyze_batch(texts)

    assert isinstance(refused, TextAnalysis)
    assert (refused.language, refused.unjudged) == ("da", LANGUAGE_UNSUPPORTED)
    assert refused.extra["translate_refused"] == "UnsupportedLanguagePairException"
    assert isinstance(failed, AnalyzerError) and not isinstance(failed, TransientAnalyzerError)
    assert "TextSizeLimitExceededException" in str(failed)
    assert isinstance(judged, TextAnalysis)
    assert (judged.language, judged.sentiment) == ("nn", "negative")


def test_backlog_translate_throttling_fails_the_whole_batch(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber
) -> None:
    languages(comprehend, [ENGLISH, DANISH], ["en", "da"])
    translate.add_client_error(
        "translate_text", service_error_code="TooManyRequestsException", http_status_code=429
    )

    with pytest.raises(TransientAnalyzerError, match="TooManyRequestsException"):
        analyzer.analyze_batch([ENGLISH, DANISH])


# -- abuse the translation softens ------------------------------------------------------------

THREAT = "Jeg vet hvor du bor, og jeg skal knuse deg når du går hjem fra jobb i kveld."
SOFTENED = "I know where you live, and I will get you when you go home from work tonight."


def test_a_threat_the_translation_softens_is_still_a_threat(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber
) -> None:
    language(comprehend, THREAT, "no")
    translation(translate, THREAT, "no", SOFTENED)
    english_checks(comprehend, SOFTENED)  # DetectToxicContent: 1 %, no labels

    result = analyzer.analyze(THREAT)

    labels = {label.name: label.confidence for label in result.toxicity}
    # The offline Nordic check on the original raises the signal Comprehend missed, and the
    # overall score with it, so the seeded policy's review band catches the message.
    assert labels["VIOLENCE_OR_THREAT"] >= 50
    assert labels["TOXICITY"] == labels["VIOLENCE_OR_THREAT"]
    assert result.toxicity[0].name == "TOXICITY"


def test_a_kind_message_keeps_comprehends_labels_unchanged(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber
) -> None:
    english = "I am very happy with the delivery, thanks for quick help!"
    language(comprehend, SWEDISH, "sv")
    translation(translate, SWEDISH, "sv", english)
    english_checks(comprehend, english)

    result = analyzer.analyze(SWEDISH)

    assert [(t.name, t.confidence) for t in result.toxicity] == [("TOXICITY", pytest.approx(1.0))]


def test_backlog_raises_a_softened_threat_and_leaves_its_neighbour_alone(
    analyzer: ComprehendAnalyzer, comprehend: Stubber, translate: Stubber
) -> None:
    texts = [THREAT, SWEDISH]
    english = [SOFTENED, "I am very happy with the delivery, thanks for quick help!"]
    languages(comprehend, texts, ["no", "sv"])
    for text, source, translated in zip(texts, ("no", "sv"), english, strict=True):
        translation(translate, text, source, translated)
        comprehend.add_response(
            "detect_pii_entities", {"Entities": []}, {"Text": translated, "LanguageCode": "en"}
        )
    comprehend.add_response(
        "batch_detect_sentiment",
        {
            "ResultList": [
                {"Index": i, "Sentiment": "POSITIVE", "SentimentScore": POSITIVE} for i in range(2)
            ],
            "ErrorList": [],
        },
        {"TextList": english, "LanguageCode": "en"},
    )
    comprehend.add_response(
        "detect_toxic_content",
        {"ResultList": [{"Labels": [], "Toxicity": 0.02} for _ in range(2)]},
        {"TextSegments": [{"Text": text} for text in english], "LanguageCode": "en"},
    )

    threat, kind = analyzer.analyze_batch(texts)

    assert isinstance(threat, TextAnalysis) and isinstance(kind, TextAnalysis)
    assert {t.name: t.confidence for t in threat.toxicity}["VIOLENCE_OR_THREAT"] >= 50
    assert threat.toxicity[0].name == "TOXICITY" and threat.toxicity[0].confidence >= 50
    assert [(t.name, t.confidence) for t in kind.toxicity] == [("TOXICITY", pytest.approx(2.0))]
