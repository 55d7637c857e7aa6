"""Feedback filed in S3 (moto), analysed by Comprehend answering through a Stubber."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.stub import Stubber

from feedback import services
from feedback.analyzers.aws import ComprehendAnalyzer
from feedback.models import Feedback
from feedback.tasks import analyze_feedback
from moderation.models import ItemStatus
from tests.conftest import S3_BUCKET, s3_keys

pytestmark = pytest.mark.django_db

TEXT = "Lovely boots! Reach me at ada@example.com."
EMAIL = TEXT.index("ada@")


def score(positive: float, negative: float, neutral: float, mixed: float) -> dict[str, float]:
    return {"Positive": positive, "Negative": negative, "Neutral": neutral, "Mixed": mixed}


@pytest.fixture
def comprehend(s3: Any) -> Iterator[Stubber]:
    analyzer = ComprehendAnalyzer(client=boto3.client("comprehend", region_name="eu-west-1"))
    with (
        Stubber(analyzer.client) as stubber,
        mock.patch("feedback.services.get_text_analyzer", return_value=analyzer),
        mock.patch("feedback.tasks.analyze_feedback.delay"),
    ):
        yield stubber
        stubber.assert_no_pending_responses()


def answer_english(stubber: Stubber) -> None:
    stubber.add_response(
        "detect_dominant_language", {"Languages": [{"LanguageCode": "en", "Score": 0.99}]}
    )
    stubber.add_response(
        "detect_sentiment",
        {"Sentiment": "POSITIVE", "SentimentScore": score(0.95, 0.01, 0.03, 0.01)},
        expected_params={"Text": TEXT, "LanguageCode": "en"},
    )
    stubber.add_response(
        "detect_toxic_content",
        {"ResultList": [{"Labels": [{"Name": "PROFANITY", "Score": 0.01}], "Toxicity": 0.02}]},
    )
    stubber.add_response(
        "detect_pii_entities",
        {"Entities": [{"Type": "EMAIL", "Score": 0.99, "BeginOffset": EMAIL,
                       "EndOffset": EMAIL + len("ada@example.com")}]},
    )  # fmt: skip
    stubber.add_response("detect_key_phrases", {"KeyPhrases": []})
    stubber.add_response("detect_entities", {"Entities": []})


def test_accepted_feedback_is_filed_in_the_bucket_by_sentiment(
    s3: Any, comprehend: Stubber
) -> None:
    answer_english(comprehend)
    feedback = services.feedback_create(text=TEXT, author=None)

    services.feedback_analyze(feedback_id=feedback.id)

    feedback.refresh_from_db()
    assert feedback.status == ItemStatus.APPROVED
    key = f"feedback/positive/{feedback.created_at:%Y/%m/%d}/{feedback.id}.json"
    assert feedback.route == key
    assert s3_keys(s3) == [key]
    document = json.loads(s3.get_object(Bucket=S3_BUCKET, Key=key)["Body"].read())
    assert document["text"] == "Lovely boots! Reach me at [EMAIL]."
    assert document["sentiment_scores"]["positive"] == 95.0


def test_throttled_comprehend_is_retried_by_the_task(
    s3: Any, comprehend: Stubber, settings: Any
) -> None:
    settings.ANALYSIS_MAX_RETRIES = 2
    comprehend.add_client_error(
        "detect_dominant_language", service_error_code="ThrottlingException", http_status_code=400
    )
    answer_english(comprehend)
    feedback = services.feedback_create(text=TEXT, author=None)

    with mock.patch("moderation.items.tasks.backoff_seconds", return_value=0):
        analyze_feedback.apply(args=(str(feedback.id),))

    feedback = Feedback.objects.get(id=feedback.id)
    assert feedback.status == ItemStatus.APPROVED
    assert feedback.attempts == 2
    assert len(s3_keys(s3)) == 1
