"""The moderators' dashboard pages, through Django's test client."""

from __future__ import annotations

import csv
import io
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from feedback.models import Feedback
from moderation.models import (
    AuditEvent,
    BulkAction,
    ImageUpload,
    ItemStatus,
    ModeratorPreference,
    Policy,
    ReviewItem,
)
from moderation.review import bulk, bulk_jobs
from moderation.review import services as reviews
from moderation.review.counts import queue_counts_rebuild
from project.errors import Conflict
from tests.factories import make_moderator, make_user, signed_in
from tests.test_reviews import queued_feedback, queued_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def bulk_queue(n: int) -> None:
    """n open image entries, written in bulk: the query-count test needs many, cheaply."""
    owner = make_user()
    images = ImageUpload.objects.bulk_create(
        ImageUpload(
            owner=owner, file_key=f"quarantine/{i}.jpg", content_type="image/jpeg",
            sha256=f"{i:064d}", size_bytes=1, width=1, height=1, status=ItemStatus.IN_REVIEW,
            policy_version=1,
            reasons=[{"label": "Weapons", "confidence": 70.0, "band": "review", "threshold": 50}],
        )
        for i in range(n)
    )  # fmt: skip
    ReviewItem.objects.bulk_create(
        ReviewItem(kind="image", item_id=image.id, reason="Weapons", priority=70.0)
        for image in images
    )
    queue_counts_rebuild()  # bulk_create bypasses the counters' signals


def test_submitters_are_refused_the_queue() -> None:
    response = signed_in(make_user()).get("/review/")
    assert response.status_code == 403
    assert b"Moderators only" in response.content
    assert Client().get("/review/").status_code == 302  # to the login page


def queue_page_queries(client: Client) -> int:
    client.get("/review/")  # warm up: session and permission caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/review/")
    assert response.status_code == 200
    return len(queries)


def test_queue_page_query_count_does_not_grow_with_the_queue() -> None:
    client = signed_in(make_moderator())
    bulk_queue(5)
    with_5 = queue_page_queries(client)
    bulk_queue(495)
    with_500 = queue_page_queries(client)
    page = client.get("/review/").content
    assert page.count(b'class="queue-row') == 50  # one page of 500
    assert with_5 == with_500
    # session, user, permissions, policy timing, counters, the escalated entries' counts, page,
    # the page's items (one query per kind on it), the bands of the policy versions on it (two)
    assert with_500 <= 11


def test_filters_sort_and_counts() -> None:
    image = queued_image()
    feedback = queued_feedback()
    ReviewItem.objects.filter(id=image.id).update(priority=99)
    client = signed_in(make_moderator())

    page = client.get("/review/?kind=feedback").content.decode()
    assert page.count('class="queue-row') == 1 and "language" in page
    assert "Image <span>1</span>" in page and "Feedback <span>1</span>" in page
    page = client.get("/review/?reason=Weapons").content.decode()
    assert page.count('class="queue-row') == 1
    page = client.get("/review/?older_than=1h").content.decode()
    assert "Nothing waiting" in page
    page = client.get("/review/?sort=priority").content.decode()
    assert page.index(str(image.id)) < page.index(str(feedback.id))


def test_overdue_items_are_highlighted() -> None:
    queued_image()
    Policy.objects.update(review_sla_seconds=60)
    ReviewItem.objects.update(created_at=ReviewItem.objects.get().created_at.replace(year=2000))
    page = signed_in(make_moderator()).get("/review/").content.decode()
    assert "queue-row overdue" in page and "over SLA" in page


def test_start_reviewing_hands_out_the_next_item_and_decide_and_next() -> None:
    first, second = queued_image(), queued_image()
    moderator = make_moderator()
    client = signed_in(moderator)

    response = client.post("/review/next/")
    assert response["Location"] == f"/review/{first.id}/"
    page = client.get(response["Location"]).content.decode()
    assert 'class="preview blurred"' in page  # blurred by default
    assert "Weapons 70.0 % ≥ review threshold 50 %, &lt; reject threshold 90 %" in page
    assert "Band of Violence." in page
    first.refresh_from_db()
    assert first.claimed_by == moderator

    decided = client.post(
        f"/review/{first.id}/decide/", {"decision": "approve", "reason": "ok", "then": "next"}
    )
    assert decided["Location"] == f"/review/{second.id}/"
    assert ImageUpload.objects.get(id=first.item_id).status == ItemStatus.APPROVED


def test_item_held_by_another_moderator_cannot_be_decided_from_the_page() -> None:
    entry = queued_image()
    reviews.review_claim(review_id=entry.id, moderator=make_moderator(username="ada"))
    client = signed_in(make_moderator())
    page = client.get(f"/review/{entry.id}/").content.decode()
    assert "ada is reviewing this item (for 0\xa0minutes, last active 0\xa0minutes ago)." in page
    assert "You can look, but not decide." in page
    assert 'id="decide-form"' not in page and 'id="take-over"' not in page  # not stale
    response = client.post(
        f"/review/{entry.id}/decide/", {"decision": "reject", "reason": "violence"}, follow=True
    )
    assert "Not decided: ada is reviewing this item." in response.content.decode()
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.IN_REVIEW


