"""Reads of the policy: the current version as the engine takes it, and the queue's timing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from moderation.policy.engine import Band, PolicySnapshot
from moderation.policy.models import Policy


def policy_current() -> PolicySnapshot:
    policy = Policy.objects.prefetch_related("bands").order_by("-version").first()
    if policy is None:
        # The seed migration creates version 1; reaching here means the database was emptied.
        raise Policy.DoesNotExist("no moderation policy: run `manage.py migrate`")
    return _snapshot(policy)


def policy_versions(versions: Iterable[int]) -> dict[int, PolicySnapshot]:
    """The named versions as the engine took them (two queries however many); a version that
    is not stored is left out."""
    policies = Policy.objects.filter(version__in=set(versions)).prefetch_related("bands")
    return {policy.version: _snapshot(policy) for policy in policies}


def _snapshot(policy: Policy) -> PolicySnapshot:
    return PolicySnapshot(
        version=policy.version,
        bands={
            band.category: Band(band.review_at, band.reject_at, band.enabled, band.kind)
            for band in policy.bands.all()
        },
        default=Band(policy.default_review_at, policy.default_reject_at),
        sentiment_review_below=policy.sentiment_review_below,
        min_confidence_override=policy.min_confidence,
        hash_match_distance=policy.hash_match_distance,
        hash_match_action=policy.hash_match_action,
    )


@dataclass(frozen=True)
class QueueTiming:
    sla_seconds: int
    claim_ttl_seconds: int


def queue_timing() -> QueueTiming:
    """The current policy's SLA and claim length, in one small query."""
    row = (
        Policy.objects.order_by("-version")
        .values_list("review_sla_seconds", "claim_ttl_seconds")
        .first()
    )
    return QueueTiming(*row) if row else QueueTiming(4 * 3600, 600)
