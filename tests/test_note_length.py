"""A decision's note over the limit is refused the same way by the web form and the API, and
nothing is decided (issue 14, finding 6): the form used to cut it at 2,000 characters silently."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from tests.factories import make_moderator
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db

LIMIT_MESSAGE = "note is 2001 characters; the limit is 2000 characters"


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def moderator_client() -> Client:
    client = Client()
    client.force_login(make_moderator())
    return client


def assert_undecided(entry: ReviewItem) -> None:
    entry.refresh_from_db()
    assert entry.resolved_at is None
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.IN_REVIEW
    assert not AuditEvent.objects.filter(item_id=entry.item_id, action="decision").exists()


def test_web_form_refuses_a_note_over_the_limit_and_decides_nothing() -> None:
    entry = queued_image()
    client = moderator_client()

    response = client.post(
        f"/review/{entry.id}/decide/", {"decision": "reject", "reason": "spam", "note": "x" * 2001}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/review/{entry.id}/"  # back to the item's page
    assert [str(m) for m in get_messages(response.wsgi_request)] == [LIMIT_MESSAGE]
    assert_undecided(entry)


def test_api_refuses_it_with_the_same_message() -> None:
    entry = queued_image()

    response = moderator_client().post(
        f"/api/v1/reviews/{entry.id}/decision/",
        {"decision": "reject", "reason": "spam", "note": "x" * 2001},
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (400, {"note": [LIMIT_MESSAGE]})
    assert_undecided(entry)
