"""QA sampling: which machine decisions go to moderators afterwards, and that nothing else
changes (moderation/qa/sampling.py)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import Feedback
from moderation.models import (
    AuditEvent,
    ImageUpload,
    ItemStatus,
    Policy,
    PolicyBand,
    QaCursor,
    QaSample,
)
from moderation.qa.sampling import CLEAN, qa_category, qa_draw, qa_sample_recent
from tests.qa_helpers import machine_image, share_everything

pytestmark = pytest.mark.django_db


def set_share(percent: float, **bands: float | None) -> None:
    policy = Policy.objects.order_by("-version")[0]
    Policy.objects.filter(id=policy.id).update(qa_sample_percent=percent)
    for category, share in bands.items():
        PolicyBand.objects.filter(policy=policy, category=category).update(qa_sample_percent=share)


def machine_feedback(n: int, *, status: str = ItemStatus.APPROVED, reasons: object = None) -> list:
    """n feedback messages the machine decided, with their audit rows, written in bulk."""
    now = timezone.now()
    rows = Feedback.objects.bulk_create(
        Feedback(text="fine", status=status, decided_by="machine", decided_at=now) for _ in range(n)
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            item_kind="feedback",
            item_id=row.id,
            actor_kind="machine",
            action="analysis",
            from_status="pending",
            to_status=status,
            reasons=reasons or [],
            policy_version=1,
        )
        for row in rows
    )
    return rows


def test_the_draw_is_fixed_per_item_and_spread_evenly() -> None:
    item_id = uuid.uuid4()
    assert qa_draw("image", item_id) == qa_draw("image", item_id)
    draws = [qa_draw("image", uuid.uuid4()) for _ in range(20000)]
    assert all(0 <= draw < 100 for draw in draws)
    below_ten = sum(draw < 10 for draw in draws) / len(draws)
    assert 0.09 < below_ten < 0.11


def test_the_share_is_respected_over_many_decisions() -> None:
    set_share(10)
    machine_feedback(1500)

    written = qa_sample_recent()

    assert QaSample.objects.count() == written
    assert 100 < written < 200  # 10 % of 1500 = 150; the binomial's 99.99 % range is wider
    assert set(QaSample.objects.values_list("category", flat=True)) == {CLEAN}


def test_a_decision_is_never_sampled_twice() -> None:
    set_share(50)
    rows = machine_feedback(200)
    first = qa_sample_recent()
    assert first > 0
    # The next run reads the same decisions again (its overlap), and the one after that too.
    assert qa_sample_recent() == 0
    QaCursor.objects.update(position=timezone.now() - timedelta(days=2))
    assert qa_sample_recent() == 0
    assert QaSample.objects.count() == first
    picked = set(QaSample.objects.values_list("item_id", flat=True))
    # The same items as the draw says, whatever the run.
    assert picked == {row.id for row in rows if qa_draw("feedback", row.id) < 50}


def test_sampling_leaves_the_items_as_they_were() -> None:
    share_everything()
    approved = machine_image()
    rejected = machine_image(reject=True)
    before = list(ImageUpload.objects.order_by("id").values())
    events = AuditEvent.objects.count()

    assert qa_sample_recent() == 2

    assert list(ImageUpload.objects.order_by("id").values()) == before
    assert AuditEvent.objects.count() == events
    samples = {s.item_id: s for s in QaSample.objects.all()}
    assert samples[approved.id].machine_status == ItemStatus.APPROVED
    assert samples[approved.id].category == CLEAN
    assert samples[rejected.id].machine_status == ItemStatus.REJECTED
    assert samples[rejected.id].category == "Explicit"  # the band that rejected it
    assert samples[rejected.id].confidence == 97.0
    assert samples[rejected.id].policy_version == rejected.policy_version
    assert samples[rejected.id].verdict == ""


def test_moderator_decisions_and_reviews_are_not_sampled() -> None:
    share_everything()
    [decided_since] = machine_feedback(1)
    Feedback.objects.filter(id=decided_since.id).update(decided_by="moderator")
    [to_review] = machine_feedback(1, status=ItemStatus.IN_REVIEW)
    [purged] = machine_feedback(1)
    Feedback.objects.filter(id=purged.id).update(purged_at=timezone.now())
    AuditEvent.objects.create(
        item_kind="feedback", item_id=to_review.id, actor_kind="moderator", action="decision",
        from_status="in_review", to_status="approved",
    )  # fmt: skip
    [kept] = machine_feedback(1)

    qa_sample_recent()

    assert list(QaSample.objects.values_list("item_id", flat=True)) == [kept.id]


def test_each_category_has_its_own_share() -> None:
    set_share(0, Explicit=100)
    reasons = [{"label": "Explicit Nudity", "confidence": 97.0, "band": "reject",
                "category": "Explicit"}]  # fmt: skip
    explicit = machine_feedback(5, status=ItemStatus.REJECTED, reasons=reasons)
    other = [{"label": "Violence", "confidence": 95.0, "band": "reject", "category": "Violence"}]
    machine_feedback(5, status=ItemStatus.REJECTED, reasons=other)
    machine_feedback(5)

    assert qa_sample_recent() == 5

    assert set(QaSample.objects.values_list("item_id", flat=True)) == {r.id for r in explicit}


def test_the_first_run_starts_a_day_back_and_later_runs_from_the_cursor() -> None:
    share_everything()
    [old] = machine_feedback(1)
    AuditEvent.objects.filter(item_id=old.id).update(created_at=timezone.now() - timedelta(days=3))
    [recent] = machine_feedback(1)

    qa_sample_recent()

    assert list(QaSample.objects.values_list("item_id", flat=True)) == [recent.id]
    assert QaCursor.objects.get().position > timezone.now() - timedelta(minutes=1)


def test_the_category_of_a_decision() -> None:
    assert qa_category(ItemStatus.APPROVED, [{"label": "x"}]) == (CLEAN, None)
    reason = {"label": "Nudity", "confidence": 91.5, "category": "Explicit"}
    assert qa_category(ItemStatus.REJECTED, [reason]) == ("Explicit", 91.5)
    # The policy's default band applied: the label names the category.
    assert qa_category(ItemStatus.REJECTED, [{"label": "Spam", "category": None}]) == (
        "Spam", None,
    )  # fmt: skip
    assert qa_category(ItemStatus.REJECTED, []) == ("unknown", None)
    assert qa_category(ItemStatus.REJECTED, ["odd"]) == ("unknown", None)
