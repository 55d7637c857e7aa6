"""What a proposed policy would do: replay it over the stored labels of recent items.

Pure computation over what the analyzers already answered: no analyzer is called. One query
per kind of item, however many items.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from moderation.analyzers.base import ModerationLabel
from moderation.models import ImageUpload, ItemKind, ItemStatus
from moderation.policy import Decision, PolicySnapshot, decide

EXAMPLES_PER_MOVE = 5


@dataclass
class ReplayPreview:
    items: int = 0
    seconds: float = 0.0
    # (before, after) → count, before/after being outcomes under the current/proposed policy
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    # (category, before, after) → count, for items whose outcome changes
    by_category: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str], list[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @property
    def rows(self) -> list[tuple[str, str, int, list[tuple[str, str]]]]:
        """(now, proposed, items, examples), the changes first, most items first."""
        return [
            (before, after, count, self.examples.get((before, after), []))
            for (before, after), count in sorted(
                self.moves.items(), key=lambda item: (item[0][0] == item[0][1], -item[1])
            )
        ]

    @property
    def categories(self) -> list[tuple[str, str, str, int]]:
        """(category, now, proposed, items) for the items that change, most items first."""
        return [(*key, count) for key, count in self.by_category.most_common()]

    @property
    def changed(self) -> int:
        return sum(n for (before, after), n in self.moves.items() if before != after)


def _image_decisions(
    current: PolicySnapshot, proposed: PolicySnapshot, limit: int
) -> Iterator[tuple[str, str, Decision, Decision]]:
    rows = (
        ImageUpload.objects.exclude(status=ItemStatus.PENDING)
        .filter(error="")
        .exclude(analyzer="")
        .order_by("-created_at")
        .values_list("id", "labels")[:limit]
    )
    for image_id, labels in rows:
        found = [ModerationLabel(x["name"], x["confidence"], x.get("parent") or "") for x in labels]
        yield ItemKind.IMAGE, str(image_id), decide(found, current), decide(found, proposed)


def _feedback_decisions(
    current: PolicySnapshot, proposed: PolicySnapshot, limit: int
) -> Iterator[tuple[str, str, Decision, Decision]]:
    from feedback.analyzers.base import SentimentScores, TextAnalysis, ToxicityLabel
    from feedback.models import Feedback
    from feedback.policy import decide_feedback

    rows = (
        Feedback.objects.exclude(status=ItemStatus.PENDING)
        .filter(error="")
        .exclude(analyzer="")
        .order_by("-created_at")
        .values_list("id", "language", "language_confidence", "sentiment_scores", "toxicity")[
            :limit
        ]
    )
    for feedback_id, language, confidence, scores, toxicity in rows:
        analysis = TextAnalysis(
            language=language,
            language_confidence=confidence or 0.0,
            # Scores are stored only when the analyzer could judge the language.
            language_supported=scores is not None,
            scores=SentimentScores(**scores) if scores else None,
            toxicity=tuple(ToxicityLabel(t["name"], t["confidence"]) for t in toxicity),
            pii=(),
            key_phrases=(),
            entities=(),
            analyzer="replay",
            model_version="",
        )
        yield (
            ItemKind.FEEDBACK,
            str(feedback_id),
            decide_feedback(analysis, current),
            decide_feedback(analysis, proposed),
        )


def replay_preview(
    *, current: PolicySnapshot, proposed: PolicySnapshot, limit: int
) -> ReplayPreview:
    """Outcomes of the last `limit` analysed images and `limit` feedback messages under the
    current and the proposed policy, counted by move and by the category that caused it."""
    started = time.perf_counter()
    preview = ReplayPreview()
    for decisions in (_image_decisions, _feedback_decisions):
        for kind, item_id, before, after in decisions(current, proposed, limit):
            move = (before.outcome.value, after.outcome.value)
            preview.items += 1
            preview.moves[move] += 1
            if move[0] == move[1]:
                continue
            # The category that decides: the new top reason, or the old one it no longer meets.
            reason = (after.reasons or before.reasons)[0]
            preview.by_category[(reason.category or reason.label, *move)] += 1
            if len(preview.examples[move]) < EXAMPLES_PER_MOVE:
                preview.examples[move].append((kind, item_id))
    preview.seconds = time.perf_counter() - started
    return preview
