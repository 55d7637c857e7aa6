"""The item page states each signal's rule pointing the right way (a band is met from its
threshold up, the sentiment rule from its threshold down), and the queue row says the same."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from moderation.review.explain import rule_text, signal_rule
from moderation.review.models import ReviewItem
from tests.factories import make_moderator, signed_in
from tests.test_queue_why import band, feedback_with, image_with, queue_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


SENTIMENT = {
    **band("sentiment", 45.9, 60, None),
    "code": "sentiment_uncertain",
    "params": {"sentiment": "neutral", "confidence": 45.9, "threshold": 60},
}
# As stored before reasons had codes: the page must still say "below".
LEGACY_SENTIMENT = {**band("sentiment", 45.9, 60, None), "detail": "uncertain"}


def rules_on_page(entry: ReviewItem) -> list[str]:
    page = signed_in(make_moderator()).get(f"/review/{entry.id}/").content.decode()
    return [
        html.unescape(rule) for rule in re.findall(r'<strong class="rule">(.*?)</strong>', page)
    ]


@pytest.mark.parametrize("reason", [SENTIMENT, LEGACY_SENTIMENT])
def test_uncertain_sentiment_is_below_its_threshold_on_the_item_page(reason: Any) -> None:
    entry = feedback_with(reason)
    assert rules_on_page(entry) == ["Sentiment 45.9 % < review threshold 60 %"]


def test_the_queue_row_says_below_for_the_same_sentiment() -> None:
    entry = feedback_with(SENTIMENT)
    row = queue_row(signed_in(make_moderator()).get("/review/").content.decode(), entry)
    assert "Sentiment 45.9 % below 60 %" in row
    assert "≥" not in row


def test_an_image_band_is_met_from_its_threshold_up_and_names_the_reject_edge() -> None:
    entry = image_with(band("Violence", 72.7, 50, "Violence"))  # v1: Violence 50–90
    assert rules_on_page(entry) == [
        "Violence 72.7 % ≥ review threshold 50 %, < reject threshold 90 %"
    ]
    row = queue_row(signed_in(make_moderator()).get("/review/").content.decode(), entry)
    assert "Violence 72.7 % — review 50–90 %" in row  # the same edges, compactly


def test_a_text_signal_reads_as_words_and_points_up() -> None:
    entry = feedback_with(band("VIOLENCE_OR_THREAT", 72.7, 60, None))  # v1: default 60–95
    assert rules_on_page(entry) == [
        "Violence or threat 72.7 % ≥ review threshold 60 %, < reject threshold 95 %"
    ]


def test_a_reject_band_and_several_signals_each_get_their_rule() -> None:
    reject = {**band("Explicit Nudity", 97.0, 90, "Explicit Nudity"), "band": "reject"}
    entry = image_with(reject, band("Violence", 72.7, 50, "Violence"))
    assert rules_on_page(entry) == [
        "Explicit Nudity 97.0 % ≥ reject threshold 90 %",
        "Violence 72.7 % ≥ review threshold 50 %, < reject threshold 90 %",
    ]


def test_rules_without_a_comparison_keep_their_sentence() -> None:
    language = {
        **band("language", 100.0, 0, None),
        "threshold": None,
        "code": "language_unsupported",
        "params": {"language": "sw"},
    }
    entry = feedback_with(language)
    page = signed_in(make_moderator()).get(f"/review/{entry.id}/").content.decode()
    assert 'class="rule"' not in page
    assert "The text analyzer does not support Swahili." in page


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (SENTIMENT, "Sentiment 45.9 % < review threshold 60 %"),
        (LEGACY_SENTIMENT, "Sentiment 45.9 % < review threshold 60 %"),
        (band("Weapons", 61.0, 50, "Violence"), "Weapons 61.0 % ≥ review threshold 50 %"),
        (
            {**band("Weapons", 91.0, 90, None), "band": "reject"},
            "Weapons 91.0 % ≥ reject threshold 90 %",
        ),
    ],
)
def test_every_comparison_points_the_way_its_rule_is_met(reason: Any, expected: str) -> None:
    rule = signal_rule(reason)  # no policy: no upper edge
    assert rule is not None and rule_text(rule) == expected
    # The score really is on the side of the threshold that the sign says.
    assert (rule.score < rule.threshold) if rule.operator == "<" else (rule.score >= rule.threshold)


def test_the_rule_is_in_norwegian_for_a_norwegian_moderator() -> None:
    from django.utils import translation

    rule = signal_rule(SENTIMENT)
    assert rule is not None
    with translation.override("nb"):
        assert rule_text(rule) == "Stemning 45,9 % < vurderingsgrensen 60 %"
