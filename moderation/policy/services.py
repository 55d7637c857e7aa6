"""Writes of the policy: publishing a new version."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction

from moderation.items.models import AuditEvent, AuditSubject, DecidedBy
from moderation.policy.models import HashMatchAction, Policy, PolicyBand

POLICY_SETTINGS = (
    "default_review_at",
    "default_reject_at",
    "sentiment_review_below",
    "min_confidence",
    "review_sla_seconds",
    "claim_ttl_seconds",
    "appeal_sla_seconds",
    "hash_match_distance",
    "hash_match_action",
    "qa_sample_percent",
)


def policy_publish(
    *,
    bands: Iterable[PolicyBand],
    default_review_at: float,
    default_reject_at: float,
    sentiment_review_below: float,
    min_confidence: float | None = None,
    review_sla_seconds: int | None = None,
    claim_ttl_seconds: int | None = None,
    appeal_sla_seconds: int | None = None,
    hash_match_distance: int | None = None,
    hash_match_action: str = "",
    qa_sample_percent: float | None = None,
    created_by: User | None = None,
    comment: str = "",
) -> Policy:
    """Save a new version of the policy. Versions are never edited, so old decisions stay
    explainable by the bands that made them. `bands` are unsaved rows without a policy; the
    SLAs and claim length, hash match distance and action, and the QA sample share left empty
    keep the current version's."""
    bands = list(bands)
    policy = Policy(
        version=0,
        created_by=created_by,
        comment=comment,
        default_review_at=default_review_at,
        default_reject_at=default_reject_at,
        sentiment_review_below=sentiment_review_below,
        min_confidence=min_confidence,
    )
    with transaction.atomic():
        # Locking the newest version serialises two admins saving at once.
        latest = Policy.objects.select_for_update().order_by("-version").first()
        policy.review_sla_seconds = review_sla_seconds or (
            latest.review_sla_seconds if latest else 4 * 3600
        )
        policy.claim_ttl_seconds = claim_ttl_seconds or (
            latest.claim_ttl_seconds if latest else 600
        )
        policy.appeal_sla_seconds = appeal_sla_seconds or (
            latest.appeal_sla_seconds if latest else 24 * 3600
        )
        policy.hash_match_distance = (
            hash_match_distance
            if hash_match_distance is not None
            else (latest.hash_match_distance if latest else 31)
        )
        policy.hash_match_action = hash_match_action or (
            latest.hash_match_action if latest else HashMatchAction.REJECT
        )
        policy.qa_sample_percent = (
            qa_sample_percent
            if qa_sample_percent is not None
            else (latest.qa_sample_percent if latest else 2)
        )
        policy.full_clean(exclude=["version"])
        for band in bands:
            band.full_clean(exclude=["policy"])
        policy.version = (latest.version if latest else 0) + 1
        policy.save()
        for band in bands:
            band.pk = None
            band.policy = policy
        PolicyBand.objects.bulk_create(bands)
        AuditEvent.objects.create(
            item_kind=AuditSubject.POLICY,
            actor=created_by,
            actor_kind=DecidedBy.MODERATOR if created_by else DecidedBy.MACHINE,
            action="policy_change",
            from_status="",
            to_status="",
            policy_version=policy.version,
            note="; ".join(policy_diff(latest, policy)) or "no changes",
        )
    return policy


def policy_diff(old: Policy | None, new: Policy) -> list[str]:
    """What changed from one version to the next, in words, for the history and the audit log."""
    if old is None:
        return [f"first version with {new.bands.count()} bands"]
    changes = [
        f"{name} {getattr(old, name)} → {getattr(new, name)}"
        for name in POLICY_SETTINGS
        if getattr(old, name) != getattr(new, name)
    ]
    before = {b.category: b for b in old.bands.all()}
    after = {b.category: b for b in new.bands.all()}
    for category in sorted(before.keys() | after.keys()):
        was, now = before.get(category), after.get(category)
        if was is None:
            changes.append(f"+{category} {now.review_at:g}/{now.reject_at:g}")  # type: ignore[union-attr]
        elif now is None:
            changes.append(f"−{category}")
        elif (was.review_at, was.reject_at, was.enabled) != (
            now.review_at,
            now.reject_at,
            now.enabled,
        ):
            state = "" if now.enabled else " (disabled)"
            changes.append(
                f"{category} {was.review_at:g}/{was.reject_at:g} → "
                f"{now.review_at:g}/{now.reject_at:g}{state}"
            )
        if was is not None and now is not None and was.qa_sample_percent != now.qa_sample_percent:
            changes.append(f"{category} QA {was.qa_sample_percent} → {now.qa_sample_percent}")
    return changes
