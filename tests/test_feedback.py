"""Feedback below the worker: validation, analysis, decision, filing, backlog, API."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from feedback import services
from feedback.analyzers.base import (
    AnalyzerError,
    PiiEntity,
    SentimentScores,
    TextAnalysis,
    ToxicityLabel,
    TransientAnalyzerError,
)
from feedback.models import Feedback
from moderation.models import AuditEvent, ItemStatus, ReviewItem
from moderation.policy.selectors import policy_current
from tests.factories import make_moderator, make_user

pytestmark = pytest.mark.django_db

TEXT = "Great shoes! Write to me at ada@example.com if you need a photo."
EMAIL_AT = TEXT.index("ada@")
HAPPY = TextAnalysis(
    language="en",
    language_confidence=99.0,
    language_supported=True,
    scores=SentimentScores(positive=92.0, negative=1.0, neutral=6.0, mixed=1.0),
    toxicity=(ToxicityLabel("TOXICITY", 2.0), ToxicityLabel("PROFANITY", 1.0)),
    pii=(PiiEntity("EMAIL", EMAIL_AT, EMAIL_AT + len("ada@example.com"), 99.0),),
    key_phrases=("Great shoes", "ada@example.com"),
    entities=(),
    analyzer="fake-text",
    model_version="fake-1",
    api_calls=6,
)


@dataclass
class FakeTextAnalyzer:
    answer: TextAnalysis | Exception
    name: str = "fake-text"
    calls: list[str] = field(default_factory=list)
    batches: list[Sequence[str]] = field(default_factory=list)

    def analyze(self, text: str) -> TextAnalysis:
        self.calls.append(text)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def analyze_batch(self, texts: Sequence[str]) -> list[TextAnalysis | AnalyzerError]:
        self.batches.append(texts)
        calls = -(-len(texts) // 25) * 4  # four batch calls per 25 texts
        assert isinstance(self.answer, TextAnalysis)
        return [
            replace(self.answer, pii=(), api_calls=0, extra={"api_calls_share": calls / len(texts)})
            for _ in texts
        ]


@pytest.fixture
def analyzer() -> Iterator[Callable[[TextAnalysis | Exception], FakeTextAnalyzer]]:
    with mock.patch("feedback.services.get_text_analyzer") as get:

        def install(answer: TextAnalysis | Exception) -> FakeTextAnalyzer:
            get.return_value = FakeTextAnalyzer(answer)
            return get.return_value

        yield install


@pytest.fixture(autouse=True)
def _no_broker() -> Iterator[mock.MagicMock]:
    cache.clear()
    with mock.patch("feedback.tasks.analyze_feedback.delay") as delay:
        yield delay


def read_document(key: str) -> dict[str, Any]:
    with default_storage.open(key) as stored:
        return json.loads(stored.read())


def test_accepted_feedback_is_filed_by_sentiment_with_pii_redacted(
    analyzer: Callable[..., FakeTextAnalyzer],
) -> None:
    analyzer(HAPPY)
    feedback = services.feedback_create(text=TEXT, author=None)

    services.feedback_analyze(feedback_id=feedback.id)

    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.APPROVED
    assert feedback.sentiment == "positive" and feedback.sentiment_set_by == "machine"
    assert feedback.redacted_text == "Great shoes! Write to me at [EMAIL] if you need a photo."
    day = feedback.created_at
    assert feedback.route == f"feedback/positive/{day:%Y/%m/%d}/{feedback.id}.json"
    document = read_document(feedback.route)
    assert document["text"] == feedback.redacted_text
    assert "ada@example.com" not in json.dumps(document)
    assert document["key_phrases"] == ["Great shoes", "[EMAIL]"]
    assert document["sentiment_scores"] == {
        "positive": 92.0, "negative": 1.0, "neutral": 6.0, "mixed": 1.0,
    }  # fmt: skip
    assert document["pii_types"] == ["EMAIL"]
    assert document["decided_by"] == "machine"
    assert AuditEvent.objects.get(item_id=feedback.id).to_status == "approved"


def test_rerunning_the_task_writes_nothing_twice(analyzer: Callable[..., FakeTextAnalyzer]) -> None:
    fake = analyzer(HAPPY)
    feedback = services.feedback_create(text=TEXT, author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    assert services.feedback_analyze(feedback_id=feedback.id) is None
    assert len(fake.calls) == 1
    feedback.refresh_from_db()
    folder = feedback.route.rsplit("/", 1)[0]
    assert default_storage.listdir(folder)[1] == [f"{feedback.id}.json"]
    assert AuditEvent.objects.filter(item_id=feedback.id).count() == 1


def test_toxic_feedback_is_rejected_and_filed_as_rejected(
    analyzer: Callable[..., FakeTextAnalyzer],
) -> None:
    analyzer(replace(HAPPY, toxicity=(ToxicityLabel("VIOLENCE_OR_THREAT", 97.0),)))
    feedback = services.feedback_create(text="I know where you live.", author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.REJECTED
    assert feedback.route.startswith("feedback/rejected/")
    assert feedback.reasons[0]["label"] == "VIOLENCE_OR_THREAT"
    assert read_document(feedback.route)["status"] == "rejected"


def test_unsupported_language_goes_to_review_naming_it(
    analyzer: Callable[..., FakeTextAnalyzer],
) -> None:
    analyzer(replace(HAPPY, language="fi", language_supported=False, scores=None, toxicity=()))
    feedback = services.feedback_create(text="Olen erittäin tyytyväinen tuotteeseen!", author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.IN_REVIEW
    assert feedback.reasons[0]["label"] == "language"
    assert feedback.reasons[0]["code"] == "language_unsupported"
    assert feedback.reasons[0]["params"] == {"language": "fi"}
    assert "'fi'" in feedback.reasons[0]["detail"]
    assert feedback.route == ""  # filed once a person decides
    assert ReviewItem.objects.get(item_id=feedback.id).reason == "language"


def test_uncertain_sentiment_goes_to_review(analyzer: Callable[..., FakeTextAnalyzer]) -> None:
    analyzer(replace(HAPPY, scores=SentimentScores(40.0, 35.0, 20.0, 5.0)))
    feedback = services.feedback_create(text="It is fine, I guess, but…", author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.IN_REVIEW
    threshold = policy_current().sentiment_review_below
    assert feedback.reasons == [
        {"label": "sentiment", "confidence": 40.0, "band": "review", "threshold": threshold,
         "category": None, "code": "sentiment_uncertain",
         "params": {"sentiment": "positive", "confidence": 40.0, "threshold": threshold},
         "detail": f"sentiment 'positive' is uncertain: 40.0 % is below {threshold:g} %"},
    ]  # fmt: skip


def test_analyzer_error_never_approves(analyzer: Callable[..., FakeTextAnalyzer]) -> None:
    analyzer(AnalyzerError("TextSizeLimitExceededException"))
    feedback = services.feedback_create(text=TEXT, author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.IN_REVIEW
    assert "TextSizeLimitExceededException" in feedback.error


def test_throttling_is_retried_by_the_task(
    analyzer: Callable[..., FakeTextAnalyzer], settings: Any
) -> None:
    from feedback.tasks import analyze_feedback

    settings.ANALYSIS_MAX_RETRIES = 2
    fake = analyzer(TransientAnalyzerError("ThrottlingException"))
    feedback = services.feedback_create(text=TEXT, author=None)
    with mock.patch("moderation.items.tasks.backoff_seconds", return_value=0):
        analyze_feedback.apply(args=(str(feedback.id),))
    feedback.refresh_from_db()
    assert len(fake.calls) == 3
    assert feedback.status == ItemStatus.IN_REVIEW
    assert feedback.error.startswith("analysis failed after 3 attempts")


def test_backlog_uses_batches_and_reports_calls_per_message(
    analyzer: Callable[..., FakeTextAnalyzer],
) -> None:
    fake = analyzer(replace(HAPPY, pii=()))
    for n in range(30):
        services.feedback_create(text=f"Message number {n} is great", author=None)
    out = StringIO()

    call_command("analyze_feedback_backlog", stdout=out)

    assert [len(batch) for batch in fake.batches] == [30]
    assert fake.calls == []
    assert not Feedback.objects.filter(status=ItemStatus.PENDING).exists()
    assert Feedback.objects.filter(status=ItemStatus.APPROVED).count() == 30
    assert "30 messages analysed with 8 API calls (0.27 per message)" in out.getvalue()


# --- HTTP -----------------------------------------------------------------------------------


def post(client: Client, body: object, **extra: Any) -> Any:
    return client.post(
        "/api/v1/feedback/", json.dumps(body), content_type="application/json", **extra
    )


def test_anonymous_feedback_is_accepted_202(django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, {"text": "  Lovely service.  "})
    assert response.status_code == 202
    body = response.json()
    feedback = Feedback.objects.get(id=body["id"])
    token = body["status_token"]
    assert len(token) >= 40
    assert body == {
        "id": str(feedback.id),
        "status": "pending",
        "url": f"/api/v1/feedback/{feedback.id}/?token={token}",
        "status_token": token,
    }
    assert feedback.text == "Lovely service." and feedback.author is None
    assert len(callbacks) == 1
    plain = f"/api/v1/feedback/{feedback.id}/"
    # The same browser session may read it back; another may not, unless it holds the token
    # (a shop's server that relays its customers' feedback has no session to keep).
    assert client.get(plain).status_code == 200
    assert Client().get(plain).status_code == 404
    read = Client().get(body["url"])
    assert read.status_code == 200 and read.json()["status"] == "pending"
    assert read.json()["url"] == plain  # the detail never hands the token on
    assert Client().get(f"/feedback/{feedback.id}/", {"token": token}).status_code == 200


def test_a_status_token_opens_only_its_own_message() -> None:
    first, second = (post(Client(), {"text": text}).json() for text in ("Great.", "Slow."))
    other = f"/api/v1/feedback/{second['id']}/"
    assert Client().get(other, {"token": first["status_token"]}).status_code == 404
    assert Client().get(other, {"token": first["status_token"][:-1]}).status_code == 404
    assert Client().get(other, {"token": ""}).status_code == 404
    assert Client().get(other, {"token": second["status_token"]}).status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": ""}, "text is empty"),
        ({"text": " \n\t "}, "text is empty"),
        ({"text": "x" * 20_001}, "text is 20001 characters; the limit is 20000 characters"),
        ({"text": "nul \x00 byte"}, "text must not contain NUL characters"),
        ({"text": "\ud800 lone surrogate"}, "text must be valid UTF-8"),
        ({"text": 42}, "text must be a string"),
        ({"text": ["a"]}, "text must be a string"),
        ({"message": "hi"}, "This field is required."),
    ],
    ids=["empty", "whitespace", "too-long", "nul", "surrogate", "number", "list", "missing"],
)
def test_bad_text_is_refused_and_nothing_stored(body: object, message: str) -> None:
    response = post(Client(), body)
    assert response.status_code == 400
    assert message in " ".join(response.json()["text"])
    assert not Feedback.objects.exists()


def test_body_that_is_not_an_object_or_not_utf8_is_400() -> None:
    assert post(Client(), ["text"]).status_code == 400
    response = Client().post(
        "/api/v1/feedback/", b'{"text": "\xff\xfe"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_exactly_the_limit_is_accepted() -> None:
    assert post(Client(), {"text": "é" * 20_000}).status_code == 202


def test_feedback_is_rate_limited(settings: Any) -> None:
    settings.FEEDBACK_RATE = "2/minute"
    client = Client()
    assert post(client, {"text": "one"}).status_code == 202
    assert post(client, {"text": "two"}).status_code == 202
    assert post(client, {"text": "three"}).status_code == 429
    assert Feedback.objects.count() == 2


def test_detail_shape_for_author_and_moderator(analyzer: Callable[..., FakeTextAnalyzer]) -> None:
    analyzer(HAPPY)
    author = make_user()
    client = Client()
    client.force_login(author)
    feedback_id = post(client, {"text": TEXT}).json()["id"]
    services.feedback_analyze(feedback_id=feedback_id)

    body = client.get(f"/api/v1/feedback/{feedback_id}/").json()
    assert body["status"] == "approved"
    assert body["language"] == "en"
    assert body["sentiment"] == "positive"
    assert body["sentiment_scores"]["positive"] == 92.0
    assert body["toxicity"] == [
        {"name": "TOXICITY", "confidence": 2.0}, {"name": "PROFANITY", "confidence": 1.0},
    ]  # fmt: skip
    assert body["pii_types"] == ["EMAIL"]
    assert body["route"] is None  # a storage key is for moderators (finding 9)
    assert body["decided_by_name"] == "the automatic check"

    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.get(f"/api/v1/feedback/{feedback_id}/").status_code == 404
    moderator = Client()
    moderator.force_login(make_moderator())
    seen = moderator.get(f"/api/v1/feedback/{feedback_id}/")
    assert seen.status_code == 200
    assert seen.json()["route"].startswith("feedback/positive/")


def test_feedback_page_form_and_status(django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    assert client.get("/feedback/").status_code == 200
    response = client.post("/feedback/", {"text": "Quick delivery, thanks!"})
    assert response.status_code == 302
    status_page = client.get(response["Location"])
    assert b"Thank you for your feedback" in status_page.content
    assert b'hx-trigger="every 2s"' in status_page.content
    assert Client().get(response["Location"]).status_code == 404


def test_feedback_page_shows_the_error_and_keeps_the_text() -> None:
    response = Client().post("/feedback/", {"text": "   "})
    assert response.status_code == 400
    assert b"text is empty" in response.content
    assert not Feedback.objects.exists()


def test_feedback_form_is_csrf_protected() -> None:
    response = Client(enforce_csrf_checks=True).post("/feedback/", {"text": "hello"})
    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_a_moderator_changing_the_sentiment_moves_the_document(
    analyzer: Callable[..., FakeTextAnalyzer],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    analyzer(HAPPY)
    feedback = services.feedback_create(text=TEXT, author=None)
    services.feedback_analyze(feedback_id=feedback.id)
    feedback.refresh_from_db()
    old_route = feedback.route
    moderator = make_moderator()

    # The old copy goes once the new route has committed.
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_set_sentiment(
            feedback_id=feedback.id, sentiment="mixed", moderator=moderator
        )

    feedback.refresh_from_db()
    assert feedback.sentiment == "mixed" and feedback.sentiment_set_by == "moderator"
    assert feedback.route == old_route.replace("/positive/", "/mixed/")
    assert not default_storage.exists(old_route)
    document = read_document(feedback.route)
    assert (document["sentiment"], document["sentiment_set_by"]) == ("mixed", "moderator")
    event = AuditEvent.objects.get(item_id=feedback.id, action="sentiment")
    assert event.actor == moderator and event.note == "sentiment positive → mixed"


def test_an_unknown_sentiment_is_refused() -> None:
    feedback = services.feedback_create(text=TEXT, author=None)
    with pytest.raises(services.FeedbackRejected, match="sentiment must be one of"):
        services.feedback_set_sentiment(
            feedback_id=feedback.id, sentiment="angry", moderator=make_moderator()
        )
