"""Migrations keep the data they reshape: rows written under the old schema read the same after."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("moderation", "0011_calibrated_sentiment_threshold"), ("feedback", "0004_verbose_names")]
AFTER = [("moderation", "0012_review_entries_by_kind")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_queue_entries_keep_their_items_when_they_name_them_by_kind_and_id() -> None:
    try:
        check_review_entries_by_kind()
    finally:  # the rest of the suite needs the schema of today
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def check_review_entries_by_kind() -> None:
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="before")
    image = old.get_model("moderation", "ImageUpload").objects.create(
        id=uuid.uuid4(), owner=user, file_key="quarantine/a.jpg", content_type="image/jpeg",
        sha256="0" * 64, size_bytes=1, width=1, height=1, status="in_review",
    )  # fmt: skip
    feedback = old.get_model("feedback", "Feedback").objects.create(
        id=uuid.uuid4(), author=user, text="hei", status="in_review"
    )
    entries = old.get_model("moderation", "ReviewItem").objects
    image_entry = entries.create(kind="image", image=image, reason="Weapons", priority=70)
    feedback_entry = entries.create(kind="feedback", feedback=feedback, reason="language")

    new = migrate(AFTER).loader.project_state(AFTER).apps
    moved = new.get_model("moderation", "ReviewItem").objects
    assert moved.get(id=image_entry.id).item_id == image.id
    assert moved.get(id=feedback_entry.id).item_id == feedback.id
    assert (moved.get(id=image_entry.id).kind, moved.get(id=feedback_entry.id).kind) == (
        "image",
        "feedback",
    )

    # And back: the old columns get their ids again.
    back = migrate(BEFORE).loader.project_state(BEFORE).apps
    restored = back.get_model("moderation", "ReviewItem").objects
    assert restored.get(id=image_entry.id).image_id == image.id
    assert restored.get(id=feedback_entry.id).feedback_id == feedback.id
