"""Reasons per decision: an approval carries an approve reason, a rejection a reject reason,
on the API, the item page and the bulk bar alike."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem, UserPreference
from tests.conftest import clean_env, run_manage
from tests.factories import make_moderator, signed_in
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def status_of(entry: ReviewItem) -> str:
    return ImageUpload.objects.get(id=entry.item_id).status


def decided_reason(entry: ReviewItem) -> str:
    return str(
        AuditEvent.objects.get(item_id=entry.item_id, action="decision").reasons[0]["reason"]
    )


@pytest.mark.parametrize(
    ("decision", "reason", "words"),
    [
        ("reject", "ok", "to reject"),
        ("reject", "false_positive", "to reject"),
        ("approve", "spam", "to approve"),
    ],
)
def test_api_refuses_a_reason_of_the_other_decision_naming_the_field(
    decision: str, reason: str, words: str
) -> None:
    entry = queued_image()
    response = signed_in(make_moderator()).post(
        f"/api/v1/reviews/{entry.id}/decision/",
        {"decision": decision, "reason": reason},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert words in str(response.json()["reason"])
    entry.refresh_from_db()
    assert entry.resolved_at is None
    assert status_of(entry) == ItemStatus.IN_REVIEW


def test_api_decides_with_a_reason_that_fits() -> None:
    entry = queued_image()
    response = signed_in(make_moderator()).post(
        f"/api/v1/reviews/{entry.id}/decision/",
        {"decision": "reject", "reason": "personal_data"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert status_of(entry) == ItemStatus.REJECTED
    assert decided_reason(entry) == "personal_data"


@pytest.mark.parametrize("reason", ["ok", ""])
def test_the_item_page_refuses_a_reject_without_a_reject_reason(reason: str) -> None:
    entry = queued_image()
    client = signed_in(make_moderator())
    response = client.post(
        f"/review/{entry.id}/decide/", {"decision": "reject", "reason": reason}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/review/{entry.id}/"
    shown = [str(message) for message in get_messages(response.wsgi_request)] or [
        response.content.decode()
    ]
    assert any("reason must be one of nudity, violence" in text for text in shown)
    assert status_of(entry) == ItemStatus.IN_REVIEW


def test_the_item_page_approves_without_a_chosen_reason_as_ok() -> None:
    entry = queued_image()
    response = signed_in(make_moderator()).post(
        f"/review/{entry.id}/decide/", {"decision": "approve", "reason": ""}
    )
    assert response.status_code == 302
    assert status_of(entry) == ItemStatus.APPROVED
    assert decided_reason(entry) == "ok"


def test_bulk_reject_needs_a_reject_reason_and_decides_nothing_without() -> None:
    entries = [queued_image(), queued_image()]
    client = signed_in(make_moderator())
    ids = [str(entry.id) for entry in entries]
    for reason in ("", "ok"):
        response = client.post(
            "/review/bulk/", {"ids": ids, "decision": "reject", "reason": reason}, follow=True
        )
        assert "reason must be one of nudity" in response.content.decode()
        assert {status_of(entry) for entry in entries} == {ItemStatus.IN_REVIEW}
    response = client.post(
        "/review/bulk/", {"ids": ids, "decision": "reject", "reason": "spam"}, follow=True
    )
    assert "2 items rejected." in response.content.decode()
    assert {status_of(entry) for entry in entries} == {ItemStatus.REJECTED}


def test_bulk_approve_without_a_chosen_reason_approves_as_ok() -> None:
    entry = queued_image()
    client = signed_in(make_moderator())
    response = client.post(
        "/review/bulk/", {"ids": [str(entry.id)], "decision": "approve", "reason": ""}, follow=True
    )
    assert "1 item approved." in response.content.decode()
    assert decided_reason(entry) == "ok"


def test_forms_start_with_no_reason_and_group_the_reasons_with_guidance() -> None:
    entry = queued_image()
    client = signed_in(make_moderator())
    for path in (f"/review/{entry.id}/", "/review/"):
        page = client.get(path).content.decode()
        assert '<option value="" selected>Choose a reason</option>' in page
        assert '<optgroup label="Approve">' in page and '<optgroup label="Reject">' in page
        assert 'data-decision="approve" data-guidance="The analyzer flagged something' in page
        assert "False positive</option>" in page
        assert "Personal data</option>" in page
    item_page = client.get(f"/review/{entry.id}/").content.decode()
    assert ">2. False positive</option>" in item_page
    assert ">3. Nudity</option>" in item_page


def test_the_guidance_is_translated() -> None:
    entry = queued_image()
    moderator = make_moderator()
    UserPreference.objects.create(user=moderator, language="nb")
    page = signed_in(moderator).get(f"/review/{entry.id}/").content.decode()
    assert 'data-guidance="Vold, blod eller trusler om skade."' in page
    assert "Velg en årsak</option>" in page


def test_the_old_single_list_is_still_read_and_split_by_decision() -> None:
    script = (
        "from django.conf import settings as s; "
        "print(s.REVIEW_APPROVE_REASON_CODES, s.REVIEW_REJECT_REASON_CODES)"
    )
    result = run_manage(
        "shell", "-c", script, env=clean_env(REVIEW_REASON_CODES="ok, spam, self_harm")
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['ok'] ['spam', 'self_harm']"
    env = clean_env(REVIEW_REASON_CODES="ok,spam", REVIEW_REJECT_REASON_CODES="hate")
    result = run_manage("shell", "-c", script, env=env)
    assert result.stdout.strip().splitlines()[-1] == "['ok'] ['hate']"
