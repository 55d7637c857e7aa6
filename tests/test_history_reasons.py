"""History and its CSV say what was decided, why, by whom under which policy, and link to the
decided item, which opens read-only for any moderator."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from django.contrib.auth.models import User

from moderation.models import ImageUpload, ReviewItem
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
    assert link is not None and link.group(1) == f"/review/items/image/{entry.item_id}/"

    response = client.get(link.group(1))
    assert response.status_code == 200
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    page = response.content.decode()
    assert "Read-only record. Status: Rejected." in page
    events = page[page.index('id="record-events"') :]
    assert "alice · moderator decision → Rejected · Personal data · v1" in events
    assert 'id="decide-form"' not in page and "hx-post" not in page
    entry.refresh_from_db()
    assert entry.claimed_by == alice and entry.resolved_at is not None


def test_an_open_item_opened_from_the_history_is_not_claimed() -> None:
    entry = queued_image()
    client = signed_in(make_moderator())
    response = client.get(f"/review/items/image/{entry.item_id}/")
    assert response.status_code == 200
    assert 'id="decide-form"' not in response.content.decode()
    entry.refresh_from_db()
    assert entry.claimed_by is None and entry.claim_expires_at is None


def test_a_machine_decision_links_its_item_too() -> None:
    entry = queued_image()
    ReviewItem.objects.filter(id=entry.id).delete()  # as if the machine had decided it
    history = signed_in(make_moderator()).get("/review/history/").content.decode()
    assert f'href="/review/items/image/{entry.item_id}/" class="open-item"' in history


def test_the_record_view_is_for_moderators_and_known_items_only() -> None:
    entry = rejected_by(make_moderator())
    owner = ImageUpload.objects.get(id=entry.item_id).owner
    assert owner is not None
    path = f"/review/items/image/{entry.item_id}/"
    assert signed_in(owner).get(path).status_code == 403  # its own submitter: no moderator
    moderator = signed_in(make_moderator())
    assert moderator.get(f"/review/items/image/{uuid.uuid4()}/").status_code == 404
    assert moderator.get(f"/review/items/nosuchkind/{entry.item_id}/").status_code == 404
    assert moderator.get(f"/review/items/feedback/{entry.item_id}/").status_code == 404


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
    assert decision["item_url"] == f"http://testserver/review/items/image/{entry.item_id}/"
    analysis = next(row for row in rows if row["action"] == "analysis")
    assert (analysis["decision"], analysis["reason"], analysis["reason_name"]) == ("", "", "")
