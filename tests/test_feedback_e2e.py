"""Feedback through the API, analysed by a real Celery worker over Redis with the local models."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from feedback.models import Feedback
from moderation.models import ItemStatus
from tests.conftest import wait_until_decided

pytestmark = pytest.mark.e2e


def send(client: Client, text: str) -> str:
    response = client.post(
        "/api/v1/feedback/", json.dumps({"text": text}), content_type="application/json"
    )
    assert response.status_code == 202, response.content
    return str(response.json()["id"])


def test_feedback_is_analysed_and_filed_by_the_worker(
    celery_worker_process: subprocess.Popen[str], tmp_path: Path
) -> None:
    client = Client()
    feedback_id = send(
        client, "Great product, fast delivery, I love it! Mail me at ada@example.com."
    )

    feedback = wait_until_decided(Feedback, feedback_id)

    assert feedback.status == ItemStatus.APPROVED, feedback.reasons
    assert feedback.analyzer == "local-text"
    assert feedback.sentiment == "positive"
    assert feedback.route.startswith("feedback/positive/")
    stored = tmp_path / "media" / feedback.route
    document = json.loads(stored.read_text())
    assert document["text"] == "Great product, fast delivery, I love it! Mail me at [EMAIL]."
    assert document["pii_types"] == ["EMAIL"]
    body = client.get(f"/api/v1/feedback/{feedback_id}/").json()
    # The sender reads the outcome, never the storage key (that is for moderators).
    assert body["route"] is None and body["sentiment"] == "positive"


def test_a_threat_is_held_back_by_the_worker(celery_worker_process: subprocess.Popen[str]) -> None:
    feedback = wait_until_decided(
        Feedback, send(Client(), "I know where you live and I will kill you.")
    )
    assert feedback.status in {ItemStatus.REJECTED, ItemStatus.IN_REVIEW}
    assert any(reason["label"] == "VIOLENCE_OR_THREAT" for reason in feedback.reasons)
