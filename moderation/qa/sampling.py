"""Picking machine decisions for QA, after the fact and off the worker's path.

A beat job reads the machine's final decisions from the audit trail (each written in the
decision's own statement) since its cursor and samples each with its category's share. The
draw is a hash of the item, not a random number, so reading a decision twice draws the same;
the unique (kind, item_id) makes a second sample impossible anyway. The item is not touched.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from moderation.items.models import AuditEvent, DecidedBy, ItemStatus
from moderation.kinds import kind_get, kind_names
from moderation.policy.models import Policy
from moderation.qa.models import QaCursor, QaSample

# The category of a machine approval: no reason made it.
CLEAN = "clean"
CURSOR = "machine_decisions"
# An audit row's time is taken before its transaction commits, so a slow commit can land
# behind a newer row already read: each run reads this far back again (the hash and the
# unique constraint make that harmless).
OVERLAP = timedelta(minutes=10)
# The first run looks this far back.
FIRST_LOOKBACK = timedelta(days=1)
BATCH = 1000
FINAL = (ItemStatus.APPROVED, ItemStatus.REJECTED)


@dataclass(frozen=True)
class Shares:
    default: float
    by_category: Mapping[str, float]

    def share(self, category: str) -> float:
        return self.by_category.get(category, self.default)


def qa_shares() -> Shares:
    """The current policy's sample shares, in percent."""
    policy = Policy.objects.order_by("-version").prefetch_related("bands").first()
    if policy is None:
        return Shares(default=0, by_category={})
    return Shares(
        default=policy.qa_sample_percent,
        by_category={
            band.category: band.qa_sample_percent
            for band in policy.bands.all()
            if band.qa_sample_percent is not None
        },
    )


def qa_draw(kind: str, item_id: uuid.UUID) -> float:
    """The item's fixed draw in [0, 100): sampled when below its category's share."""
    digest = hashlib.sha256(f"qa:{kind}:{item_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * 100


def qa_category(status: str, reasons: object) -> tuple[str, float | None]:
    """A machine decision's category and confidence: an approval is CLEAN; a rejection is its
    strongest reason's band category, or its label when the policy's default band applied."""
    if status == ItemStatus.APPROVED:
        return CLEAN, None
    top: Any = reasons[0] if isinstance(reasons, list) and reasons else {}
    if not isinstance(top, dict):
        return "unknown", None
    category = str(top.get("category") or top.get("label") or "unknown")[:100]
    confidence = top.get("confidence")
    if isinstance(confidence, int | float) and not isinstance(confidence, bool):
        return category, float(confidence)
    return category, None


def _machine_decisions(since: datetime, until: datetime) -> Iterable[list[dict[str, Any]]]:
    """The machine's final decisions written in (since, until], in batches, oldest first."""
    rows = AuditEvent.objects.filter(
        action="analysis",
        actor_kind=DecidedBy.MACHINE,
        to_status__in=FINAL,
        item_kind__in=kind_names(),
        created_at__lte=until,
    ).order_by("created_at", "id")
    after: tuple[datetime, int] | None = None
    while True:
        batch = rows.filter(created_at__gt=since)
        if after is not None:
            batch = batch.filter(created_at__gte=after[0]).exclude(
                created_at=after[0], id__lte=after[1]
            )
        fields = ("id", "item_kind", "item_id", "to_status", "reasons", "policy_version",
                  "created_at")  # fmt: skip
        page: list[dict[str, Any]] = [dict(row) for row in batch.values(*fields)[:BATCH]]
        if not page:
            return
        yield page
        after = (page[-1]["created_at"], page[-1]["id"])


def _still_machine_decided(picked: list[QaSample]) -> list[QaSample]:
    """Leave out items that are gone, purged, or no longer in the machine's decision."""
    by_kind: dict[str, list[QaSample]] = defaultdict(list)
    for sample in picked:
        by_kind[sample.kind].append(sample)
    kept: list[QaSample] = []
    for kind, samples in by_kind.items():
        current = set(
            kind_get(kind)
            .model._default_manager.filter(
                id__in=[s.item_id for s in samples],
                decided_by=DecidedBy.MACHINE,
                purged_at__isnull=True,
            )
            .values_list("id", "status")
        )
        kept.extend(s for s in samples if (s.item_id, s.machine_status) in current)
    return kept


def qa_sample_recent(*, now: datetime | None = None) -> int:
    """Beat job: sample the machine decisions made since the last run. Returns how many new
    samples were written."""
    now = now or timezone.now()
    with transaction.atomic():
        # The lock keeps two overlapping runs from both moving the cursor.
        cursor = QaCursor.objects.select_for_update().filter(name=CURSOR).first()
        if cursor is None:
            cursor = QaCursor.objects.create(name=CURSOR, position=now - FIRST_LOOKBACK)
        shares = qa_shares()
        written = 0
        for page in _machine_decisions(cursor.position - OVERLAP, now):
            picked = []
            for row in page:
                category, confidence = qa_category(row["to_status"], row["reasons"])
                if qa_draw(row["item_kind"], row["item_id"]) >= shares.share(category):
                    continue
                picked.append(
                    QaSample(
                        kind=row["item_kind"],
                        item_id=row["item_id"],
                        machine_status=row["to_status"],
                        category=category,
                        confidence=confidence,
                        policy_version=row["policy_version"],
                        machine_decided_at=row["created_at"],
                    )
                )
            if picked:
                kept = _still_machine_decided(picked)
                already = set(
                    QaSample.objects.filter(item_id__in=[s.item_id for s in kept]).values_list(
                        "kind", "item_id"
                    )
                )
                new = [s for s in kept if (s.kind, s.item_id) not in already]
                QaSample.objects.bulk_create(new, ignore_conflicts=True)
                written += len(new)
        cursor.position = max(cursor.position, now)
        cursor.save(update_fields=["position"])
    return written
