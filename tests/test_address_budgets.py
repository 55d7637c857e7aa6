"""Budgets per client address across accounts: three accounts behind one address share one
upload budget and one feedback budget, on top of each account's own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from feedback.models import Feedback
from moderation.models import ImageUpload
from tests.factories import image_bytes, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def account(address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(make_user())
    return client


def upload(client: Client) -> Any:
    image = SimpleUploadedFile("photo.jpg", image_bytes(), "image/jpeg")
    return client.post("/api/v1/images/", {"image": image})


def feedback(client: Client) -> Any:
    body = json.dumps({"text": "Quick delivery, thanks."})
    return client.post("/api/v1/feedback/", body, content_type="application/json")


def test_accounts_behind_one_address_share_its_upload_budget(settings: Any) -> None:
    settings.UPLOAD_RATE = "30/minute"
    settings.UPLOAD_ADDRESS_RATE = "4/minute"
    accounts = [account("203.0.113.20") for _ in range(3)]
    answers = [upload(accounts[n % 3]).status_code for n in range(6)]
    assert answers == [202, 202, 202, 202, 429, 429]
    assert ImageUpload.objects.count() == 4
    refused = upload(accounts[0])
    assert 0 < int(refused["Retry-After"]) <= 60
    # The web form draws on the same budget and says which limit refused.
    page = accounts[1].post(
        "/upload/", {"image": SimpleUploadedFile("p.jpg", image_bytes(), "image/jpeg")}
    )
    assert page.status_code == 429
    assert "Too many uploads (limit 4/minute)" in page.content.decode()
    # Another address has a budget of its own.
    assert upload(account("198.51.100.20")).status_code == 202


def test_accounts_and_anonymous_senders_behind_one_address_share_its_feedback_budget(
    settings: Any,
) -> None:
    settings.FEEDBACK_RATE = "10/minute"
    settings.FEEDBACK_ADDRESS_RATE = "3/minute"
    shared = "203.0.113.21"
    senders = [account(shared), account(shared), Client(REMOTE_ADDR=shared)]
    assert [feedback(sender).status_code for sender in senders] == [202, 202, 202]
    assert feedback(account(shared)).status_code == 429
    assert feedback(Client(REMOTE_ADDR=shared)).status_code == 429
    form = Client(REMOTE_ADDR=shared).post("/feedback/", {"text": "Fine."})
    assert form.status_code == 429
    assert "Too many messages (limit 3/minute)" in form.content.decode()
    assert Feedback.objects.count() == 3
    assert feedback(Client(REMOTE_ADDR="198.51.100.21")).status_code == 202


def test_ones_own_budget_still_applies_first(settings: Any) -> None:
    settings.UPLOAD_RATE = "2/minute"
    settings.UPLOAD_ADDRESS_RATE = "100/minute"
    client = account("203.0.113.22")
    assert [upload(client).status_code for _ in range(3)] == [202, 202, 429]
    # A second account behind the same address is not held back by the first one's budget.
    assert upload(account("203.0.113.22")).status_code == 202
