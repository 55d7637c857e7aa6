"""QA verdicts: agreeing changes nothing, overturning acts on the item (its file, its
document, the audit trail, the submitter's e-mail), and the first verdict wins
(moderation/qa/services.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from feedback import services as feedback_services
from feedback.analyzers.base import ToxicityLabel
from feedback.models import Feedback
from moderation.models import AuditEvent, ImageUpload, QaSample
from moderation.qa import services as qa
from moderation.qa.sampling import qa_sample_recent
from moderation.review import notify
from project.errors import BadInput, Conflict, Forbidden, NotFound
from tests.factories import make_moderator, make_user, signed_in
from tests.qa_helpers import machine_image, sampled, share_everything
from tests.test_feedback import HAPPY, FakeTextAnalyzer

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what waits for the commit (e-mails, deleting the old copy of a moved file)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_agreeing_records_the_verdict_and_changes_nothing_else(commit: Any) -> None:
    image = machine_image()
    sample = sampled(image)
    moderator = make_moderator()
    events = AuditEvent.objects.count()

    with commit():
        done = qa.qa_decide(sample_id=sample.id, moderator=moderator, verdict="agree")

    assert (done.verdict, done.verdict_by, done.verdict_at is not None) == (
        "agree", moderator, True,
    )  # fmt: skip
    current = ImageUpload.objects.get(id=image.id)
    assert (current.status, current.decided_by, current.file_key) == (
        "approved", "machine", image.file_key,
    )  # fmt: skip
    assert AuditEvent.objects.count() == events
    assert mail.outbox == []


def test_overturning_an_approval_takes_the_image_down_and_tells_the_submitter(
    commit: Any,
) -> None:
    image = machine_image()
    assert image.file_key.startswith("images/approved/")
    sample = sampled(image)
    moderator = make_moderator()

    with commit():
        qa.qa_decide(
            sample_id=sample.id, moderator=moderator, verdict="overturn", reason="violence",
            note="A real weapon.",
        )  # fmt: skip

    current = ImageUpload.objects.get(id=image.id)
    assert (current.status, current.decided_by) == ("rejected", "moderator")
    assert not current.file_key.startswith("images/approved/")
    assert default_storage.exists(current.file_key)
    assert not default_storage.exists(image.file_key)
    event = AuditEvent.objects.get(item_id=image.id, action="decision")
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        moderator, "approved", "rejected", "A real weapon.",
    )  # fmt: skip
    assert event.reasons[0]["label"] == "qa" and event.reasons[0]["reason"] == "violence"
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    assert "not accepted" in mail.outbox[0].subject
    assert "A real weapon." in mail.outbox[0].body
    sample.refresh_from_db()
    assert sample.verdict == "overturn"


def test_overturning_a_rejection_publishes_the_image(commit: Any) -> None:
    image = machine_image(reject=True)
    assert not image.file_key.startswith("images/approved/")
    sample = sampled(image)

    with commit():
        qa.qa_decide(
            sample_id=sample.id, moderator=make_moderator(), verdict="overturn",
            reason="false_positive",
        )  # fmt: skip

    current = ImageUpload.objects.get(id=image.id)
    assert (current.status, current.decided_by) == ("approved", "moderator")
    assert current.file_key == f"images/approved/{image.id}.jpg"
    assert default_storage.exists(current.file_key)
    assert not default_storage.exists(image.file_key)
    assert "was approved" in mail.outbox[0].subject


def test_overturning_feedback_moves_its_document(commit: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(
        "feedback.services.get_text_analyzer", lambda *a, **k: FakeTextAnalyzer(HAPPY)
    )
    author = make_user(email="author@example.com")
    message = feedback_services.feedback_create(text="Great shoes!", author=author)
    feedback_services.feedback_analyze(feedback_id=message.id)
    filed = Feedback.objects.get(id=message.id)
    assert filed.status == "approved" and filed.route.startswith("feedback/positive/")
    share_everything()
    qa_sample_recent()
    sample = QaSample.objects.get(item_id=message.id)

    with commit():
        qa.qa_decide(
            sample_id=sample.id, moderator=make_moderator(), verdict="overturn", reason="spam"
        )

    current = Feedback.objects.get(id=message.id)
    assert current.status == "rejected"
    assert current.route.startswith("feedback/rejected/")
    assert default_storage.exists(current.route)
    assert not default_storage.exists(filed.route)
    assert [m.to for m in mail.outbox] == [["author@example.com"]]


def test_the_first_verdict_wins() -> None:
    sample = sampled(machine_image())
    qa.qa_decide(sample_id=sample.id, moderator=make_moderator(), verdict="agree")

    with pytest.raises(Conflict):
        qa.qa_decide(
            sample_id=sample.id, moderator=make_moderator(), verdict="overturn", reason="violence"
        )

    assert ImageUpload.objects.get(id=sample.item_id).status == "approved"
    assert QaSample.objects.get(id=sample.id).verdict == "agree"


@pytest.mark.parametrize("change", ["purged", "decided"])
def test_an_item_changed_since_is_not_overturned(change: str) -> None:
    image = machine_image()
    sample = sampled(image)
    if change == "purged":
        ImageUpload.objects.filter(id=image.id).update(purged_at=timezone.now())
    else:
        ImageUpload.objects.filter(id=image.id).update(decided_by="moderator")
    events = AuditEvent.objects.count()

    with pytest.raises(Conflict):
        qa.qa_decide(
            sample_id=sample.id, moderator=make_moderator(), verdict="overturn", reason="violence"
        )

    current = ImageUpload.objects.get(id=image.id)
    assert (current.status, current.file_key) == ("approved", image.file_key)
    assert QaSample.objects.get(id=sample.id).verdict == ""
    assert AuditEvent.objects.count() == events
    assert mail.outbox == []


def test_an_overturn_needs_a_reason_of_its_new_decision() -> None:
    sample = sampled(machine_image())
    moderator = make_moderator()
    for reason in ("", "false_positive"):  # none, or an approval's reason for a rejection
        with pytest.raises(BadInput) as refused:
            qa.qa_decide(sample_id=sample.id, moderator=moderator, verdict="overturn",
                         reason=reason)  # fmt: skip
        assert refused.value.field == "reason"
    with pytest.raises(BadInput):
        qa.qa_decide(sample_id=sample.id, moderator=moderator, verdict="maybe")
    assert QaSample.objects.get(id=sample.id).verdict == ""


def test_nobody_checks_the_machine_on_their_own_item() -> None:
    moderator = make_moderator()
    sample = sampled(machine_image(owner=moderator))

    with pytest.raises(Forbidden):
        qa.qa_decide(sample_id=sample.id, moderator=moderator, verdict="agree")

    assert QaSample.objects.get(id=sample.id).verdict == ""


def test_a_deleted_item_takes_its_open_sample_along_and_keeps_its_verdict() -> None:
    open_image, checked_image = machine_image(), machine_image()
    sample = sampled(open_image)
    checked = QaSample.objects.get(item_id=checked_image.id)
    qa.qa_decide(sample_id=checked.id, moderator=make_moderator(), verdict="agree")

    ImageUpload.objects.filter(id__in=[open_image.id, checked_image.id]).delete()

    with pytest.raises(NotFound):
        qa.qa_decide(sample_id=sample.id, moderator=make_moderator(), verdict="agree")
    assert list(QaSample.objects.values_list("id", "verdict")) == [(checked.id, "agree")]


def test_approving_feedback_by_overturn_takes_a_sentiment_if_the_machine_had_none(
    commit: Any, monkeypatch: Any
) -> None:
    toxic = replace(HAPPY, scores=None, language_supported=False,
                    toxicity=(ToxicityLabel("TOXICITY", 99.0),), pii=())  # fmt: skip
    monkeypatch.setattr(
        "feedback.services.get_text_analyzer", lambda *a, **k: FakeTextAnalyzer(toxic)
    )
    message = feedback_services.feedback_create(text="You fools!", author=make_user())
    feedback_services.feedback_analyze(feedback_id=message.id)
    rejected = Feedback.objects.get(id=message.id)
    assert rejected.status == "rejected" and not rejected.sentiment
    share_everything()
    qa_sample_recent()
    sample = QaSample.objects.get(item_id=message.id)
    moderator = make_moderator()
    page = signed_in(moderator).get(f"/review/qa/{sample.id}/")
    assert page.status_code == 200 and b'name="sentiment"' in page.content

    with pytest.raises(BadInput) as refused:
        qa.qa_decide(sample_id=sample.id, moderator=moderator, verdict="overturn",
                     reason="false_positive")  # fmt: skip
    assert refused.value.field == "sentiment"
    with commit():
        qa.qa_decide(sample_id=sample.id, moderator=moderator, verdict="overturn",
                     reason="false_positive", details={"sentiment": "neutral"})  # fmt: skip

    current = Feedback.objects.get(id=message.id)
    assert (current.status, current.sentiment) == ("approved", "neutral")
    assert current.route.startswith("feedback/neutral/")
    assert default_storage.exists(current.route)
    assert not default_storage.exists(rejected.route)


def test_an_overturns_email_is_queued_like_any_decisions(commit: Any, settings: Any) -> None:
    settings.REVIEW_UNDO_SECONDS = 120
    sample = sampled(machine_image())

    with (
        mock.patch("moderation.qa.services.decision_notify_later", notify.decision_notify_later),
        mock.patch.object(notify.current_app, "send_task") as send,
        commit(),
    ):
        qa.qa_decide(
            sample_id=sample.id, moderator=make_moderator(), verdict="overturn", reason="violence"
        )

    event = AuditEvent.objects.get(item_id=sample.item_id, action="decision")
    send.assert_called_once_with(notify.NOTIFY_TASK, args=[event.id], countdown=120)
    assert mail.outbox == []
    # When the job runs, the decision still stands: the submitter is told.
    assert notify.decision_notify_standing(event_id=event.id)
    assert "not accepted" in mail.outbox[0].subject
