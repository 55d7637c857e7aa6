"""A content kind the product does not have (tests/kinds: product-review comments) goes through
the whole life of an item with no change to the moderation core: created, analysed by the
core's task, queued for review, decided, undone, decided again, replayed under a new policy,
counted in the statistics, purged and erased."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from moderation.items import retention
from moderation.items.models import AuditEvent, ItemStatus
from moderation.items.tasks import analyze_item
from moderation.kinds import kind_get, kind_names, kind_register, kind_unregister
from moderation.policy.engine import Band, PolicySnapshot
from moderation.policy.replay import replay_preview
from moderation.policy.selectors import policy_current
from moderation.review.models import ReviewItem, ReviewQueueCount
from moderation.stats.figures import stats_for
from tests.factories import make_moderator, make_user
from tests.kinds.kind import CommentKind, comment_create
from tests.kinds.models import Comment


@pytest.fixture
def comment_kind() -> Iterator[CommentKind]:
    kind = CommentKind()
    kind_register(kind)
    yield kind
    kind_unregister(kind.name)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def run_analysis_now() -> Any:
    """The core's generic analysis task, run in this process instead of by a worker."""
    return mock.patch.object(
        analyze_item, "delay", side_effect=lambda kind, item_id: analyze_item.apply((kind, item_id))
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_kind_lives_its_whole_life_without_a_core_change(
    comment_kind: CommentKind,
) -> None:
    author = make_user(email="author@example.com")
    moderator = make_moderator()
    client = signed_in(moderator)

    # Created, and analysed once the transaction commits, by the core's generic task.
    with run_analysis_now():
        comment = comment_create(body="buy cheap spam here", author=author)
    comment.refresh_from_db()
    assert comment.status == ItemStatus.IN_REVIEW
    assert comment.signals == [{"name": "SPAM", "confidence": 80.0}]
    assert comment.reasons[0]["label"] == "SPAM" and comment.reasons[0]["band"] == "review"
    entry = ReviewItem.objects.get(kind="comment", item_id=comment.id)
    assert entry.reason == "SPAM" and entry.priority == 80.0
    assert ReviewQueueCount.objects.get(kind="comment", reason="SPAM").open == 1
    assert AuditEvent.objects.filter(item_kind="comment", action="analysis").count() == 1

    # In the queue, the API and the item page, like any other item.
    assert "comment" in kind_names()
    page = client.get("/review/?kind=comment")
    assert page.status_code == 200 and f"/review/{entry.id}/" in page.content.decode()
    listed = client.get("/api/v1/reviews/?kind=comment").json()["results"]
    assert [(row["item_id"], row["status"]) for row in listed] == [(str(comment.id), "in_review")]
    item_page = client.get(f"/review/{entry.id}/")
    assert item_page.status_code == 200 and "Review comment" in item_page.content.decode()

    # A bulk decision approves it: the kind publishes it.
    response = client.post(
        "/review/bulk/", {"ids": [str(entry.id)], "decision": "approve", "reason": "ok"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == ItemStatus.APPROVED and comment.decided_by == "moderator"
    assert comment.published_key and default_storage.exists(comment.published_key)
    published = comment.published_key

    # Undone: back in the queue, the published copy gone.
    bulk_id = client.session["undo_bulk"]
    assert client.post(f"/review/bulk/{bulk_id}/undo/").status_code == 302
    comment.refresh_from_db()
    entry.refresh_from_db()
    assert comment.status == ItemStatus.IN_REVIEW and comment.published_key == ""
    assert entry.resolved_at is None
    assert not default_storage.exists(published)
    assert ReviewQueueCount.objects.get(kind="comment", reason="SPAM").open == 1

    # Decided for good through the API; the author is told by e-mail.
    response = client.post(
        f"/api/v1/reviews/{entry.id}/decision/",
        {"decision": "reject", "reason": "spam"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rejected"
    comment.refresh_from_db()
    assert comment.status == ItemStatus.REJECTED
    assert ReviewQueueCount.objects.get(kind="comment", reason="SPAM").open == 0
    # Told twice: of the approval that was undone later, then of this decision.
    assert [m.to for m in mail.outbox] == [["author@example.com"]] * 2
    assert mail.outbox[-1].subject == "Your submission was not accepted"
    # A second decision is a conflict, as for any kind.
    again = client.post(
        f"/api/v1/reviews/{entry.id}/decision/",
        {"decision": "approve", "reason": "ok"},
        content_type="application/json",
    )
    assert again.status_code == 409

    # Replay: a laxer band on SPAM would approve what the moderator rejected (the preview
    # compares with the item's actual status).
    current = policy_current()
    proposed = PolicySnapshot(
        version=current.version + 1,
        bands={**current.bands, "SPAM": Band(90, 95, kind="text")},
        default=current.default,
        sentiment_review_below=current.sentiment_review_below,
    )
    preview = replay_preview(current=current, proposed=proposed, limit=100)
    assert preview.moves[("rejected", "approved")] == 1
    assert ("comment", str(comment.id)) in preview.examples[("rejected", "approved")]
    assert ("SPAM", "rejected", "approved", 1) in preview.categories

    # Statistics count it with the rest.
    numbers = stats_for(7)
    assert numbers.depth.now["comment"] == 0
    assert numbers.decisions.human_rejected == 1 and numbers.decisions.undone == 1
    assert numbers.timing["moderator"].decided == 1
    assert [(a.category, a.rejected, a.approved) for a in numbers.agreement] == [("SPAM", 1, 0)]
    assert client.get("/review/stats/").status_code == 200

    # Retention: its content goes after the retention period; the row and decision stay.
    Comment.objects.filter(id=comment.id).update(decided_at=timezone.now() - timedelta(days=400))
    report = retention.rejected_purge(older_than_days=30)
    assert report.by_kind["comment"] == 1
    comment.refresh_from_db()
    assert comment.body == "" and comment.purged_at is not None
    assert comment.status == ItemStatus.REJECTED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_account_deletion_takes_a_new_kinds_items_along(comment_kind: CommentKind) -> None:
    author = make_user()
    with run_analysis_now():
        queued = comment_create(body="spam", author=author)
        decided = comment_create(body="a fine product", author=author)
    decided.refresh_from_db()
    assert decided.status == ItemStatus.APPROVED
    assert ReviewItem.objects.filter(kind="comment", item_id=queued.id).exists()

    author.delete()

    assert not Comment.objects.filter(id=queued.id).exists()
    assert not ReviewItem.objects.filter(kind="comment", item_id=queued.id).exists()
    assert ReviewQueueCount.objects.get(kind="comment", reason="SPAM").open == 0
    decided.refresh_from_db()
    assert decided.author is None and decided.body == "" and decided.purged_at is not None


def test_the_kind_is_known_to_the_core_only_while_registered() -> None:
    assert "comment" not in kind_names()
    with pytest.raises(KeyError):
        kind_get("comment")
    assert {"image", "feedback"} <= set(kind_names())
