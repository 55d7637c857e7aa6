"""Reads of the policy: the current version as the engine takes it, and the queue's timing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from moderation.policy.engine import Band, PolicySnapshot
from moderation.policy.models import Policy

# Snapshots by policy id, for the life of the process. A version is never edited (a change
# is a new row with new bands, written in one transaction), so a cached id is never stale; the
# caller learns the newest id in a query it makes anyway (pipeline.item_claim) or in one
# small one (policy_current).
_snapshots: dict[int, PolicySnapshot] = {}
_SNAPSHOTS_KEPT = 8


def policy_current() -> PolicySnapshot:
    policy_id = Policy.objects.order_by("-version").values_list("id", flat=True).first()
    return policy_snapshot(policy_id=policy_id)


def policy_snapshot(*, policy_id: int | None) -> PolicySnapshot:
    """The policy version with this id as the engine takes it: from the process's cache, or
    two queries the first time."""
    if policy_id is None:
        # The seed migration creates version 1; reaching here means the database was emptied.
        raise Policy.DoesNotExist("no moderation policy: run `manage.py migrate`")
    if (cached := _snapshots.get(policy_id)) is not None:
        return cached
    policy = Policy.objects.prefetch_related("bands").filter(id=policy_id).first()
    if policy is None:
        raise Policy.DoesNotExist(f"policy {policy_id} is gone")
    if len(_snapshots) >= _SNAPSHOTS_KEPT:
        _snapshots.clear()
    _snapshots[policy_id] = snapshot = _snapshot(policy)
    return snapshot


def policy_cache_clear() -> None:
    """Forget the cached snapshots (tests that edit a version's rows in place)."""
    _snapshots.clear()


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


def appeal_sla_seconds() -> int:
    """The current policy's appeal SLA: open appeals waiting longer are overdue."""
    value = Policy.objects.order_by("-version").values_list("appeal_sla_seconds", flat=True).first()
    return value or 24 * 3600
