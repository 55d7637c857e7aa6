"""The floor: the local finder's answer for a text, which every backend's findings add to.

It runs when a message is stored (so the masked text exists before anyone can look), again with
the analysis (merged with what a service such as Comprehend found), and before filing if it has
never succeeded. If the finder itself fails, the message is marked unchecked: pages and
documents then carry no text at all until a later run succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from feedback.analyzers.base import PiiEntity

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PiiCheck:
    entities: tuple[PiiEntity, ...]
    ok: bool  # False: the finder failed, nothing may be shown or filed in clear


def pii_floor(text: str) -> PiiCheck:
    from feedback.pii import find_pii

    try:
        return PiiCheck(tuple(find_pii(text)), True)
    except Exception:
        # Never log the text: it is exactly what could not be checked.
        logger.exception("the personal-data check failed on a text of %d characters", len(text))
        return PiiCheck((), False)


def merged(*findings: Iterable[PiiEntity]) -> tuple[PiiEntity, ...]:
    """Every finding once, by position; overlapping ones stay (redact() joins them)."""
    seen: dict[tuple[str, int, int], PiiEntity] = {}
    for entity in (entity for found in findings for entity in found):
        key = (entity.type, entity.begin, entity.end)
        if key not in seen or entity.confidence > seen[key].confidence:
            seen[key] = entity
    return tuple(sorted(seen.values(), key=lambda e: (e.begin, e.end, e.type)))


def pii_rows(entities: Iterable[PiiEntity]) -> list[dict[str, object]]:
    return [
        {"type": p.type, "begin": p.begin, "end": p.end, "confidence": p.confidence}
        for p in entities
    ]


def pii_fields(text: str, found: Iterable[PiiEntity]) -> dict[str, object]:
    """A message's `pii`, `redacted_text` and `pii_checked_at`: the floor's findings with a
    backend's (`found`) on top. When the floor fails, no masked text exists and the check time
    stays empty, so nothing shows or files the text."""
    found = tuple(found)
    check = pii_floor(text)
    if not check.ok:
        return {"pii": pii_rows(found), "redacted_text": "", "pii_checked_at": None}
    from feedback.pii import redact

    entities = merged(check.entities, found)
    return {
        "pii": pii_rows(entities),
        "redacted_text": redact(text, entities),
        "pii_checked_at": timezone.now(),
    }


def stored_entities(rows: Iterable[dict[str, Any]]) -> tuple[PiiEntity, ...]:
    """Entities as a message's `pii` field stores them."""
    return tuple(
        PiiEntity(str(r["type"]), int(r["begin"]), int(r["end"]), float(r["confidence"]))
        for r in rows
    )