def test_blur_preference_is_per_moderator() -> None:
    entry = queued_image()
    moderator = make_moderator()
    client = signed_in(moderator)
    client.post("/review/preferences/", {"next": f"/review/{entry.id}/"})
    assert ModeratorPreference.objects.get(user=moderator).blur_images is False
    assert 'class="preview"' in client.get(f"/review/{entry.id}/").content.decode()
    other = signed_in(make_moderator())
    assert 'class="preview blurred"' in other.get(f"/review/{entry.id}/").content.decode()


def test_feedback_text_is_masked_and_revealing_it_is_audited() -> None:
    entry = queued_feedback()
    text = "Mail me at bob@example.com please"
    Feedback.objects.filter(id=entry.item_id).update(
        text=text,
        redacted_text="Mail me at [EMAIL] please",
        pii=[{"type": "EMAIL", "begin": 11, "end": 26, "confidence": 90.0}],
    )
    moderator = make_moderator()
    client = signed_in(moderator)
    page = client.get(f"/review/{entry.id}/").content.decode()
    assert "Mail me at [EMAIL] please" in page and "bob@example.com" not in page

    revealed = client.post(f"/review/{entry.id}/reveal/").content.decode()
    assert "bob@example.com" in revealed
    event = AuditEvent.objects.get(action="reveal_pii")
    assert (event.actor, event.note) == (moderator, "EMAIL")


def test_bulk_approve_then_undo_puts_everything_back() -> None:
    entries = [queued_image() for _ in range(3)]
    held = queued_image()
    reviews.review_claim(review_id=held.id, moderator=make_moderator())
    moderator = make_moderator()
    client = signed_in(moderator)

    response = client.post(
        "/review/bulk/",
        {"ids": [str(e.id) for e in [*entries, held]], "decision": "approve", "reason": "ok"},
        follow=True,
    )
    page = response.content.decode()
    assert "3 items approved." in page and "1 item skipped" in page
    assert ImageUpload.objects.filter(status=ItemStatus.APPROVED).count() == 3
    action = BulkAction.objects.get()
    assert f'action="/review/bulk/{action.id}/undo/"' in page

    client.post(f"/review/bulk/{action.id}/undo/")

    assert ImageUpload.objects.filter(status=ItemStatus.IN_REVIEW).count() == 4
    for image in ImageUpload.objects.all():
        assert image.file_key.startswith("quarantine/")
    assert ReviewItem.objects.filter(resolved_at__isnull=True).count() == 4
    assert AuditEvent.objects.filter(action="undo").count() == 3
    again = client.post(f"/review/bulk/{action.id}/undo/", follow=True).content.decode()
    assert "can no longer be undone" in again
    assert "/undo/" not in again  # the undo bar is gone


def test_undo_is_only_for_a_short_while_and_only_for_its_moderator(settings: Any) -> None:
    entry = queued_image()
    ada, bob = make_moderator(), make_moderator()
    result = bulk.review_bulk_decide(
        review_ids=[entry.id], moderator=ada, decision="reject", reason="violence"
    )
    assert result.action is not None
    with pytest.raises(Conflict):
        bulk.review_bulk_undo(bulk_id=result.action.id, moderator=bob)
    settings.REVIEW_UNDO_SECONDS = 0
    with pytest.raises(Conflict):
        bulk.review_bulk_undo(bulk_id=result.action.id, moderator=ada)
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.REJECTED


def test_bulk_over_everything_in_a_filter() -> None:
    for _ in range(3):
        queued_image()
    queued_feedback()
    client = signed_in(make_moderator())
    with mock.patch("moderation.review.tasks.bulk_decide.delay"):
        client.post(
            "/review/bulk/",
            {"scope": "filter", "kind": "image", "decision": "reject", "reason": "violence"},
        )
    # A job, not the request, decides them (tests/test_bulk_jobs.py).
    action = BulkAction.objects.get()
    assert ImageUpload.objects.filter(status=ItemStatus.REJECTED).count() == 0
    while bulk_jobs.review_bulk_run_batch(bulk_id=action.id):
        pass
    assert ImageUpload.objects.filter(status=ItemStatus.REJECTED).count() == 3
    assert Feedback.objects.get().status == ItemStatus.IN_REVIEW


def test_history_filters_and_csv_export() -> None:
    entry = queued_image()
    moderator = make_moderator(username="grace")
    reviews.review_decide(review_id=entry.id, moderator=moderator, decision="reject", reason="hate")
    client = signed_in(make_moderator())

    page = client.get("/review/history/?moderator=grace").content.decode()
    assert page.count("<tr>") == 2  # header and grace's decision
    assert "decision" in page
    machine_only = client.get("/review/history/?action=analysis").content.decode()
    assert "grace" not in machine_only

    export = client.get("/review/history/?format=csv")
    assert export["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows[0][:5] == ["time", "item_kind", "item_id", "actor", "action"]
    assert {row[4] for row in rows[1:]} == {"analysis", "decision"}
    assert ["grace", "decision", "in_review", "rejected"] in [row[3:7] for row in rows]
