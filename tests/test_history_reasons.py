"""History and its CSV say what was decided, why, by whom under which policy, and link to the
decided item, which opens read-only for any moderator."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth.models import User

from moderation.models import ReviewItem
from moderation.review import services as reviews
from tests.factories import make_moderator, signed_in
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def rejected_by(moderator: User) -> ReviewItem:
    entry = queued_image()
    reviews.review_decide(
        review_id=entry.id, moderator=moderator, decision="reject", reason="personal_data"
    )
    return entry


def test_history_links_the_decided_item_which_opens_read_only_for_another_moderator() -> None:
    alice, bob = make_moderator(username="alice"), make_moderator(username="bob")
    entry = rejected_by(alice)
    client = signed_in(bob)
    history = client.get("/review/history/?action=decision").content.decode()
    assert '<td class="reason">Personal data</td>' in history
    link = re.search(r'<a href="([^"]+)" class="open-item">', history)
    assert link is not None and link.group(1) == f"/review/{entry.id}/"

    response = client.get(link.group(1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "by alice: Rejected." in page
    assert 'id="decide-form"' not in page and "hx-post" not in page
    entry.refresh_from_db()
    assert entry.claimed_by == alice and entry.resolved_at is not None


def test_the_csv_has_the_decision_its_reason_the_moderator_and_the_policy() -> None:
    entry = rejected_by(make_moderator(username="alice"))
    response = signed_in(make_moderator()).get("/review/history/?format=csv")
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    decision = next(row for row in rows if row["action"] == "decision")
    assert decision["item_id"] == str(entry.item_id)
    assert (decision["decision"], decision["reason"]) == ("reject", "personal_data")
    assert decision["reason_name"] == "personal data"
    assert decision["actor"] == "alice" and decision["policy"] != ""
    analysis = next(row for row in rows if row["action"] == "analysis")
    assert (analysis["decision"], analysis["reason"], analysis["reason_name"]) == ("", "", "")
