"""Retention and privacy: rejected content purged after a while; a deleted account's content
erased and its traces in the audit trail anonymised. On the filesystem and on S3 (moto)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from celery.schedules import crontab
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from feedback import filing
from feedback import services as feedback_services
from feedback.models import Feedback
from moderation.images import services
from moderation.items import retention
from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.review import services as reviews
from moderation.tasks import purge_rejected
from tests.conftest import clean_env, run_manage, s3_keys
from tests.factories import make_moderator, make_user, upload_file

pytestmark = pytest.mark.django_db

Keys = Callable[[], list[str]]
LONG_AGO = timedelta(days=31)


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


@pytest.fixture(params=["filesystem", "s3"])
def keys(request: pytest.FixtureRequest, settings: Any) -> Keys:
    """Lists every stored object, whichever storage the test runs on."""
    if request.param == "s3":
        client = request.getfixturevalue("s3")
        return lambda: s3_keys(client)
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return lambda: sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def fs_keys(settings: Any) -> Keys:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return lambda: sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def image_in(django_capture_on_commit_callbacks: Any) -> Callable[..., ImageUpload]:
    """image_in(status, owner=…, age=…): an image stored and taken through the real pipeline
    to that status; decided `age` ago."""
    moderator = make_moderator()

    def make(
        status: str, owner: User | None = None, age: timedelta = LONG_AGO, note: str = ""
    ) -> ImageUpload:
        image = services.image_upload_create(
            owner=owner or make_user(), upload=upload_file(name="holiday-ada.jpg")
        )
        if status != ItemStatus.PENDING:
            services.image_analyze(image_id=image.id)  # → in review
        if status in (ItemStatus.APPROVED, ItemStatus.REJECTED):
            decision = "approve" if status == ItemStatus.APPROVED else "reject"
            reason = "ok" if decision == "approve" else "violence"
            with django_capture_on_commit_callbacks(execute=True):
                reviews.review_decide(
                    review_id=ReviewItem.objects.get(item_id=image.id).id,
                    moderator=moderator,
                    decision=decision,
                    reason=reason,
                    note=note,
                )
            ImageUpload.objects.filter(id=image.id).update(decided_at=timezone.now() - age)
        image.refresh_from_db()
        assert image.status == status
        return image

    return make


def feedback_in(status: str, author: User | None = None, age: timedelta = LONG_AGO) -> Feedback:
    """A message in that status; decided ones filed as their document, decided `age` ago."""
    feedback = feedback_services.feedback_create(
        text="Mail me at ada@example.com about the boots.", author=author
    )
    final = status in (ItemStatus.APPROVED, ItemStatus.REJECTED)
    Feedback.objects.filter(id=feedback.id).update(
        status=status,
        sentiment="positive",
        redacted_text="Mail me at [EMAIL] about the boots.",
        key_phrases=["the boots"],
        entities=[{"text": "ada@example.com", "type": "OTHER", "confidence": 90.0}],
        decided_at=timezone.now() - age if final else None,
    )
    feedback.refresh_from_db()
    if final:
        Feedback.objects.filter(id=feedback.id).update(route=filing.file_document(feedback))
    if status == ItemStatus.IN_REVIEW:
        ReviewItem.objects.create(kind="feedback", item_id=feedback.id, reason="sentiment")
    feedback.refresh_from_db()
    return feedback


# ---- rejected content ------------------------------------------------------------------------


def test_old_rejected_content_is_purged_and_rows_and_audit_stay(
    keys: Keys, image_in: Callable[..., ImageUpload]
) -> None:
    old = image_in(ItemStatus.REJECTED)
    recent = image_in(ItemStatus.REJECTED, age=timedelta(days=29))
    approved = image_in(ItemStatus.APPROVED)
    waiting = image_in(ItemStatus.IN_REVIEW)
    old_text = feedback_in(ItemStatus.REJECTED)
    kept_text = feedback_in(ItemStatus.APPROVED)
    assert old_text.route.startswith("feedback/rejected/")
    before = keys()
    assert {old.file_key, old_text.route} <= set(before)
    events_before = set(AuditEvent.objects.values_list("id", flat=True))

    report = retention.rejected_purge()

    assert (report.by_kind["image"], report.by_kind["feedback"], report.failed) == (1, 1, 0)
    assert keys() == sorted(set(before) - {old.file_key, old_text.route})
    for kept in (recent, approved, waiting):
        assert kept.file_key in keys()
    assert kept_text.route in keys()

    old.refresh_from_db()
    assert old.status == ItemStatus.REJECTED
    assert old.file_key == "" and old.original_name == "" and old.purged_at is not None
    assert old.labels and old.reasons and old.sha256  # the decision stays explainable
    old_text.refresh_from_db()
    assert old_text.status == ItemStatus.REJECTED and old_text.purged_at is not None
    assert (old_text.text, old_text.redacted_text, old_text.route) == ("", "", "")
    assert old_text.key_phrases == [] and old_text.entities == []
    assert old_text.sentiment == "positive"
    for item in (recent, approved, waiting, kept_text):
        assert type(item)._default_manager.get(id=item.id).purged_at is None

    assert events_before <= set(AuditEvent.objects.values_list("id", flat=True))
    purges = AuditEvent.objects.filter(action="purge").order_by("item_kind")
    assert [(e.item_kind, e.item_id, e.actor_kind, e.to_status) for e in purges] == [
        ("feedback", old_text.id, "machine", "rejected"),
        ("image", old.id, "machine", "rejected"),
    ]
    assert purges[1].note == f"file quarantine/{old.id}.jpg deleted"

    # Idempotent: a second run finds nothing and records nothing.
    again = retention.rejected_purge()
    assert (again.by_kind["image"], again.by_kind["feedback"]) == (0, 0)
    assert AuditEvent.objects.filter(action="purge").count() == 2


def test_purging_goes_in_batches(fs_keys: Keys, image_in: Callable[..., ImageUpload]) -> None:
    images = [image_in(ItemStatus.REJECTED) for _ in range(5)]
    report = retention.rejected_purge(batch_size=2)
    assert report.by_kind["image"] == 5
    assert not any(key.startswith("quarantine/") for key in fs_keys())
    assert ImageUpload.objects.filter(id__in=[i.id for i in images], purged_at=None).count() == 0


def test_a_file_already_gone_is_still_marked_purged(image_in: Callable[..., ImageUpload]) -> None:
    # As after a crash between deleting the file and updating the row.
    image = image_in(ItemStatus.REJECTED)
    default_storage.delete(image.file_key)
    assert retention.rejected_purge().by_kind["image"] == 1
    image.refresh_from_db()
    assert image.file_key == "" and image.purged_at is not None


def test_a_storage_failure_leaves_the_item_for_the_next_run(
    fs_keys: Keys, image_in: Callable[..., ImageUpload], caplog: pytest.LogCaptureFixture
) -> None:
    stuck, fine = image_in(ItemStatus.REJECTED), image_in(ItemStatus.REJECTED)
    real_delete = default_storage.delete

    def flaky(name: str) -> None:
        if name == stuck.file_key:
            raise OSError("storage unavailable")
        real_delete(name)

    with mock.patch.object(type(default_storage._wrapped), "delete", side_effect=flaky):  # type: ignore[attr-defined]
        report = retention.rejected_purge()
    assert (report.by_kind["image"], report.failed) == (1, 1)
    assert f"could not purge rejected image {stuck.id}" in caplog.text
    stuck.refresh_from_db()
    assert stuck.purged_at is None and stuck.file_key in fs_keys()
    assert ImageUpload.objects.get(id=fine.id).purged_at is not None

    assert retention.rejected_purge().by_kind["image"] == 1  # the next run gets it
    assert stuck.file_key not in fs_keys()


def test_the_command_purges_with_its_own_retention(image_in: Callable[..., ImageUpload]) -> None:
    image = image_in(ItemStatus.REJECTED, age=timedelta(days=11))
    out = _run("purge_rejected")
    assert out == "purged 0 images and 0 feedback messages\n"
    out = _run("purge_rejected", "--days", "10", "--batch-size", "50")
    assert out == "purged 1 images and 0 feedback messages\n"
    assert ImageUpload.objects.get(id=image.id).file_key == ""


def test_the_beat_job_runs_the_purge_daily(
    settings: Any, image_in: Callable[..., ImageUpload]
) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["purge-rejected"]
    assert entry["task"] == purge_rejected.name == "moderation.tasks.purge_rejected"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.remaining_estimate(timezone.now()).total_seconds() <= 86_400  # daily
    assert len(schedule.hour) == 1 and len(schedule.minute) == 1  # type: ignore[attr-defined]
    image = image_in(ItemStatus.REJECTED)
    assert purge_rejected.apply().get() == 1
    assert ImageUpload.objects.get(id=image.id).purged_at is not None


def test_retention_days_come_from_the_environment() -> None:
    script = "from django.conf import settings as s; print(s.REJECTED_RETENTION_DAYS)"
    result = run_manage(
        "shell", "--verbosity", "0", "-c", script, env=clean_env(REJECTED_RETENTION_DAYS="7")
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "7"
    default = run_manage("shell", "--verbosity", "0", "-c", script, env=clean_env())
    assert default.stdout.strip() == "30"


# ---- deleting an account ---------------------------------------------------------------------


def delete_by_command(user: User) -> None:
    out = _run("delete_user", user.username, "--noinput")
    assert out.startswith(f"deleted {user.username}: 6 files, 3 undecided items deleted, ")


def delete_in_admin(user: User) -> None:
    admin = User.objects.create_superuser("root", "root@example.com", "pw-root-123")
    client = Client()
    client.force_login(admin)
    # The admin's change and deletion are logged under the user's name: that goes too.
    changed = client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {"username": user.username, "email": user.email, "date_joined_0": "2026-01-01",
         "date_joined_1": "00:00:00", "is_active": "on"},
    )  # fmt: skip
    assert changed.status_code == 302
    response = client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302


def delete_in_admin_list(user: User) -> None:
    admin = User.objects.create_superuser("root", "root@example.com", "pw-root-123")
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [str(user.pk)], "post": "yes"},
    )
    assert response.status_code == 302


def delete_row(user: User) -> None:
    user.delete()


DELETIONS = {
    "command": delete_by_command,
    "admin": delete_in_admin,
    "admin-list": delete_in_admin_list,
    "model": delete_row,
}


@pytest.mark.parametrize("how", DELETIONS)
def test_deleting_an_account_erases_its_content_and_its_name(
    how: str, fs_keys: Keys, image_in: Callable[..., ImageUpload], settings: Any
) -> None:
    _deleting_an_account(DELETIONS[how], fs_keys, image_in, settings)


def test_deleting_an_account_on_s3(
    s3: Any, image_in: Callable[..., ImageUpload], settings: Any
) -> None:
    _deleting_an_account(delete_by_command, lambda: s3_keys(s3), image_in, settings)


def _deleting_an_account(
    delete: Callable[[User], None],
    keys: Keys,
    image_in: Callable[..., ImageUpload],
    settings: Any,
) -> None:
    ada = make_user(username="ada", email="ada@example.com")
    adam = make_user(username="adam", email="adam@example.com")  # a name containing hers
    mine = {
        status: image_in(status, owner=ada)
        for status in (ItemStatus.APPROVED, ItemStatus.REJECTED, ItemStatus.IN_REVIEW)
    }
    mine[ItemStatus.PENDING] = image_in(ItemStatus.PENDING, owner=ada)
    texts = {
        status: feedback_in(status, author=ada)
        for status in (ItemStatus.APPROVED, ItemStatus.REJECTED, ItemStatus.IN_REVIEW)
    }
    theirs = image_in(ItemStatus.APPROVED, owner=adam)
    their_text = feedback_in(ItemStatus.APPROVED, author=adam)
    # A moderator's note names her; a sign-in lock-out of her username records an address.
    queued = image_in(
        ItemStatus.APPROVED, owner=adam, note="Asked ada@example.com and Ada about it; adam agreed."
    )
    settings.LOGIN_LOCKOUT_FAILURES = 1
    Client(REMOTE_ADDR="10.0.0.9").post(
        "/accounts/login/", {"username": "ada", "password": "wrong"}
    )
    assert AuditEvent.objects.filter(action="login_lockout").exists()
    gone = {mine[ItemStatus.IN_REVIEW].id, mine[ItemStatus.PENDING].id}
    gone_text = texts[ItemStatus.IN_REVIEW].id
    events_of_kept_items = AuditEvent.objects.filter(
        item_id__in=[mine[ItemStatus.APPROVED].id, mine[ItemStatus.REJECTED].id]
    ).count()
    others = {theirs.file_key, their_text.route, ImageUpload.objects.get(id=queued.id).file_key}
    assert others < set(keys())

    delete(ada)

    assert not User.objects.filter(username="ada").exists()
    assert keys() == sorted(others)  # every file and document of hers is gone
    # Decided items stay, anonymous and empty; undecided ones are gone with their queue entries.
    for status in (ItemStatus.APPROVED, ItemStatus.REJECTED):
        image = ImageUpload.objects.get(id=mine[status].id)
        assert (image.owner, image.file_key, image.original_name) == (None, "", "")
        assert image.status == status and image.purged_at is not None and image.labels
        text = Feedback.objects.get(id=texts[status].id)
        assert (text.author, text.text, text.redacted_text, text.route) == (None, "", "", "")
        assert text.entities == [] and text.key_phrases == [] and text.purged_at is not None
    assert not ImageUpload.objects.filter(id__in=gone).exists()
    assert not Feedback.objects.filter(id=gone_text).exists()
    assert not ReviewItem.objects.filter(item_id__in=gone).exists()
    assert not ReviewItem.objects.filter(item_id=gone_text).exists()
    assert (
        AuditEvent.objects.filter(
            item_id__in=[mine[ItemStatus.APPROVED].id, mine[ItemStatus.REJECTED].id]
        ).count()
        == events_of_kept_items
    )
    # Nobody else's content was touched.
    assert ImageUpload.objects.get(id=theirs.id).owner == adam
    assert Feedback.objects.get(id=their_text.id).text.startswith("Mail me")

    # The audit trail keeps what happened, without her name, e-mail or address.
    note = AuditEvent.objects.get(action="decision", item_id=queued.id, to_status="approved").note
    assert note == "Asked [deleted user] and [deleted user] about it; adam agreed."
    lockout = AuditEvent.objects.get(action="login_lockout")
    assert lockout.reasons[0]["username"] == "[deleted user]"
    assert lockout.reasons[0]["client"] == ""
    assert "ada" not in lockout.note
    her = re.compile(r"(?<![\w.@+-])(ada|ada@example\.com)(?![\w.@+-])", re.IGNORECASE)
    for event in AuditEvent.objects.all():
        assert not her.search(event.note) and not her.search(str(event.reasons)), event.note
    assert not LogEntry.objects.filter(object_repr__iexact="ada").exists()


def test_the_admin_log_keeps_its_entries_about_the_account_without_the_name() -> None:
    ada = make_user(username="ada")
    delete_in_admin(ada)
    entries = LogEntry.objects.filter(object_id=str(ada.pk))
    assert entries.count() == 2  # the change and the deletion
    assert set(entries.values_list("object_repr", flat=True)) == {"[deleted user]"}


def test_delete_user_refuses_an_unknown_name_and_an_unconfirmed_delete() -> None:
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("delete_user", "nobody", "--noinput")
    make_user(username="ada")
    with (
        mock.patch("builtins.input", return_value="ad"),
        pytest.raises(CommandError, match="not confirmed"),
    ):
        call_command("delete_user", "ada")
    assert User.objects.filter(username="ada").exists()
    with mock.patch("builtins.input", return_value="ada"):
        assert _run("delete_user", "ada").startswith("deleted ada: 0 files")
    assert not User.objects.filter(username="ada").exists()


def _run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
