"""Identical open items, from anyone, are grouped: the queue shows the group, the item page
lists it, and one decision decides each member through the ordinary services (its own audit
row, e-mail and undo)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback import services as feedback_services
from feedback.models import Feedback
from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.review.counts import queue_counts_rebuild
from moderation.review.grouping import review_group_set, text_group_key
from moderation.review.models import BulkAction
from tests.factories import make_moderator, make_user, signed_in
from tests.test_feedback import HAPPY, FakeTextAnalyzer
from tests.test_queue_why import queue_row
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


@pytest.fixture
def unsupported_language() -> Iterator[None]:
    """Every text goes to review: the analyzer cannot judge its language."""
    answer = replace(HAPPY, language="fi", language_supported=False, scores=None, toxicity=())
    with mock.patch("feedback.services.get_text_analyzer", return_value=FakeTextAnalyzer(answer)):
        yield


def queued_text(text: str) -> ReviewItem:
    feedback = feedback_services.feedback_create(text=text, author=make_user())
    feedback_services.feedback_analyze(feedback_id=feedback.id)
    return ReviewItem.objects.get(item_id=feedback.id)


def test_texts_that_differ_only_in_case_spacing_or_unicode_form_share_a_key() -> None:
    key = text_group_key("Great shop!  Fast delivery.")
    assert key.startswith("text:")
    assert text_group_key("great SHOP!\nfast   delivery. ") == key
    assert text_group_key("Great shop! Fast delivery") != key  # a full stop less
    assert text_group_key("   ") == ""  # no words: grouped with nothing


def test_identical_feedback_from_two_people_is_grouped_in_the_queue_and_on_the_page(
    unsupported_language: None,
) -> None:
    first = queued_text("Olen erittäin tyytyväinen!")
    second = queued_text("olen  erittäin TYYTYVÄINEN!")
    other = queued_text("Something else entirely")
    assert first.group_key == second.group_key != "" and other.group_key != first.group_key

    client = signed_in(make_moderator())
    queue = client.get("/review/").content.decode()
    assert "2 identical" in queue_row(queue, first) and "2 identical" in queue_row(queue, second)
    assert "identical" not in queue_row(queue, other)

    page = client.get(f"/review/{first.id}/").content.decode()
    group = page[page.index('id="group"') :]
    assert "1 identical open item" in group and f"/review/{second.id}/" in group
    assert f"/review/{other.id}/" not in group
    assert 'id="approve-group"' in page and "Approve all 2" in page


def test_identical_images_are_grouped_by_their_content_hash() -> None:
    first, second = queued_image(), queued_image()  # the same bytes, two uploads
    sha256 = ImageUpload.objects.get(id=first.item_id).sha256
    assert first.group_key == second.group_key == f"sha256:{sha256}"


def test_a_group_is_decided_together_each_with_its_own_audit_row_and_undo(
    unsupported_language: None,
) -> None:
    first, second = queued_text("Olen tyytyväinen!"), queued_text("Olen tyytyväinen!")
    outsider = queued_text("Olen tyytymätön.")
    client = signed_in(make_moderator(username="grace"))
    response = client.post(
        f"/review/{first.id}/group/",
        {
            "decision": "approve",
            "reason": "ok",
            "sentiment": "positive",
            # An id that is not in the group is never decided, whatever the form says.
            "members": [str(second.id), str(outsider.id)],
        },
    )
    assert response.status_code == 302
    for entry in (first, second):
        feedback = Feedback.objects.get(id=entry.item_id)
        assert feedback.status == ItemStatus.APPROVED and feedback.sentiment == "positive"
        decisions = AuditEvent.objects.filter(item_id=entry.item_id, action="decision")
        assert [event.actor.username for event in decisions] == ["grace"]  # type: ignore[union-attr]
    assert Feedback.objects.get(id=outsider.item_id).status == ItemStatus.IN_REVIEW

    action = BulkAction.objects.get()
    assert action.entries.count() == 2
    assert client.post(f"/review/bulk/{action.id}/undo/").status_code == 302
    for entry in (first, second):
        assert Feedback.objects.get(id=entry.item_id).status == ItemStatus.IN_REVIEW
        assert AuditEvent.objects.filter(item_id=entry.item_id, action="undo").count() == 1


def test_a_reject_reason_must_fit_the_group_decision(unsupported_language: None) -> None:
    first, second = queued_text("Kjøp billige klokker"), queued_text("Kjøp billige klokker")
    client = signed_in(make_moderator())
    client.post(
        f"/review/{first.id}/group/",
        {"decision": "reject", "reason": "ok", "members": [str(second.id)]},
    )
    statuses = Feedback.objects.filter(id__in=[first.item_id, second.item_id])
    assert set(statuses.values_list("status", flat=True)) == {ItemStatus.IN_REVIEW}


def test_a_key_known_later_plugs_in_as_a_group() -> None:
    """The hook a perceptual hash uses: the key is set after the item was queued."""
    first, second = queued_image(), queued_image()
    ReviewItem.objects.update(group_key="")
    assert review_group_set(kind="image", item_id=first.item_id, key="phash:00ff")
    assert review_group_set(kind="image", item_id=second.item_id, key="phash:00ff")
    queue = signed_in(make_moderator()).get("/review/").content.decode()
    assert "2 identical" in queue_row(queue, first)


def grouped_queue(n: int, groups: int) -> None:
    owner = make_user()
    images = ImageUpload.objects.bulk_create(
        ImageUpload(
            owner=owner, file_key=f"quarantine/{i}.jpg", content_type="image/jpeg",
            sha256=f"{i % groups:064d}", size_bytes=1, width=1, height=1,
            status=ItemStatus.IN_REVIEW, policy_version=1,
            reasons=[{"label": "Weapons", "confidence": 70.0, "band": "review", "threshold": 50}],
        )
        for i in range(n)
    )  # fmt: skip
    ReviewItem.objects.bulk_create(
        ReviewItem(
            kind="image", item_id=image.id, reason="Weapons", priority=70.0,
            group_key=f"sha256:{image.sha256}",
        )
        for image in images
    )  # fmt: skip
    queue_counts_rebuild()


def test_groups_and_thumbnails_add_no_query_per_row() -> None:
    client = signed_in(make_moderator())
    grouped_queue(4, groups=2)
    client.get("/review/")
    with CaptureQueriesContext(connection) as few:
        page = client.get("/review/").content.decode()
    assert page.count("2 identical") == 4 and page.count('class="queue-thumb"') == 4
    grouped_queue(196, groups=40)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/review/").content.decode()
    assert page.count('class="queue-row') == 50
    assert len(re.findall(r"\d+ identical", page)) == 50
    assert len(few) == len(many)


def test_entries_queued_before_groups_existed_are_grouped_by_the_command() -> None:
    from io import StringIO

    from django.core.management import call_command

    first, second = queued_image(), queued_image()
    ReviewItem.objects.update(group_key="")
    out = StringIO()
    call_command("fill_review_groups", stdout=out)
    assert out.getvalue().strip() == "2 open entries grouped"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.group_key == second.group_key != ""
    call_command("fill_review_groups", stdout=out)  # nothing left to do
    assert out.getvalue().strip().endswith("0 open entries grouped")


def test_an_entry_written_by_raw_sql_without_a_key_groups_with_nothing() -> None:
    """Imports and the queue benchmark write entries with SQL: the database fills the key."""
    import uuid

    item_id = uuid.uuid4()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO moderation_reviewitem (id, kind, reason, priority, created_at, item_id)"
            " VALUES (%s, 'image', 'Weapons', 70, now(), %s)",
            [uuid.uuid4(), item_id],
        )
    assert ReviewItem.objects.get(item_id=item_id).group_key == ""
