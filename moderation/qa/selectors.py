"""Reads of QA: the open samples a moderator may check, and the machine's precision from them."""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from moderation.items.models import AnalysedItem
from moderation.kinds import kind_get, kinds_all
from moderation.qa.models import QaSample, QaVerdict

# The normal quantile of a two-sided 95 % interval.
Z_95 = 1.959963984540054


def qa_samples_not_own(moderator: User) -> Q:
    """The samples this moderator may check: not of items they submitted (unless allowed)."""
    if settings.ALLOW_SELF_REVIEW:
        return Q()
    own = Q()
    for kind in kinds_all():
        submitted = kind.model._default_manager.filter(**{kind.owner_field: moderator})
        own |= Q(kind=kind.name, item_id__in=submitted.values("id"))
    return ~own if own else Q()


def qa_queue(*, moderator: User) -> QuerySet[QaSample]:
    """Samples waiting for a verdict, oldest first, that this moderator may check."""
    return QaSample.objects.filter(qa_samples_not_own(moderator), verdict="").order_by(
        "sampled_at", "id"
    )


def qa_next(*, moderator: User) -> QaSample | None:
    return qa_queue(moderator=moderator).first()


def qa_items_attach(samples: Iterable[QaSample]) -> list[tuple[QaSample, AnalysedItem | None]]:
    """Each sample with its item (None if gone): one query per kind."""
    samples = list(samples)
    ids: dict[str, list[uuid.UUID]] = defaultdict(list)
    for sample in samples:
        ids[sample.kind].append(sample.item_id)
    items: dict[tuple[str, object], AnalysedItem] = {}
    for kind, item_ids in ids.items():
        for item in kind_get(kind).model._default_manager.filter(id__in=item_ids):
            items[(kind, item.id)] = item
    return [(sample, items.get((sample.kind, sample.item_id))) for sample in samples]


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (0–1), None without trials. Unlike the normal
    approximation it stays inside 0–1 and is sound for small samples and rates near 0 or 1."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and trials")
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    denominator = 1 + z2 / trials
    return max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator)


@dataclass(frozen=True)
class Precision:
    machine_status: str
    category: str
    checked: int
    agreed: int

    @property
    def overturned(self) -> int:
        return self.checked - self.agreed

    @property
    def precision(self) -> float:
        return self.agreed / self.checked

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.agreed, self.checked) or (0.0, 1.0)

    # In percent, for the page.
    @property
    def percent(self) -> float:
        return 100 * self.precision

    @property
    def low_percent(self) -> float:
        return 100 * self.interval[0]

    @property
    def high_percent(self) -> float:
        return 100 * self.interval[1]


@dataclass(frozen=True)
class QaFigures:
    rows: list[Precision]
    open: int

    @property
    def checked(self) -> int:
        return sum(row.checked for row in self.rows)


def qa_precision(*, since: datetime, until: datetime) -> QaFigures:
    """The machine's precision per decision and category, from the verdicts given in the
    window: agreed ÷ checked, with a 95 % Wilson interval, most checked first; and how many
    samples wait. One GROUP BY."""
    checked = Q(verdict_at__gte=since, verdict_at__lte=until) & ~Q(verdict="")
    rows = (
        QaSample.objects.filter(checked | Q(verdict=""))
        .values("machine_status", "category")
        .annotate(
            checked=Count("id", filter=checked),
            agreed=Count("id", filter=checked & Q(verdict=QaVerdict.AGREE)),
            waiting=Count("id", filter=Q(verdict="")),
        )
        .order_by()
    )
    found: list[Precision] = []
    waiting = 0
    for row in rows:
        waiting += row["waiting"]
        if row["checked"]:
            found.append(
                Precision(
                    machine_status=row["machine_status"],
                    category=row["category"],
                    checked=row["checked"],
                    agreed=row["agreed"],
                )
            )
    found.sort(key=lambda r: (-r.checked, r.machine_status, r.category))
    return QaFigures(rows=found, open=waiting)
