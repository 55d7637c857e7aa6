"""Claims (issue 15, finding 10): looking never claims; a claim starts with "Start reviewing",
"next" or the first decision key; the page says who holds it and for how long; a stale claim
can be taken over and its holder can release it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.review import services as reviews
from project.errors import Conflict
from tests.factories import make_moderator, signed_in
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def go_quiet(entry: ReviewItem, seconds: int) -> None:
    """The holder's page last renewed the claim `seconds` ago (it is still unexpired)."""
    ReviewItem.objects.filter(id=entry.id).update(
        claim_renewed_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_opening_an_item_claims_nothing_and_offers_start_reviewing() -> None:
    entry = queued_image()
    client = signed_in(make_moderator())
    page = client.get(f"/review/{entry.id}/").content.decode()
    entry.refresh_from_db()
    assert entry.claimed_by is None and entry.claim_expires_at is None
    assert "Nobody is reviewing this item." in page
    assert f'action="/review/{entry.id}/claim/"' in page
    assert 'id="decide-form"' in page  # a free item can be decided at once (the key claims it)
    assert 'data-claim="free"' in page

    # Browsing with j/k opens the neighbours: none of them is claimed either.
    second = queued_image()
    client.get(f"/review/{second.id}/")
    assert not ReviewItem.objects.filter(claimed_by__isnull=False).exists()


def test_start_reviewing_on_the_item_page_claims_it_and_the_page_says_so() -> None:
    entry = queued_image()
    ada = make_moderator(username="ada")
    client = signed_in(ada)
    response = client.post(f"/review/{entry.id}/claim/")
    assert response.status_code == 302 and response["Location"] == f"/review/{entry.id}/"
    entry.refresh_from_db()
    assert entry.claimed_by == ada
    assert entry.claimed_at is not None and entry.claim_renewed_at == entry.claimed_at
    page = client.get(f"/review/{entry.id}/").content.decode()
    assert "You are reviewing this item (for 0\xa0minutes)." in page
    assert f'action="/review/{entry.id}/release/"' in page
    assert f'data-renew-url="/review/{entry.id}/renew/"' in page

    # Another moderator sees who holds it and since when, and cannot decide.
    ReviewItem.objects.filter(id=entry.id).update(claimed_at=timezone.now() - timedelta(minutes=5))
    other = signed_in(make_moderator()).get(f"/review/{entry.id}/").content.decode()
    assert "ada is reviewing this item (for 5\xa0minutes, last active 0\xa0minutes ago)." in other
    assert 'id="decide-form"' not in other


def test_the_page_script_claims_with_the_first_decision_key() -> None:
    """The script's request (HX-Request) gets the claim bar back, or the refusal's words."""
    entry = queued_image()
    ada, bob = make_moderator(username="ada"), make_moderator()
    claimed = signed_in(ada).post(f"/review/{entry.id}/claim/", HTTP_HX_REQUEST="true")
    assert claimed.status_code == 200
    assert 'data-claim="mine"' in claimed.content.decode()
    refused = signed_in(bob).post(f"/review/{entry.id}/claim/", HTTP_HX_REQUEST="true")
    assert refused.status_code == 409
    assert refused.content.decode() == "ada is reviewing this item"
    entry.refresh_from_db()
    assert entry.claimed_by == ada


def test_renewal_keeps_a_claim_but_never_starts_one() -> None:
    entry = queued_image()
    ada = make_moderator()
    client = signed_in(ada)
    assert client.post(f"/review/{entry.id}/renew/").status_code == 409
    entry.refresh_from_db()
    assert entry.claimed_by is None

    reviews.review_claim(review_id=entry.id, moderator=ada)
    go_quiet(entry, 60)
    started = ReviewItem.objects.get(id=entry.id).claimed_at
    assert client.post(f"/review/{entry.id}/renew/").status_code == 204
    entry.refresh_from_db()
    assert entry.claimed_at == started  # renewing keeps the claim's start
    assert entry.claim_renewed_at is not None
    assert timezone.now() - entry.claim_renewed_at < timedelta(seconds=5)


def test_the_holder_releases_a_claim_and_nobody_else_can() -> None:
    entry = queued_image()
    ada, bob = make_moderator(), make_moderator()
    reviews.review_claim(review_id=entry.id, moderator=ada)
    with pytest.raises(Conflict, match="you do not hold this item"):
        reviews.review_release(review_id=entry.id, moderator=bob)
    response = signed_in(ada).post(f"/review/{entry.id}/release/", follow=True)
    assert response.redirect_chain[-1][0] == "/review/"
    assert "Released: another moderator can take this item now." in response.content.decode()
    entry.refresh_from_db()
    assert entry.claimed_by is None and entry.claimed_at is None
    assert entry.claim_expires_at is None
    assert reviews.review_claim(review_id=entry.id, moderator=bob).claimed_by == bob


def test_a_live_claim_cannot_be_taken_over_a_stale_one_can(settings: Any) -> None:
    settings.REVIEW_CLAIM_STALE_SECONDS = 120
    entry = queued_image()
    ada, bob = make_moderator(username="ada"), make_moderator(username="bob")
    reviews.review_claim(review_id=entry.id, moderator=ada)

    go_quiet(entry, 60)  # active a minute ago: still hers
    with pytest.raises(Conflict, match="ada is still reviewing this item"):
        reviews.review_take_over(review_id=entry.id, moderator=bob)
    page = signed_in(bob).get(f"/review/{entry.id}/").content.decode()
    assert 'id="take-over"' not in page

    go_quiet(entry, 180)  # her page has not renewed it for three minutes
    page = signed_in(bob).get(f"/review/{entry.id}/").content.decode()
    assert "They seem to have left it: you may take it over." in page
    response = signed_in(bob).post(f"/review/{entry.id}/take-over/", follow=True)
    assert "You took this item over." in response.content.decode()
    entry.refresh_from_db()
    assert entry.claimed_by == bob and entry.resolved_at is None
    event = AuditEvent.objects.get(item_id=entry.item_id, action="take_over")
    assert (event.actor, event.note) == (bob, "ada")

    # Ada's page notices at its next renewal, and her decision is refused.
    assert signed_in(ada).post(f"/review/{entry.id}/renew/").status_code == 409
    refused = signed_in(ada).post(
        f"/review/{entry.id}/decide/", {"decision": "approve", "reason": "ok"}, follow=True
    )
    assert "Not decided: bob is reviewing this item." in refused.content.decode()
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.IN_REVIEW


def test_take_over_of_a_free_item_is_a_plain_claim_without_an_audit_row() -> None:
    entry = queued_image()
    bob = make_moderator()
    assert reviews.review_take_over(review_id=entry.id, moderator=bob).claimed_by == bob
    assert not AuditEvent.objects.filter(action="take_over").exists()


def test_take_over_and_release_on_the_api() -> None:
    entry = queued_image()
    ada, bob = make_moderator(username="ada"), make_moderator()
    reviews.review_claim(review_id=entry.id, moderator=ada)
    refused = signed_in(bob).post(f"/api/v1/reviews/{entry.id}/take-over/")
    assert refused.status_code == 409
    assert refused.json() == {"detail": "ada is still reviewing this item"}
    go_quiet(entry, 3600)
    taken = signed_in(bob).post(f"/api/v1/reviews/{entry.id}/take-over/")
    assert taken.status_code == 200 and taken.json()["claimed_by"] == bob.username
    assert signed_in(ada).post(f"/api/v1/reviews/{entry.id}/release/").status_code == 409
    released = signed_in(bob).post(f"/api/v1/reviews/{entry.id}/release/")
    assert released.status_code == 200 and released.json()["claimed_by"] is None
    assert ReviewItem.objects.get(id=entry.id).claimed_by is None


def test_undo_hands_the_item_back_to_the_moderator_who_took_it_back() -> None:
    entry = queued_image()
    ada = make_moderator()
    client = signed_in(ada)
    client.post(f"/review/{entry.id}/decide/", {"decision": "approve", "reason": "ok"})
    client.post(f"/review/{entry.id}/undo/")
    entry.refresh_from_db()
    assert entry.resolved_at is None and entry.claimed_by == ada
    assert entry.claimed_at is not None


def test_the_beat_job_forgets_expired_claims_and_skips() -> None:
    entry = queued_image()
    ada = make_moderator()
    reviews.review_claim(review_id=entry.id, moderator=ada)
    ReviewItem.objects.filter(id=entry.id).update(
        claim_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert reviews.review_release_stale() == 1
    entry.refresh_from_db()
    assert (entry.claimed_by, entry.claimed_at, entry.claim_renewed_at) == (None, None, None)
