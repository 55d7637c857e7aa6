"""Undo of a single decision, within REVIEW_UNDO_SECONDS, on the web and the API: the item is
back in the queue, its file back in quarantine, its filed document gone, and the submitter's
e-mail, queued for when the window closes, is never sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import default_storage

from feedback.models import Feedback
from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.review import notify
from moderation.review import services as reviews
from moderation.review.tasks import notify_decision
from moderation.review.undo import review_undo
from tests.factories import make_moderator, make_user, signed_in
from tests.test_reviews import queued_feedback, queued_image

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


@pytest.fixture
def mail_later() -> Iterator[mock.MagicMock]:
    """The decision's e-mail as the product queues it: a job for when the undo window closes
    (captured here, run by the test), not the suite's send-at-commit."""
    with (
        mock.patch(
            "moderation.review.services.decision_notify_later", notify.decision_notify_later
        ),
        mock.patch.object(notify.current_app, "send_task") as send_task,
    ):
        yield send_task


def queued_event(send_task: mock.MagicMock) -> int:
    (name,), options = send_task.call_args
    assert name == notify.NOTIFY_TASK
    assert options["countdown"] == settings.REVIEW_UNDO_SECONDS
    (event_id,) = options["args"]
    return int(event_id)


def test_the_email_waits_for_the_undo_window_and_an_undo_cancels_it(
    mail_later: mock.MagicMock, django_capture_on_commit_callbacks: Capture
) -> None:
    entry = queued_image()
    moderator = make_moderator()
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_decide(
            review_id=entry.id, moderator=moderator, decision="approve", reason="ok"
        )
    assert mail.outbox == []  # nothing yet: the moderator may still undo
    event_id = queued_event(mail_later)

    review_undo(review_id=entry.id, moderator=moderator)

    assert notify_decision(event_id) is False
    assert mail.outbox == []


def test_a_decision_that_stands_is_sent_when_the_window_closes(
    mail_later: mock.MagicMock, django_capture_on_commit_callbacks: Capture
) -> None:
    entry = queued_image(owner=make_user(email="owner@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_decide(
            review_id=entry.id, moderator=make_moderator(), decision="reject", reason="violence"
        )
    assert notify_decision(queued_event(mail_later)) is True
    [email] = mail.outbox
    assert email.to == ["owner@example.com"] and "not accepted" in email.subject


def test_a_broker_that_refuses_the_job_gets_the_email_sent_at_once(
    mail_later: mock.MagicMock, django_capture_on_commit_callbacks: Capture
) -> None:
    mail_later.side_effect = ConnectionError("broker away")
    entry = queued_image(owner=make_user(email="owner@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_decide(
            review_id=entry.id, moderator=make_moderator(), decision="approve", reason="ok"
        )
    [email] = mail.outbox
    assert "approved" in email.subject


def test_after_an_undo_only_the_new_decision_is_sent(
    mail_later: mock.MagicMock, django_capture_on_commit_callbacks: Capture
) -> None:
    entry = queued_image(owner=make_user(email="owner@example.com"))
    moderator = make_moderator()
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_decide(
            review_id=entry.id, moderator=moderator, decision="approve", reason="ok"
        )
    first = queued_event(mail_later)
    review_undo(review_id=entry.id, moderator=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_decide(
            review_id=entry.id, moderator=moderator, decision="reject", reason="violence"
        )
    second = queued_event(mail_later)

    assert notify_decision(first) is False  # the approval was undone
    assert notify_decision(second) is True
    [email] = mail.outbox
    assert "not accepted" in email.subject


def test_approve_then_undo_on_the_web_puts_the_item_and_its_file_back(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    entry = queued_image()
    moderator = make_moderator(email="mod@example.com")
    client = signed_in(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/review/{entry.id}/decide/", {"decision": "approve", "reason": "ok"})
    image = ImageUpload.objects.get(id=entry.item_id)
    assert image.status == ItemStatus.APPROVED
    assert not image.file_key.startswith("quarantine/")
    sent = len(mail.outbox)
    assert sent == 1  # the submitter was told

    queue = client.get("/review/").content.decode()
    assert f'action="/review/{entry.id}/undo/"' in queue
    assert "The last item was approved." in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/review/{entry.id}/undo/", follow=True)

    assert response.redirect_chain[-1][0] == f"/review/{entry.id}/"
    assert "Undone: the item is back in the queue." in response.content.decode()
    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW
    assert image.file_key == f"quarantine/{image.id}.jpg"
    assert default_storage.exists(image.file_key)
    entry.refresh_from_db()
    assert entry.resolved_at is None
    assert entry.claimed_by == moderator  # the item page it lands on holds it again
    assert AuditEvent.objects.filter(item_id=image.id, action="undo").count() == 1
    assert len(mail.outbox) == sent  # nothing more is sent by the undo itself
    assert f'action="/review/{entry.id}/undo/"' not in client.get("/review/").content.decode()


def test_undo_on_the_api_removes_the_filed_feedback_document(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    entry = queued_feedback()
    moderator = make_moderator()
    client = signed_in(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_decide(
            review_id=entry.id, moderator=moderator, decision="approve", reason="ok",
            sentiment="positive",
        )  # fmt: skip
    route = Feedback.objects.get(id=entry.item_id).route
    assert route and default_storage.exists(route)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/reviews/{entry.id}/undo/")

    assert response.status_code == 200
    assert response.json()["status"] == ItemStatus.IN_REVIEW
    feedback = Feedback.objects.get(id=entry.item_id)
    assert (feedback.status, feedback.route) == (ItemStatus.IN_REVIEW, "")
    assert not default_storage.exists(route)
    assert ReviewItem.objects.get(id=entry.id).resolved_at is None


def test_undo_is_refused_once_the_window_closes(settings: Any) -> None:
    entry = queued_image()
    moderator = make_moderator()
    client = signed_in(moderator)
    client.post(f"/review/{entry.id}/decide/", {"decision": "reject", "reason": "spam"})
    settings.REVIEW_UNDO_SECONDS = 0

    response = client.post(f"/api/v1/reviews/{entry.id}/undo/")
    assert response.status_code == 409
    assert "can no longer be undone" in response.json()["detail"]
    page = client.post(f"/review/{entry.id}/undo/", follow=True).content.decode()
    assert "This decision can no longer be undone." in page
    assert f'action="/review/{entry.id}/undo/"' not in page
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.REJECTED
    assert ReviewItem.objects.get(id=entry.id).resolved_at is not None


def test_only_the_deciding_moderator_can_undo_and_only_a_decided_item() -> None:
    decided, open_entry = queued_image(), queued_image()
    ada, bob = make_moderator(), make_moderator()
    reviews.review_decide(review_id=decided.id, moderator=ada, decision="reject", reason="spam")

    response = signed_in(bob).post(f"/api/v1/reviews/{decided.id}/undo/")
    assert response.status_code == 409
    assert "only the moderator who decided" in response.json()["detail"]
    response = signed_in(ada).post(f"/api/v1/reviews/{open_entry.id}/undo/")
    assert response.status_code == 409
    assert "not decided" in response.json()["detail"]
    assert ImageUpload.objects.get(id=decided.item_id).status == ItemStatus.REJECTED
