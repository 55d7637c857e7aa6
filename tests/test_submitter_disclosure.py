"""Submitters never see who decided their item (a moderator's username) nor where it is stored
(a storage key): they read "a moderator" and the reason in words. Moderators see both
(issue 14, finding 9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from feedback.models import Feedback
from moderation.i18n import language_save
from moderation.models import ImageUpload
from moderation.review import services as reviews
from tests.factories import make_moderator
from tests.test_reviews import queued_feedback, queued_image

pytestmark = pytest.mark.django_db

MODERATOR = "grace_the_moderator"


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def signed_in(user: User, language: str = "en") -> Client:
    language_save(user=user, language=language)  # the account's own language
    client = Client()
    client.force_login(user)
    return client


def the_moderator() -> User:
    return User.objects.filter(username=MODERATOR).first() or make_moderator(username=MODERATOR)


def rejected_image() -> ImageUpload:
    entry = queued_image()
    moderator = the_moderator()
    reviews.review_decide(
        review_id=entry.id, moderator=moderator, decision="reject", reason="personal_data"
    )
    return ImageUpload.objects.get(id=entry.item_id)


def approved_feedback() -> Feedback:
    entry = queued_feedback()
    moderator = the_moderator()
    reviews.review_decide(
        review_id=entry.id,
        moderator=moderator,
        decision="approve",
        reason="false_positive",
        sentiment="positive",
    )
    feedback = Feedback.objects.get(id=entry.item_id)
    assert feedback.route.startswith("feedback/positive/")
    return feedback


def assert_hidden(body: bytes, *secrets: str) -> None:
    for secret in (MODERATOR, *secrets):
        assert secret.encode() not in body


@pytest.mark.parametrize(("language", "who", "why"), [
    ("en", "a moderator", "personal data"), ("nb", "en moderator", "personopplysninger"),
])  # fmt: skip
def test_image_owner_reads_a_moderator_and_the_reason_in_the_api(
    language: str, who: str, why: str
) -> None:
    image = rejected_image()
    assert image.owner is not None
    client = signed_in(image.owner, language)

    detail = client.get(f"/api/v1/images/{image.id}/")
    listing = client.get("/api/v1/images/")

    for body in (detail.json(), listing.json()["results"][0]):
        assert body["decided_by"] == "moderator"
        assert (body["decided_by_name"], body["decision_reason"]) == (who, why)
    assert_hidden(detail.content, image.file_key)
    assert_hidden(listing.content, image.file_key)


def test_a_moderator_reads_the_deciding_moderators_name() -> None:
    image = rejected_image()

    body = signed_in(make_moderator()).get(f"/api/v1/images/{image.id}/").json()

    assert (body["decided_by_name"], body["decision_reason"]) == (MODERATOR, "personal data")


def test_feedback_author_sees_neither_the_name_nor_the_storage_key() -> None:
    feedback = approved_feedback()
    assert feedback.author is not None

    response = signed_in(feedback.author).get(f"/api/v1/feedback/{feedback.id}/")

    body: dict[str, Any] = response.json()
    assert body["route"] is None
    assert (body["decided_by_name"], body["decision_reason"]) == ("a moderator", "false positive")
    assert_hidden(response.content, feedback.route)


def test_a_moderator_sees_the_feedbacks_storage_key_and_decider() -> None:
    feedback = approved_feedback()

    body = signed_in(make_moderator()).get(f"/api/v1/feedback/{feedback.id}/").json()

    assert body["route"] == feedback.route
    assert body["decided_by_name"] == MODERATOR


def test_submitter_pages_say_a_moderator_and_why() -> None:
    image = rejected_image()
    feedback = approved_feedback()
    assert image.owner is not None and feedback.author is not None

    uploads = signed_in(image.owner).get("/upload/")
    status = signed_in(feedback.author).get(f"/feedback/{feedback.id}/")

    assert "Decided by a moderator: personal data." in uploads.content.decode()
    assert "Decided by a moderator: false positive." in status.content.decode()
    assert_hidden(uploads.content, image.file_key)
    assert_hidden(status.content, feedback.route)
