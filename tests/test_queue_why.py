"""The queue row says why an item waits: the signal by name, its score, the band edges it fell
between and the policy version, for images, text signals and feedback's own rules."""

from __future__ import annotations

from typing import Any

import pytest

from feedback.models import Feedback
from moderation.models import ImageUpload, ReviewItem, UserPreference
from tests.factories import make_moderator, signed_in
from tests.test_reviews import queued_feedback, queued_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def band(label: str, confidence: float, threshold: float, category: str | None) -> dict[str, Any]:
    return {
        "label": label,
        "confidence": confidence,
        "band": "review",
        "threshold": threshold,
        "category": category,
    }


def image_with(*reasons: dict[str, Any]) -> ReviewItem:
    """An image in the queue for these reasons, under the seeded policy v1."""
    entry = queued_image()
    ImageUpload.objects.filter(id=entry.item_id).update(reasons=list(reasons), policy_version=1)
    return entry


def feedback_with(*reasons: dict[str, Any]) -> ReviewItem:
    entry = queued_feedback()
    Feedback.objects.filter(id=entry.item_id).update(reasons=list(reasons), policy_version=1)
    return entry


def queue_row(page: str, entry: ReviewItem) -> str:
    start = page.index(f'data-href="/review/{entry.id}/"')
    return page[start : page.index("</tr>", start)]


def test_an_image_row_names_the_signal_its_score_and_the_band_edges() -> None:
    entry = image_with(band("Violence", 72.7, 50, "Violence"))  # v1: Violence 50–90
    row = queue_row(signed_in(make_moderator()).get("/review/").content.decode(), entry)
    assert "Violence 72.7 % — review 50–90 %" in row
    assert '<span class="muted small policy-version">policy v1</span>' in row


def test_a_label_on_the_default_band_shows_the_default_edges() -> None:
    entry = image_with(band("Smoking", 61.0, 60, None))  # v1: default 60–95
    row = queue_row(signed_in(make_moderator()).get("/review/").content.decode(), entry)
    assert "Smoking 61.0 % — review 60–95 %" in row


def test_text_signals_and_feedback_rules_read_as_words() -> None:
    toxic = feedback_with(band("VIOLENCE_OR_THREAT", 72.7, 60, None))
    sentiment = feedback_with(
        {
            **band("sentiment", 45.9, 80, None),
            "code": "sentiment_uncertain",
            "params": {"sentiment": "neutral", "confidence": 45.9, "threshold": 80},
        }
    )
    language = feedback_with(
        {
            **band("language", 100.0, 0, None),
            "threshold": None,
            "code": "language_unsupported",
            "params": {"language": "sw"},
        }
    )
    page = signed_in(make_moderator()).get("/review/").content.decode()
    assert "Violence or threat 72.7 % — review 60–95 %" in queue_row(page, toxic)
    assert "Sentiment 45.9 % below 80 %" in queue_row(page, sentiment)
    assert "The text analyzer does not support Swahili." in queue_row(page, language)


def test_the_why_is_in_norwegian_for_a_norwegian_moderator() -> None:
    entry = feedback_with(
        {
            **band("sentiment", 45.9, 80, None),
            "code": "sentiment_uncertain",
            "params": {"sentiment": "neutral", "confidence": 45.9, "threshold": 80},
        }
    )
    moderator = make_moderator()
    UserPreference.objects.create(user=moderator, language="nb")
    page = signed_in(moderator).get("/review/").content.decode()
    assert "Stemning 45,9 % under 80 %" in queue_row(page, entry)
    assert "regelsett v1" in queue_row(page, entry)


def test_the_sort_says_what_it_sorts_by() -> None:
    queued_image()
    page = signed_in(make_moderator()).get("/review/").content.decode()
    assert "highest score first (any signal)" in page
    assert "Top score</th>" in page
