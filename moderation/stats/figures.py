"""Reads for the statistics page: how the queue and the decisions went over the last days.

Every function here runs a fixed number of queries, whatever the amount of data: counts are
`GROUP BY`s and conditional aggregates, percentiles are read with `ORDER BY … OFFSET`, and
Python only ever walks the small aggregated rows. Nothing here writes.

Definitions (the page states them too):
- A day is a calendar day in the site's time zone; the window is the last N days, today
  included, from the start of the first day until now.
- Decisions: the machine decides when its analysis approves or rejects an item (an analysis
  that sends the item to review is not a decision); a moderator decides with a decision event.
  A moderator's decision that was later undone (bulk undo puts the item back in the queue) is
  not counted: the decision that finally stands is.
- Queue depth at the end of a day: entries created by then and not resolved by then. It is
  rebuilt from the entries' `created_at` and `resolved_at`; an undone decision clears
  `resolved_at`, so the few minutes such an entry spent resolved before its undo do not show.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from moderation.items.models import AnalysedItem, AuditEvent, DecidedBy, ItemStatus
from moderation.kinds import kind_names, kinds_all
from moderation.policy.engine import REJECT, REVIEW
from moderation.review.models import ReviewItem

WINDOW_CHOICES = (7, 30, 90)
DEFAULT_WINDOW_DAYS = 30
TOP_LABELS = 10
PERCENTILES = (0.5, 0.9)

ANALYSIS = "analysis"
DECISION = "decision"
UNDO = "undo"
FINAL = (ItemStatus.APPROVED, ItemStatus.REJECTED)


@dataclass(frozen=True)
class Window:
    """The last `len(days)` calendar days, today included, up to `now`."""

    days: tuple[date, ...]
    start: datetime
    now: datetime

    @classmethod
    def last(cls, n_days: int, *, now: datetime | None = None) -> Window:
        now = now or timezone.now()
        today = timezone.localdate(now)
        days = tuple(today - timedelta(days=n_days - 1 - i) for i in range(n_days))
        return cls(days=days, start=_day_start(days[0]), now=now)

    def day_end(self, index: int) -> datetime:
        """The end of a day of the window: midnight after it, or now for today."""
        return min(_day_start(self.days[index] + timedelta(days=1)), self.now)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def window_days(value: object) -> int:
    """The window asked for in a query string (`?days=7`), or the default for anything else."""
    try:
        days = int(str(value))
    except ValueError:
        return DEFAULT_WINDOW_DAYS
    return days if days in WINDOW_CHOICES else DEFAULT_WINDOW_DAYS


# Queue depth ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepthPoint:
    day: date
    by_kind: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@dataclass(frozen=True)
class QueueDepth:
    now: dict[str, int]  # open entries per kind at this moment
    per_day: list[DepthPoint]  # open entries per kind at the end of each day

    @property
    def now_total(self) -> int:
        return sum(self.now.values())


def queue_depth(window: Window) -> QueueDepth:
    """Open entries per kind now and at the end of each day: one query, a count per day.

    Only entries that could be open at some day's end are read: created by now, and not
    resolved before the end of the first day."""

    def open_at(end: datetime) -> Q:
        return Q(created_at__lte=end) & (Q(resolved_at__isnull=True) | Q(resolved_at__gt=end))

    ends = [window.day_end(i) for i in range(len(window.days))]
    rows = (
        ReviewItem.objects.filter(created_at__lte=window.now)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=ends[0]))
        .values("kind")
        .annotate(**{f"d{i}": Count("id", filter=open_at(end)) for i, end in enumerate(ends)})
        .order_by()  # no default ordering in the GROUP BY
    )
    counts = {row["kind"]: cast(dict[str, int], row) for row in rows}
    per_day = [
        DepthPoint(
            day=day,
            by_kind={kind: counts.get(kind, {}).get(f"d{i}", 0) for kind in kind_names()},
        )
        for i, day in enumerate(window.days)
    ]
    # Today's end is now: its count is the queue as it stands.
    return QueueDepth(now=dict(per_day[-1].by_kind), per_day=per_day)


# Decisions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayDecisions:
    day: date
    machine: int  # analyses that approved or rejected
    human: int  # moderators' decisions that stand
    sent_to_review: int  # analyses that queued the item for a person


@dataclass(frozen=True)
class Decisions:
    per_day: list[DayDecisions]
    machine_approved: int
    machine_rejected: int
    human_approved: int
    human_rejected: int
    undone: int  # moderators' decisions in the window that were undone later (not counted)

    @property
    def machine(self) -> int:
        return self.machine_approved + self.machine_rejected

    @property
    def human(self) -> int:
        return self.human_approved + self.human_rejected

    @property
    def sent_to_review(self) -> int:
        return sum(day.sent_to_review for day in self.per_day)

    @property
    def analysed(self) -> int:
        """Every finished analysis: approved, rejected or sent to review."""
        return self.machine + self.sent_to_review

    @property
    def review_share(self) -> float | None:
        """The part of the analyses that went to a person, 0–1; None without analyses."""
        return self.sent_to_review / self.analysed if self.analysed else None


def _in_window(window: Window) -> Q:
    return Q(created_at__gte=window.start, created_at__lte=window.now)


def _undone_later() -> Exists:
    """A later undo of the same item: the moderator's decision it follows was taken back (no
    second decision can happen between a decision and its undo, the item being resolved)."""
    return Exists(
        AuditEvent.objects.filter(
            item_kind=OuterRef("item_kind"),
            item_id=OuterRef("item_id"),
            action=UNDO,
            created_at__gt=OuterRef("created_at"),
        )
    )


def decisions(window: Window) -> Decisions:
    """Decisions per day by the machine and by moderators, and the analyses sent to review:
    one GROUP BY over the window's analysis and decision events."""
    rows = (
        AuditEvent.objects.filter(_in_window(window), action__in=[ANALYSIS, DECISION])
        .annotate(day=TruncDate("created_at"), undone=_undone_later())
        .values("day", "action", "to_status", "undone")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_day: dict[date, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for row in rows:
        if row["action"] == ANALYSIS:
            who = "machine" if row["to_status"] in FINAL else "review"
        elif row["undone"]:
            totals["undone"] += row["n"]
            continue
        else:
            who = "human"
        per_day[row["day"]][who] += row["n"]
        if who != "review":
            totals[f"{who}_{row['to_status']}"] += row["n"]
    return Decisions(
        per_day=[
            DayDecisions(
                day=day,
                machine=per_day[day]["machine"],
                human=per_day[day]["human"],
                sent_to_review=per_day[day]["review"],
            )
            for day in window.days
        ],
        machine_approved=totals["machine_approved"],
        machine_rejected=totals["machine_rejected"],
        human_approved=totals["human_approved"],
        human_rejected=totals["human_rejected"],
        undone=totals["undone"],
    )


# Time to decision -------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    decided: int
    median: timedelta | None
    p90: timedelta | None


def _decided_in(model: type[AnalysedItem], window: Window) -> QuerySet[Any]:
    return model._default_manager.filter(
        decided_at__gte=window.start,
        decided_at__lte=window.now,
        status__in=FINAL,
        decided_by__in=DecidedBy.values,
    ).order_by()


def time_to_decision(window: Window) -> dict[str, Timing]:
    """Median and 90th percentile of decided_at − created_at for items of every kind decided
    in the window, per decider ("machine", "moderator"). Nearest-rank percentiles: the value at
    rank ⌈p·n⌉ of the n sorted durations.

    One query counts per decider; then one `ORDER BY duration OFFSET k LIMIT 1` per percentile
    and decider reads the value: at most five queries, none of which returns more than a row
    per decider."""
    models = [kind.model for kind in kinds_all()]
    counted = _union(
        _decided_in(model, window).values("decided_by").annotate(n=Count("id")) for model in models
    )
    decided: Counter[str] = Counter()
    for row in counted:
        decided[row["decided_by"]] += row["n"]

    took = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
    result = {}
    for decider in DecidedBy.values:
        n = decided[decider]
        values: list[timedelta | None] = []
        for p in PERCENTILES:
            if not n:
                values.append(None)
                continue
            durations = _union(
                _decided_in(model, window)
                .filter(decided_by=decider)
                .annotate(took=took)
                .values_list("took", flat=True)
                for model in models
            )
            rank = max(1, math.ceil(p * n))
            found = list(durations.order_by("took")[rank - 1 : rank])
            values.append(found[0] if found else None)
        result[decider] = Timing(decided=n, median=values[0], p90=values[1])
    return result


def _union(querysets: Iterable[QuerySet[Any]]) -> QuerySet[Any]:
    first, *rest = querysets
    return first.union(*rest, all=True)


# Agreement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    category: str
    rejected: int  # the moderator agreed with the machine's suspicion
    approved: int  # the moderator overturned it

    @property
    def decided(self) -> int:
        return self.rejected + self.approved

    @property
    def overturn_rate(self) -> float:
        return self.approved / self.decided if self.decided else 0.0


def agreement(window: Window) -> list[Agreement]:
    """Moderators' standing decisions in the window per category (the queue entry's reason):
    an item in review was suspected by the machine, so a rejection agrees with it and an
    approval overturns it. One GROUP BY; most decided categories first."""

    entry_reason = Subquery(
        ReviewItem.objects.filter(kind=OuterRef("item_kind"), item_id=OuterRef("item_id")).values(
            "reason"
        )[:1]
    )
    rows = (
        AuditEvent.objects.filter(_in_window(window), action=DECISION)
        # A QA overturn (moderation/qa/) decided an item no machine sent to review.
        .filter(Q(reasons__0__label__isnull=True) | ~Q(reasons__0__label="qa"))
        .annotate(undone=_undone_later())
        .filter(undone=False)
        .annotate(category=entry_reason)
        .values("category", "to_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts[row["category"] or "unknown"][row["to_status"]] += row["n"]
    rows_out = [
        Agreement(
            category=category, rejected=c[ItemStatus.REJECTED], approved=c[ItemStatus.APPROVED]
        )
        for category, c in counts.items()
    ]
    return sorted(rows_out, key=lambda a: (-a.decided, a.category))


# Top labels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelCount:
    label: str
    review: int  # analyses that gave this label as a reason to review
    reject: int  # … as a reason to reject

    @property
    def total(self) -> int:
        return self.review + self.reject


# One row per reason of every analysis in the window, grouped in the database: JSON arrays
# are unnested with each backend's own function, which the ORM does not offer.
_LABELS_SQL = {
    "postgresql": """
        SELECT r.value ->> 'label', r.value ->> 'band', COUNT(*)
        FROM {table} e
        CROSS JOIN LATERAL jsonb_array_elements(
            CASE WHEN jsonb_typeof(e.reasons) = 'array' THEN e.reasons ELSE '[]'::jsonb END
        ) AS r(value)
        WHERE e.action = %s AND e.created_at >= %s AND e.created_at <= %s
          AND r.value ->> 'band' IN (%s, %s)
        GROUP BY 1, 2
    """,
    "sqlite": """
        SELECT json_extract(r.value, '$.label'), json_extract(r.value, '$.band'), COUNT(*)
        FROM {table} e, json_each(CASE WHEN json_type(e.reasons) = 'array'
                                      THEN e.reasons ELSE '[]' END) AS r
        WHERE e.action = %s AND e.created_at >= %s AND e.created_at <= %s
          AND json_extract(r.value, '$.band') IN (%s, %s)
        GROUP BY 1, 2
    """,
}


def top_labels(window: Window, *, limit: int = TOP_LABELS) -> list[LabelCount]:
    """The labels the machine most often gave as a reason to review or reject, in the window."""
    rows = _label_rows(window)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for label, band, n in rows:
        counts[str(label)][band] += n
    labels = [LabelCount(label, c[REVIEW], c[REJECT]) for label, c in counts.items()]
    return sorted(labels, key=lambda c: (-c.total, c.label))[:limit]


def _label_rows(window: Window) -> Sequence[tuple[Any, Any, int]]:
    sql = _LABELS_SQL.get(connection.vendor)
    if sql is None:  # another backend: the same numbers, counted here from the reasons
        reasons = AuditEvent.objects.filter(_in_window(window), action=ANALYSIS).values_list(
            "reasons", flat=True
        )
        counted = Counter(
            (reason.get("label"), reason.get("band"))
            for event_reasons in reasons
            for reason in (event_reasons if isinstance(event_reasons, list) else [])
            if isinstance(reason, dict) and reason.get("band") in (REVIEW, REJECT)
        )
        return [(label, band, n) for (label, band), n in counted.items()]
    adapt = connection.ops.adapt_datetimefield_value
    params = [ANALYSIS, adapt(window.start), adapt(window.now), REVIEW, REJECT]
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)
        return cursor.fetchall()


# The page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    window: Window
    depth: QueueDepth
    decisions: Decisions
    timing: dict[str, Timing]
    agreement: list[Agreement]
    labels: list[LabelCount]

    @property
    def overturned(self) -> int:
        return sum(a.approved for a in self.agreement)

    @property
    def overturn_rate(self) -> float | None:
        decided = sum(a.decided for a in self.agreement)
        return self.overturned / decided if decided else None


def stats_for(n_days: int = DEFAULT_WINDOW_DAYS, *, now: datetime | None = None) -> Stats:
    window = Window.last(n_days, now=now)
    return Stats(
        window=window,
        depth=queue_depth(window),
        decisions=decisions(window),
        timing=time_to_decision(window),
        agreement=agreement(window),
        labels=top_labels(window),
    )
