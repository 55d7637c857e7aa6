"""No self-review: a moderator never claims or decides an item they submitted (issue 14,
finding 5), unless ALLOW_SELF_REVIEW says the team is one person."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from feedback import services as feedback_services
from feedback.models import Feedback
from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.review import bulk_jobs
from moderation.review import services as reviews
from moderation.review import tasks as review_tasks
from moderation.review.models import BulkAction
from project.errors import Forbidden
from tests.factories import make_moderator, signed_in
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db

OWN = "You submitted this item, so another moderator has to decide it."


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def assert_undecided(entry: ReviewItem) -> None:
    entry.refresh_from_db()
    assert entry.resolved_at is None and entry.claimed_by is None
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.IN_REVIEW
    assert not AuditEvent.objects.filter(item_id=entry.item_id, action="decision").exists()


def test_claim_next_skips_the_moderators_own_items() -> None:
    ada = make_moderator()
    own = queued_image(owner=ada)
    other = queued_image()

    assert reviews.review_claim_next(moderator=ada) == other
    reviews.review_decide(review_id=other.id, moderator=ada, decision="approve", reason="ok")
    assert reviews.review_claim_next(moderator=ada) is None  # only her own is left
    assert reviews.review_claim_next(moderator=make_moderator()) == own


def test_claim_next_skips_own_feedback_too() -> None:
    ada = make_moderator()
    feedback = feedback_services.feedback_create(text="Veldig bra!", author=ada)
    Feedback.objects.filter(id=feedback.id).update(status=ItemStatus.IN_REVIEW)
    ReviewItem.objects.create(kind="feedback", item_id=feedback.id, reason="language")

    assert reviews.review_claim_next(moderator=ada) is None
    assert reviews.review_claim_next(moderator=make_moderator()) is not None


def test_the_service_refuses_a_decision_on_ones_own_item() -> None:
    ada = make_moderator()
    entry = queued_image(owner=ada)

    with pytest.raises(Forbidden, match=OWN):
        reviews.review_decide(review_id=entry.id, moderator=ada, decision="approve", reason="ok")
    with pytest.raises(Forbidden, match=OWN):
        reviews.review_claim(review_id=entry.id, moderator=ada)
    assert_undecided(entry)


def test_api_decision_and_claim_on_ones_own_item_are_403() -> None:
    ada = make_moderator()
    entry = queued_image(owner=ada)
    client = signed_in(ada)

    claim = client.post(f"/api/v1/reviews/{entry.id}/claim/")
    decision = client.post(
        f"/api/v1/reviews/{entry.id}/decision/", {"decision": "approve", "reason": "ok"}
    )

    assert (claim.status_code, claim.json()) == (403, {"detail": OWN})
    assert (decision.status_code, decision.json()) == (403, {"detail": OWN})
    assert_undecided(entry)


def test_web_decision_on_ones_own_item_is_403_naming_why() -> None:
    ada = make_moderator()
    entry = queued_image(owner=ada)

    response = signed_in(ada).post(
        f"/review/{entry.id}/decide/", {"decision": "approve", "reason": "ok"}
    )

    assert response.status_code == 403
    assert OWN in response.content.decode()
    assert_undecided(entry)


def test_ones_own_item_page_is_read_only_with_the_reason() -> None:
    ada = make_moderator()
    entry = queued_image(owner=ada)

    response = signed_in(ada).get(f"/review/{entry.id}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert OWN in page and "You can look, but not decide." in page
    assert 'id="decide-form"' not in page
    assert_undecided(entry)  # opening it claimed nothing either


def test_bulk_leaves_out_ones_own_items_and_says_how_many() -> None:
    ada = make_moderator()
    own = [queued_image(owner=ada) for _ in range(2)]
    other = queued_image()
    form: dict[str, Any] = {"decision": "approve", "reason": "ok"}
    form["ids"] = [str(entry.id) for entry in [*own, other]]

    page = signed_in(ada).post("/review/bulk/", form, follow=True).content.decode()

    assert "1 item approved." in page
    assert "2 items left out: you submitted them" in page
    assert ImageUpload.objects.get(id=other.item_id).status == ItemStatus.APPROVED
    for entry in own:
        assert_undecided(entry)


def test_a_bulk_job_over_a_filter_never_counts_or_decides_ones_own_items() -> None:
    ada = make_moderator()
    own = [queued_image(owner=ada) for _ in range(2)]
    other = queued_image()
    form = {"decision": "approve", "reason": "ok", "scope": "filter", "kind": "image"}
    with mock.patch.object(review_tasks.bulk_decide, "delay"):
        signed_in(ada).post("/review/bulk/", form)
    action = BulkAction.objects.get()
    assert action.total == 1  # the other moderator's item only

    while bulk_jobs.review_bulk_run_batch(bulk_id=action.id):
        pass

    action.refresh_from_db()
    assert (action.decided, action.skipped) == (1, 0)
    assert ImageUpload.objects.get(id=other.item_id).status == ItemStatus.APPROVED
    for entry in own:
        assert_undecided(entry)


def test_bulk_of_only_ones_own_items_decides_nothing() -> None:
    ada = make_moderator()
    own = queued_image(owner=ada)

    page = (
        signed_in(ada)
        .post("/review/bulk/", {"ids": [str(own.id)], "decision": "reject", "reason": "spam"},
              follow=True)
        .content.decode()
    )  # fmt: skip

    assert "1 item left out: you submitted it" in page
    assert_undecided(own)


def test_allow_self_review_lets_a_one_person_team_decide(settings: Any) -> None:
    ada = make_moderator()
    entry = queued_image(owner=ada)
    assert reviews.review_claim_next(moderator=ada) is None

    settings.ALLOW_SELF_REVIEW = True
    assert reviews.review_claim_next(moderator=ada) == entry
    reviews.review_decide(review_id=entry.id, moderator=ada, decision="approve", reason="ok")

    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.APPROVED
