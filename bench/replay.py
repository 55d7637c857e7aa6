"""Scenario 4: replaying a proposed policy over 10,000 and 100,000 stored image results."""

from __future__ import annotations

import random
from typing import Any

from bench.report import Table, fmt_float, fmt_int

SIZES = (10_000, 100_000)
SEED = 1
# Share of images with 0, 1, 2 or 3 findings: most uploads are harmless.
FINDINGS_WEIGHTS = (0.60, 0.25, 0.10, 0.05)


def _chain(name: str, parents: dict[str, str]) -> list[str]:
    """The label and its ancestors, as Rekognition returns the hierarchy of a finding."""
    chain = [name]
    while chain[-1] in parents:
        chain.append(parents[chain[-1]])
    return chain


def random_labels(rng: random.Random, names: list[str], parents: dict[str, str]) -> list[Any]:
    count = rng.choices(range(len(FINDINGS_WEIGHTS)), weights=FINDINGS_WEIGHTS)[0]
    labels: dict[str, dict[str, Any]] = {}
    for _ in range(count):
        confidence = round(rng.uniform(50.0, 99.9), 1)  # Rekognition's default floor is 50
        for name in _chain(rng.choice(names), parents):
            found = labels.setdefault(
                name, {"name": name, "parent": parents.get(name), "confidence": confidence}
            )
            found["confidence"] = max(found["confidence"], confidence)
    return list(labels.values())


def store_images(first: int, count: int, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model

    from moderation.models import ImageUpload, ItemStatus
    from moderation.policy.taxonomy import PARENTS, TOP_LEVEL

    owner, _ = get_user_model().objects.get_or_create(username="bench")
    names = sorted({*PARENTS, *TOP_LEVEL})
    ImageUpload.objects.bulk_create(
        (
            ImageUpload(
                owner=owner,
                file_key=f"quarantine/{i}.jpg",
                content_type="image/jpeg",
                sha256=f"{i:064d}",
                size_bytes=1,
                width=1,
                height=1,
                status=ItemStatus.APPROVED,
                analyzer="aws-rekognition",
                labels=random_labels(rng, names, PARENTS),
            )
            for i in range(first, first + count)
        ),
        batch_size=2_000,
    )


def run() -> Table:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from moderation.policy.engine import Band, PolicySnapshot
    from moderation.policy.replay import replay_preview
    from moderation.policy.selectors import policy_current

    table = Table(
        "Policy replay (PostgreSQL)",
        ["Items", "Seconds", "Items/s", "Queries", "Would change"],
        notes=[
            "Proposed policy: the current one with Violence at review 80 / reject 95. "
            "Rows are `aws-rekognition` results, approved, 60 % without findings, the rest "
            "1–3 random labels of the Rekognition taxonomy (with their ancestors), "
            "confidence 50–99.9.",
            "Time is `replay_preview(limit=items)`: the query, decoding the JSON labels, "
            "and deciding each item under both policies.",
        ],
    )
    rng = random.Random(SEED)
    stored = 0
    for size in SIZES:
        store_images(stored, size - stored, rng)
        stored = size
        current = policy_current()
        proposed = PolicySnapshot(
            version=0,
            bands={**current.bands, "Violence": Band(80, 95)},
            default=current.default,
            sentiment_review_below=current.sentiment_review_below,
            min_confidence_override=current.min_confidence_override,
        )
        with CaptureQueriesContext(connection) as queries:
            preview = replay_preview(current=current, proposed=proposed, limit=size)
        assert preview.items == size
        table.add(
            fmt_int(preview.items),
            fmt_float(preview.seconds),
            fmt_int(preview.items / preview.seconds),
            len(queries),
            fmt_int(preview.changed),
        )
    return table
