"""Threshold tuning in Django admin: versions, validation, replay before saving."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from moderation.images import services
from moderation.images.analyzers.base import ModerationLabel
from moderation.models import AuditEvent, ImageUpload, ItemStatus, Policy
from moderation.policy.engine import Band, decide
from moderation.policy.replay import replay_preview
from moderation.policy.selectors import policy_current
from moderation.tasks import analyze_image
from tests.factories import make_user, upload_file

pytestmark = pytest.mark.django_db
PROPOSE = "/admin/moderation/policy/propose/"


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def form_data(policy: Policy, **changes: Any) -> dict[str, Any]:
    """The editor's POST for `policy`, with band fields changed by category: Violence=(80, 95).
    It ticks "Save without a preview" unless told confirm=False."""
    data: dict[str, Any] = {
        "default_review_at": policy.default_review_at,
        "default_reject_at": policy.default_reject_at,
        "sentiment_review_below": policy.sentiment_review_below,
        "min_confidence": "",
        "review_sla_seconds": policy.review_sla_seconds,
        "claim_ttl_seconds": policy.claim_ttl_seconds,
        "comment": changes.pop("comment", "a change"),
    }
    if changes.pop("confirm", True):
        data["confirm_unpreviewed"] = "on"
    bands = list(policy.bands.order_by("kind", "category"))
    # One blank row more, as the browser sends it: its category select is left at "—".
    data.update(
        {"bands-TOTAL_FORMS": len(bands) + 1, "bands-INITIAL_FORMS": len(bands),
         "bands-MIN_NUM_FORMS": 0, "bands-MAX_NUM_FORMS": 1000,
         f"bands-{len(bands)}-category": ""}
    )  # fmt: skip
    for i, band in enumerate(bands):
        review_at, reject_at = changes.get(band.category, (band.review_at, band.reject_at))
        data.update(
            {f"bands-{i}-category": band.category,
             f"bands-{i}-review_at": review_at, f"bands-{i}-reject_at": reject_at}
        )  # fmt: skip
        if band.enabled:
            data[f"bands-{i}-enabled"] = "on"
    return data


def test_invalid_bands_are_refused_with_a_message(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    response = admin_client.post(PROPOSE, {**form_data(v1, Violence=(90, 50)), "_save": "1"})
    assert response.status_code == 200
    assert "reject_at must be at least review_at" in response.content.decode()
    response = admin_client.post(PROPOSE, {**form_data(v1), "default_review_at": 120, "_save": "1"})
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    assert Policy.objects.count() == 1


def test_a_save_bumps_the_version_and_is_audited(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    response = admin_client.post(
        PROPOSE, {**form_data(v1, Violence=(80, 95), comment="weapons at fairs"), "_save": "1"}
    )
    assert response.status_code == 302
    v2 = Policy.objects.get(version=2)
    assert v2.bands.get(category="Violence").review_at == 80
    assert v1.bands.get(category="Violence").review_at == 50  # the old version is untouched
    assert v2.created_by is not None and v2.comment == "weapons at fairs"
    event = AuditEvent.objects.get(action="policy_change")
    assert (event.item_kind, event.policy_version) == ("policy", 2)
    assert event.note == "Violence 50/90 → 80/95"
    listing = admin_client.get("/admin/moderation/policy/").content.decode()
    assert "Violence 50/90 → 80/95" in listing
    history = admin_client.get("/review/history/?action=policy_change").content.decode()
    assert "policy v2" in history and "Violence 50/90 → 80/95" in history


def test_a_decision_after_the_save_obeys_the_new_version(admin_client: Client) -> None:
    before = services.image_upload_create(owner=make_user(), upload=upload_file())
    analyze_image.apply(args=(str(before.id),))
    before.refresh_from_db()
    assert (before.status, before.policy_version) == (ItemStatus.IN_REVIEW, 1)  # Weapons 70

    v1 = Policy.objects.get()
    admin_client.post(PROPOSE, {**form_data(v1, Violence=(80, 95)), "_save": "1"})
    after = services.image_upload_create(owner=make_user(), upload=upload_file())
    analyze_image.apply(args=(str(after.id),))

    after.refresh_from_db()
    assert (after.status, after.policy_version) == (ItemStatus.APPROVED, 2)


def test_restoring_an_old_version_makes_a_new_one(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    admin_client.post(PROPOSE, {**form_data(v1, Violence=(80, 95)), "_save": "1"})
    page = admin_client.get(f"/admin/moderation/policy/{v1.pk}/propose/").content.decode()
    assert "Starting from version 1" in page
    admin_client.post(f"/admin/moderation/policy/{v1.pk}/propose/", {**form_data(v1), "_save": "1"})
    v3 = Policy.objects.get(version=3)
    assert v3.bands.get(category="Violence").review_at == 50


def test_a_band_can_be_added_in_the_blank_row(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    data = form_data(v1)
    blank = data["bands-TOTAL_FORMS"] - 1
    data.update(
        {f"bands-{blank}-category": "Weapons", f"bands-{blank}-review_at": 80,
         f"bands-{blank}-reject_at": 99, f"bands-{blank}-enabled": "on", "_save": "1"}
    )  # fmt: skip
    assert admin_client.post(PROPOSE, data).status_code == 302
    assert Policy.objects.get(version=2).bands.get(category="Weapons").review_at == 80


def test_only_staff_reach_the_editor() -> None:
    client = Client()
    client.force_login(make_user())
    assert client.get(PROPOSE).status_code == 302  # to the admin login


def stored_images(
    labels_per_image: list[list[dict[str, Any]]], statuses: list[str] | None = None
) -> None:
    owner = make_user()
    statuses = statuses or [ItemStatus.APPROVED] * len(labels_per_image)
    ImageUpload.objects.bulk_create(
        ImageUpload(
            owner=owner, file_key=f"quarantine/{i}.jpg", content_type="image/jpeg",
            sha256=f"{i:064d}", size_bytes=1, width=1, height=1, status=status,
            analyzer="aws-rekognition", labels=labels,
        )
        for i, (labels, status) in enumerate(zip(labels_per_image, statuses, strict=True))
    )  # fmt: skip


def label(name: str, confidence: float, parent: str | None = None) -> dict[str, Any]:
    return {"name": name, "parent": parent, "confidence": confidence}


def test_preview_compares_each_items_actual_status_with_the_proposal(
    admin_client: Client,
) -> None:
    fixture = [
        # labels, the item's status now (a moderator's decision where the machine's differs)
        ([label("Weapons", 70, "Violence")], "in_review"),  # → approved with Violence 80/95
        ([label("Weapons", 85, "Violence")], "in_review"),  # → in review
        ([label("Graphic Violence", 92, "Violence")], "rejected"),  # → in review
        ([label("Explicit Nudity", 60, "Explicit")], "approved"),  # overturned → in review
        ([label("Alcohol", 10)], "approved"),  # → approved
        ([], "rejected"),  # a moderator rejected what no band flags → approved
    ] * 5
    stored_images([labels for labels, _ in fixture], [status for _, status in fixture])
    current = policy_current()
    proposed = type(current)(
        version=0,
        bands={**current.bands, "Violence": Band(80, 95)},
        default=current.default,
    )

    preview = replay_preview(current=current, proposed=proposed, limit=10_000)

    expected: dict[tuple[str, str], int] = {}
    for labels, status in fixture:
        found = [ModerationLabel(x["name"], x["confidence"], x["parent"] or "") for x in labels]
        move = (status, decide(found, proposed).outcome.value)
        expected[move] = expected.get(move, 0) + 1
    assert dict(preview.moves) == expected
    assert dict(preview.moves) == {
        ("in_review", "approved"): 5, ("in_review", "in_review"): 5,
        ("rejected", "in_review"): 5, ("approved", "in_review"): 5,
        ("approved", "approved"): 5, ("rejected", "approved"): 5,
    }  # fmt: skip
    # Not a replay of the current policy: that would call the overturned items unchanged.
    assert (decide([ModerationLabel("Explicit Nudity", 60, "Explicit")], current).outcome) == (
        "in_review"
    )
    assert preview.by_category == {
        ("Violence", "in_review", "approved"): 5, ("Violence", "rejected", "in_review"): 5,
        ("Explicit", "approved", "in_review"): 5, ("", "rejected", "approved"): 5,
    }  # fmt: skip
    assert preview.changed == 20

    v1 = Policy.objects.get()
    page = admin_client.post(PROPOSE, {**form_data(v1, Violence=(80, 95)), "_preview": "1"})
    html = page.content.decode()
    assert "Impact on 30 recent items: 20 would change" in html
    assert "<td>Violence</td><td>Rejected</td><td>In review</td>" in html
    assert '<th scope="col">Now (actual status)</th>' in html
    assert Policy.objects.count() == 1  # a preview saves nothing


def test_replaying_10000_items_takes_a_bounded_number_of_queries() -> None:
    current = policy_current()
    images = [[label("Weapons", float(i % 100), "Violence")] for i in range(10_000)]
    # Each image stands as the current policy decided it (Violence 50/90).
    statuses = [
        decide([ModerationLabel("Weapons", x[0]["confidence"], "Violence")], current).outcome.value
        for x in images
    ]
    stored_images(images, statuses)
    proposed = type(current)(
        version=0, bands={**current.bands, "Violence": Band(80, 95)}, default=current.default
    )
    with CaptureQueriesContext(connection) as queries:
        preview = replay_preview(current=current, proposed=proposed, limit=10_000)
    assert preview.items == 10_000
    # Per kind: its stored results, and its items' statuses (no items, no query).
    assert len(queries) <= 4
    assert preview.moves[("in_review", "approved")] == 3000  # confidences 50–79, 100 each
