"""The item page shows who sent the item: account age, their approved, rejected and open items
of every kind, and their last few items; anonymous feedback says so. Its queries do not grow
with the submitter's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import Feedback
from moderation.models import ImageUpload, ItemStatus, ReviewItem
from tests.factories import make_moderator, make_user, signed_in
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def submitter_panel(page: str) -> str:
    start = page.index('id="submitter"')
    return page[start : page.index("</section>", start)]


def earlier_items(owner: User, *, approved: int, rejected: int, feedback: int) -> None:
    for status, n in ((ItemStatus.APPROVED, approved), (ItemStatus.REJECTED, rejected)):
        ImageUpload.objects.bulk_create(
            ImageUpload(owner=owner, file_key="", content_type="image/jpeg", sha256="0" * 64,
                        size_bytes=1, width=1, height=1, status=status)
            for _ in range(n)
        )  # fmt: skip
    Feedback.objects.bulk_create(
        Feedback(author=owner, text=f"message {i}", status=ItemStatus.APPROVED)
        for i in range(feedback)
    )


def test_the_panel_counts_the_submitters_items_of_every_kind_and_links_the_last_ones() -> None:
    owner = make_user(username="sigrid")
    type(owner).objects.filter(id=owner.id).update(date_joined=timezone.now() - timedelta(days=40))
    earlier_items(owner, approved=2, rejected=3, feedback=4)
    entry = queued_image(owner)
    page = signed_in(make_moderator()).get(f"/review/{entry.id}/").content.decode()
    panel = submitter_panel(page)
    assert "<strong>sigrid</strong>" in panel and "account 1\xa0month" in panel
    assert "6 approved · 3 rejected · 1 open" in panel  # 2 images + 4 feedback approved
    links = panel.count('href="/review/items/')
    assert links == 5  # the last five, whatever their kind
    assert f'href="/review/items/image/{entry.item_id}/"' in panel and "(this one)" in panel


def test_anonymous_feedback_says_no_account_is_linked() -> None:
    feedback = Feedback.objects.create(text="Hei", author=None, status=ItemStatus.IN_REVIEW)
    entry = ReviewItem.objects.create(kind="feedback", item_id=feedback.id, reason="language")
    page = signed_in(make_moderator()).get(f"/review/{entry.id}/").content.decode()
    panel = submitter_panel(page)
    assert 'id="anonymous"' in panel and "Anonymous" in panel
    assert "approved ·" not in panel


def item_page_queries(client: Client, entry: ReviewItem) -> int:
    client.get(f"/review/{entry.id}/")  # warm up: session and permission caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/review/{entry.id}/").status_code == 200
    return len(queries)


def test_the_panels_queries_do_not_grow_with_the_submitters_history() -> None:
    owner = make_user()
    entry = queued_image(owner)
    client = signed_in(make_moderator())
    few = item_page_queries(client, entry)
    earlier_items(owner, approved=60, rejected=40, feedback=50)
    assert item_page_queries(client, entry) == few
