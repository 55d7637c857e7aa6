"""What the policy judges: a label with a confidence. Plain data, importable before Django is
set up (analyzers and the benchmark settings use it)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ModerationLabel:
    """One moderation label. `confidence` is a percentage, 0–100."""

    name: str
    confidence: float
    parent: str = ""  # "" for a top-level category

    def as_dict(self) -> dict[str, object]:
        # NaN or infinity cannot be stored as JSON; the policy sends such a label to review.
        finite = isinstance(self.confidence, int | float) and math.isfinite(self.confidence)
        confidence = self.confidence if finite else None
        return {"name": self.name, "parent": self.parent or None, "confidence": confidence}
