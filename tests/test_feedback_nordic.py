"""Nordic feedback through the service: the personal-data floor on every backend, translations
kept, coded reasons for what the machine cannot judge, and real decisions with the local models.

Identity numbers are made valid with python-stdnum, for people who do not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from unittest import mock

import pytest
from stdnum.no import fodselsnummer

from feedback import services
from feedback.analyzers.base import (
    LANGUAGE_UNSUPPORTED,
    MIXED_LANGUAGES,
    NO_WORDS,
    PiiEntity,
    SentimentScores,
    Translation,
)
from feedback.analyzers.local import LocalTextAnalyzer
from feedback.models import Feedback
from moderation.models import ItemStatus, ReviewItem
from moderation.review import services as reviews
from tests.factories import make_moderator
from tests.test_feedback import HAPPY, FakeTextAnalyzer, read_document
from tests.test_feedback import analyzer as analyzer  # the fixture, shared

pytestmark = pytest.mark.django_db


def valid_fnr(birth: str = "150385", serial: str = "123") -> str:
    """A fødselsnummer with correct check digits (stdnum computes them)."""
    for attempt in range(1000):
        body = birth + f"{(int(serial) + attempt) % 1000:03d}"
        first = fodselsnummer.calc_check_digit1(body)
        digits = body + first + fodselsnummer.calc_check_digit2(body + first)
        if fodselsnummer.is_valid(digits):
            return digits
    raise AssertionError("no valid number")


FNR = valid_fnr()
TEXT = f"Hei! Jeg har ikke fått pakken. Fødselsnummer {FNR}, ring meg på 984 12 345. Mvh Kari"


@pytest.fixture(autouse=True)
def _no_broker() -> Iterator[None]:
    with mock.patch("feedback.tasks.analyze_feedback.delay"):
        yield


def approve(feedback: Feedback, sentiment: str | None = None) -> None:
    entry = ReviewItem.objects.get(item_id=feedback.id)
    moderator = make_moderator()
    reviews.review_claim(review_id=entry.id, moderator=moderator)
    reviews.review_decide(
        review_id=entry.id,
        moderator=moderator,
        decision="approve",
        reason="ok",
        sentiment=sentiment,
    )


# Comprehend cannot read Norwegian: before translation existed, this was the whole answer.
UNREAD = replace(
    HAPPY,
    language="nb",
    language_supported=False,
    scores=None,
    toxicity=(),
    pii=(),
    key_phrases=(),
    unjudged=LANGUAGE_UNSUPPORTED,
)


def test_personal_data_is_masked_when_the_message_is_stored() -> None:
    feedback = services.feedback_create(text=TEXT, author=None)
    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.PENDING  # nothing analysed yet, already masked
    assert feedback.pii_checked_at is not None
    assert FNR not in feedback.redacted_text and "984 12 345" not in feedback.redacted_text
    assert "[NO_NATIONAL_ID]" in feedback.redacted_text and "[PHONE]" in feedback.redacted_text
    assert set(feedback.pii_types) >= {"NO_NATIONAL_ID", "PHONE"}


def test_a_backend_that_finds_nothing_still_gets_the_floor(
    analyzer: Callable[..., FakeTextAnalyzer],
) -> None:
    analyzer(UNREAD)
    feedback = services.feedback_create(text=TEXT, author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.IN_REVIEW
    assert feedback.reasons[0]["code"] == LANGUAGE_UNSUPPORTED
    assert FNR not in feedback.redacted_text and "984 12 345" not in feedback.redacted_text

    approve(feedback, sentiment="negative")
    feedback.refresh_from_db()
    document = read_document(feedback.route)
    assert feedback.route.startswith("feedback/negative/")
    assert FNR not in json.dumps(document) and "984 12 345" not in json.dumps(document)
    assert document["text"] == feedback.redacted_text and document["text_withheld"] is False


def test_a_backends_findings_are_added_on_top_of_the_floor(
    analyzer: Callable[..., FakeTextAnalyzer],
) -> None:
    kari = TEXT.index("Kari")
    # "Mvh Kari" alone is too little for the floor's names; say the service found it.
    analyzer(replace(HAPPY, pii=(PiiEntity("NAME", kari, kari + 4, 88.0),)))
    feedback = services.feedback_create(text=TEXT, author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.redacted_text.endswith("Mvh [NAME]")
    assert {"NAME", "NO_NATIONAL_ID", "PHONE"} <= set(feedback.pii_types)


def test_when_the_floor_fails_the_text_stays_out_of_every_document(
    analyzer: Callable[..., FakeTextAnalyzer],
) -> None:
    analyzer(HAPPY)
    with mock.patch("feedback.pii.find_pii", side_effect=RuntimeError("boom")):
        feedback = services.feedback_create(text=TEXT, author=None)
        services.feedback_analyze(feedback_id=feedback.id)
        feedback.refresh_from_db()
        # A happy, clean analysis, but the personal data could not be checked: a person looks.
        assert feedback.status == ItemStatus.IN_REVIEW
        assert [r.get("code") for r in feedback.reasons] == ["pii_check_failed"]
        assert (feedback.redacted_text, feedback.pii_checked_at) == ("", None)

        approve(feedback)
    feedback.refresh_from_db()
    document = read_document(feedback.route)
    assert document["text"] is None and document["text_withheld"] is True
    assert FNR not in json.dumps(document)
    assert document["key_phrases"] == [] and document["entities"] == []


def test_filing_runs_the_floor_again_if_it_never_succeeded(
    analyzer: Callable[..., FakeTextAnalyzer],
) -> None:
    analyzer(HAPPY)
    with mock.patch("feedback.pii.find_pii", side_effect=RuntimeError("boom")):
        feedback = services.feedback_create(text=TEXT, author=None)
    # The finder works again by the time the analysis runs and files the message.
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.APPROVED
    document = read_document(feedback.route)
    assert document["text_withheld"] is False and FNR not in document["text"]


def test_the_translation_is_kept_beside_the_text(
    analyzer: Callable[..., FakeTextAnalyzer],
) -> None:
    translated = replace(
        HAPPY,
        language="nb",
        pii=(),
        key_phrases=(),
        translation=Translation(
            text="Hi! I have not received the parcel. National ID [NO_NATIONAL_ID], ...",
            source_language="no",
            target_language="en",
            characters=80,
            segments=1,
            service="aws-translate",
        ),
    )
    analyzer(translated)
    feedback = services.feedback_create(text=TEXT, author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.translation.startswith("Hi! I have not received the parcel.")
    assert feedback.translation_source == "no"
    assert read_document(feedback.route)["translation"] == feedback.translation


@pytest.mark.parametrize(
    ("unjudged", "extra", "code", "params"),
    [
        (NO_WORDS, {}, "no_words", {}),
        (MIXED_LANGUAGES, {"mixed_with": ["en"]}, "mixed_languages", {"languages": ["nb", "en"]}),
        (LANGUAGE_UNSUPPORTED, {}, "language_unsupported", {"language": "nb"}),
    ],
)
def test_what_the_machine_cannot_judge_goes_to_a_person_saying_why(
    analyzer: Callable[..., FakeTextAnalyzer],
    unjudged: str,
    extra: dict[str, object],
    code: str,
    params: dict[str, object],
) -> None:
    analyzer(replace(UNREAD, unjudged=unjudged, language_supported=True, extra=extra))
    feedback = services.feedback_create(text="👍 ok bra", author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.IN_REVIEW
    assert [(r["code"], r["params"]) for r in feedback.reasons] == [(code, params)]
    assert feedback.sentiment == "" and feedback.route == ""


def test_a_toxicity_reject_wins_over_what_could_not_be_judged(
    analyzer: Callable[..., FakeTextAnalyzer],
) -> None:
    from feedback.analyzers.base import ToxicityLabel

    threat = replace(UNREAD, toxicity=(ToxicityLabel("VIOLENCE_OR_THREAT", 95.0),))
    analyzer(threat)
    feedback = services.feedback_create(text="Jeg skal drepe deg", author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.REJECTED
    assert feedback.route.startswith("feedback/rejected/")


# -- with the real local models ----------------------------------------------------------


@pytest.fixture(scope="module")
def local() -> LocalTextAnalyzer:
    return LocalTextAnalyzer()


@pytest.mark.parametrize(
    ("text", "language", "status", "sentiment"),
    [
        ("Tusen takk for rask levering, jeg er kjempefornøyd!", "nb", "approved", "positive"),
        ("Eg er svært nøgd med sofaen, takk for god hjelp!", "nn", "approved", "positive"),
        ("Usel kundtjänst, jag beställer aldrig här igen.", "sv", "approved", "negative"),
        ("Elendig service, varen var i stykker og ingen svarer meg.", "nb", "approved", "negative"),
        ("Dere er noen jævla idioter", "nb", "in_review", None),
        ("Jeg skal drepe deg", "nb", "rejected", None),
        ("🙂🙂🙂", "und", "in_review", None),
    ],
)
def test_nordic_messages_are_decided_by_the_local_models(
    local: LocalTextAnalyzer, text: str, language: str, status: str, sentiment: str | None
) -> None:
    with mock.patch("feedback.services.get_text_analyzer", return_value=local):
        feedback = services.feedback_create(text=text, author=None)
        services.feedback_analyze(feedback_id=feedback.id)
    feedback = Feedback.objects.get(id=feedback.id)
    assert (feedback.language, feedback.status) == (language, status)
    if sentiment:
        assert feedback.sentiment == sentiment and feedback.sentiment_set_by == "machine"
        assert feedback.route.startswith(f"feedback/{sentiment}/")
    scores = feedback.sentiment_scores
    if scores is not None:
        assert sum(scores.values()) == pytest.approx(100, abs=0.05)


def test_scores_are_stored_as_given(analyzer: Callable[..., FakeTextAnalyzer]) -> None:
    analyzer(replace(HAPPY, scores=SentimentScores(91.0, 3.0, 5.0, 1.0)))
    feedback = services.feedback_create(text="Kjempebra!", author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.sentiment_scores == {
        "positive": 91.0,
        "negative": 3.0,
        "neutral": 5.0,
        "mixed": 1.0,
    }
