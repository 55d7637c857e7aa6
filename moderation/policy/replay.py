"""What a proposed policy would do: replay it over the stored labels of recent items.

Pure computation over what the analyzers already answered: no analyzer is called. Each kind
reads its stored results (one query per kind, however many items) and decides them under the
proposal. The comparison is with each item's actual status now (one more query per kind), not
with a replay of the current policy: moderators' decisions and older versions count as they
stand.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from moderation.kinds import kinds_all
from moderation.policy.engine import PolicySnapshot

EXAMPLES_PER_MOVE = 5


@dataclass
class ReplayPreview:
    items: int = 0
    seconds: float = 0.0
    # (before, after) → count: the item's actual status now, its outcome under the proposal
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


def replay_preview(
    *, current: PolicySnapshot, proposed: PolicySnapshot, limit: int
) -> ReplayPreview:
    """The last `limit` analysed items of each kind: their actual status against their outcome
    under the proposed policy, counted by move and by the category that caused it. `current`
    only names the category an item no longer meets."""
    started = time.perf_counter()
    preview = ReplayPreview()
    for kind in kinds_all():
        results = list(kind.stored_results(limit))
        ids = [item_id for item_id, _ in results]
        rows = kind.model._default_manager.filter(pk__in=ids).values_list("pk", "status")
        statuses = dict(rows)
        for item_id, result in results:
            if item_id not in statuses:  # deleted since it was read
                continue
            after = kind.decide(result, proposed)
            move = (str(statuses[item_id]), after.outcome.value)
            preview.items += 1
            preview.moves[move] += 1
            if move[0] == move[1]:
                continue
            # The category that decides: the new top reason, or the old one it no longer meets.
            reasons = after.reasons or kind.decide(result, current).reasons
            category = (reasons[0].category or reasons[0].label) if reasons else ""
            preview.by_category[(category, *move)] += 1
            if len(preview.examples[move]) < EXAMPLES_PER_MOVE:
                preview.examples[move].append((kind.name, str(item_id)))
    preview.seconds = time.perf_counter() - started
    return preview
