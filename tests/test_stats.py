"""The statistics page: numbers from a fixture whose expected values are worked out here, from
its definition, never by the code under test."""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import Feedback
from moderation.images import services
from moderation.items import pipeline
from moderation.models import AnalysedItem, AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.review import bulk
from moderation.review import services as reviews
from moderation.stats import figures as stats
from moderation.stats import svg
from moderation.stats.views import day_label
from tests.factories import image_bytes, make_moderator, make_user, signed_in, upload_file

pytestmark = pytest.mark.django_db

# Noon today: "now" for the selectors and the page, so days and windows never depend on the
# hour the suite runs at.
NOW = timezone.make_aware(datetime.combine(timezone.localdate(), time(12, 0)))


def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = NOW.date() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def reason(label: str, band: str, confidence: float) -> dict[str, Any]:
    return {"label": label, "confidence": confidence, "band": band, "threshold": 50.0}


ERROR = "error"  # outcome of a failed analysis


@dataclass
class Spec:
    """One item's life: submitted, analysed, maybe queued and decided by moderators."""

    kind: str
    created: datetime
    outcome: str  # approved | rejected | in_review | error
    analysed_after: timedelta = timedelta(minutes=1)
    reasons: list[dict[str, Any]] = field(default_factory=list)
    # Moderators' decisions in order; with undo_at, the first one is undone at that time.
    decisions: list[tuple[str, datetime]] = field(default_factory=list)
    undo_at: datetime | None = None

    @property
    def analysed(self) -> datetime:
        return self.created + self.analysed_after

    @property
    def queued(self) -> bool:
        return self.outcome in (ItemStatus.IN_REVIEW, ERROR)

    @property
    def category(self) -> str:
        return "error" if self.outcome == ERROR else self.reasons[0]["label"]

    @property
    def final(self) -> tuple[str, datetime] | None:
        """The standing moderator decision, if any."""
        return self.decisions[-1] if self.decisions else None

    @property
    def analysis_reasons(self) -> list[dict[str, Any]]:
        if self.outcome == ERROR:
            return [{"label": "analysis_error", "band": "review"}]
        return self.reasons


IMAGE, FEEDBACK = "image", "feedback"
SPECS = [
    # Decided by the machine.
    Spec(IMAGE, at(3, 9), "approved", timedelta(minutes=2)),
    Spec(IMAGE, at(3, 10), "approved", timedelta(minutes=1)),
    Spec(FEEDBACK, at(3, 11), "approved", timedelta(seconds=30)),
    Spec(IMAGE, at(2, 8), "rejected", timedelta(minutes=5),
         [reason("Explicit", "reject", 98), reason("Violence", "review", 70)]),
    Spec(FEEDBACK, at(1, 14), "rejected", timedelta(minutes=3),
         [reason("PROFANITY", "reject", 99)]),
    Spec(IMAGE, at(0, 9), "approved", timedelta(minutes=10)),
    Spec(IMAGE, at(40, 9), "approved"),  # before the window
    # Sent to review.
    Spec(IMAGE, at(5, 10), "in_review", reasons=[reason("Weapons", "review", 70)],
         decisions=[("reject", at(4, 9))]),
    Spec(IMAGE, at(5, 11), "in_review",
         reasons=[reason("Weapons", "review", 80), reason("Drugs", "review", 65)],
         decisions=[("approve", at(2, 15))]),
    Spec(IMAGE, at(2, 12), "in_review", reasons=[reason("Explicit", "review", 75)],
         decisions=[("reject", at(1, 10))]),
    Spec(FEEDBACK, at(4, 10), "in_review", reasons=[reason("language", "review", 90)],
         decisions=[("approve", at(4, 16))]),
    Spec(FEEDBACK, at(1, 9), "in_review", reasons=[reason("sentiment", "review", 45)]),
    Spec(IMAGE, at(35, 9), "in_review", reasons=[reason("Violence", "review", 66)]),
    Spec(IMAGE, at(35, 10), "in_review", reasons=[reason("Violence", "review", 68)],
         decisions=[("reject", at(10, 9))]),
    Spec(IMAGE, at(1, 20), ERROR),
    # Approved, undone a few minutes later, then rejected the next day.
    Spec(IMAGE, at(3, 13), "in_review", reasons=[reason("Weapons", "review", 72)],
         decisions=[("approve", at(3, 14)), ("reject", at(2, 9))], undo_at=at(3, 14, 5)),
    Spec(IMAGE, at(50, 9), "in_review", reasons=[reason("Hate Symbols", "review", 61)],
         decisions=[("reject", at(45, 9))]),  # all before the window
    Spec(IMAGE, at(0, 10), "in_review", reasons=[reason("Drugs", "review", 62)]),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _offline() -> Iterator[None]:
    with (
        mock.patch("moderation.tasks.analyze_image.delay"),
        mock.patch("feedback.tasks.analyze_feedback.delay"),
    ):
        yield


def build(spec: Spec, number: int, moderator: User) -> None:
    """Write the item through the real pipeline and review code, then move its timestamps to
    the spec's times."""
    item: AnalysedItem
    if spec.kind == IMAGE:
        color = (number * 7 % 256, number * 13 % 256, 90)
        item = services.image_upload_create(
            owner=make_user(), upload=upload_file(image_bytes(color=color))
        )
    else:
        item = feedback_services.feedback_create(text=f"Message {number}", author=make_user())
    lease = pipeline.item_claim(type(item), item.id)
    assert lease is not None
    if spec.outcome == ERROR:
        pipeline.item_fail(lease, "analysis failed: broken file")
    else:
        fields = {"sentiment": "neutral"} if spec.kind == FEEDBACK else {}
        pipeline.item_decide(
            lease, outcome=spec.outcome, reasons=spec.reasons, policy_version=1, fields=fields
        )
    entry = ReviewItem.objects.filter(kind=spec.kind, item_id=item.id).first()
    for index, (decision, _when) in enumerate(spec.decisions):
        assert entry is not None
        reason = "ok" if decision == "approve" else "other"
        if index == 0 and spec.undo_at:
            result = bulk.review_bulk_decide(
                review_ids=[entry.id], moderator=moderator, decision=decision, reason=reason
            )
            assert result.action is not None
            assert bulk.review_bulk_undo(bulk_id=result.action.id, moderator=moderator) == 1
        else:
            reviews.review_decide(
                review_id=entry.id, moderator=moderator, decision=decision, reason=reason
            )

    # Move everything to the spec's times.
    final = spec.final
    decided_at = final[1] if final else (spec.analysed if not spec.queued else None)
    type(item)._default_manager.filter(id=item.id).update(
        created_at=spec.created, decided_at=decided_at
    )
    events = AuditEvent.objects.filter(item_id=item.id)
    events.filter(action="analysis").update(created_at=spec.analysed)
    decision_ids = list(
        events.filter(action="decision").order_by("id").values_list("id", flat=True)
    )
    assert len(decision_ids) == len(spec.decisions)
    for event_id, (_decision, when) in zip(decision_ids, spec.decisions, strict=True):
        AuditEvent.objects.filter(id=event_id).update(created_at=when)
    if spec.undo_at:
        assert events.filter(action="undo").update(created_at=spec.undo_at) == 1
    if entry is not None:
        ReviewItem.objects.filter(id=entry.id).update(
            created_at=spec.analysed, resolved_at=final[1] if final else None
        )


@pytest.fixture
def fixture_data() -> list[Spec]:
    moderator = make_moderator()
    for number, spec in enumerate(SPECS):
        build(spec, number, moderator)
    return SPECS


# What the numbers must be, worked out from the specs ----------------------------------------


def window_of(days: int) -> tuple[list[date], datetime]:
    first = NOW.date() - timedelta(days=days - 1)
    return [first + timedelta(days=i) for i in range(days)], at(days - 1, 0)


def in_window(when: datetime, days: int) -> bool:
    return window_of(days)[1] <= when <= NOW


def expected_decisions(specs: list[Spec], days: int) -> dict[date, tuple[int, int, int]]:
    """Per day: (machine decisions, moderators' standing decisions, sent to review)."""
    machine: Counter[date] = Counter()
    human: Counter[date] = Counter()
    review: Counter[date] = Counter()
    for spec in specs:
        if in_window(spec.analysed, days):
            (review if spec.queued else machine)[spec.analysed.date()] += 1
        if spec.final and in_window(spec.final[1], days):
            human[spec.final[1].date()] += 1
    return {day: (machine[day], human[day], review[day]) for day in window_of(days)[0]}


def expected_depth(specs: list[Spec], days: int) -> dict[date, dict[str, int]]:
    result = {}
    for day in window_of(days)[0]:
        end = min(timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min)), NOW)
        open_then = Counter(
            spec.kind
            for spec in specs
            if spec.queued and spec.analysed <= end and (spec.final is None or spec.final[1] > end)
        )
        result[day] = {IMAGE: open_then[IMAGE], FEEDBACK: open_then[FEEDBACK]}
    return result


def nearest_rank(values: list[timedelta], p: float) -> timedelta | None:
    ordered = sorted(values)
    return ordered[math.ceil(p * len(ordered)) - 1] if ordered else None


def expected_timing(specs: list[Spec], days: int) -> dict[str, list[timedelta]]:
    took: dict[str, list[timedelta]] = {"machine": [], "moderator": []}
    for spec in specs:
        if not spec.queued and in_window(spec.analysed, days):
            took["machine"].append(spec.analysed - spec.created)
        if spec.final and in_window(spec.final[1], days):
            took["moderator"].append(spec.final[1] - spec.created)
    return took


def expected_agreement(specs: list[Spec], days: int) -> dict[str, tuple[int, int]]:
    """Per category: (rejected, approved) by moderators' standing decisions."""
    result: dict[str, Counter[str]] = {}
    for spec in specs:
        if spec.final and in_window(spec.final[1], days):
            result.setdefault(spec.category, Counter())[spec.final[0]] += 1
    return {category: (c["reject"], c["approve"]) for category, c in result.items()}


def expected_labels(specs: list[Spec], days: int) -> dict[str, tuple[int, int]]:
    """Per label: (review, reject) among the reasons of analyses in the window."""
    counts: Counter[tuple[str, str]] = Counter()
    for spec in specs:
        if in_window(spec.analysed, days):
            for r in spec.analysis_reasons:
                counts[(r["label"], r["band"])] += 1
    labels = {label for label, _ in counts}
    return {label: (counts[(label, "review")], counts[(label, "reject")]) for label in labels}


# The selectors ------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [7, 30])
def test_selectors_match_the_fixture(fixture_data: list[Spec], days: int) -> None:
    numbers = stats.stats_for(days, now=NOW)
    assert numbers.window.days == tuple(window_of(days)[0])

    want = expected_decisions(fixture_data, days)
    got = {d.day: (d.machine, d.human, d.sent_to_review) for d in numbers.decisions.per_day}
    assert got == want
    assert numbers.decisions.undone == 1  # the approval of the Weapons image
    machine = [s for s in fixture_data if not s.queued and in_window(s.analysed, days)]
    assert numbers.decisions.machine_rejected == sum(s.outcome == "rejected" for s in machine)
    assert numbers.decisions.machine_approved == sum(s.outcome == "approved" for s in machine)
    queued = sum(s.queued and in_window(s.analysed, days) for s in fixture_data)
    assert numbers.decisions.review_share == pytest.approx(queued / (queued + len(machine)))

    depth = {p.day: p.by_kind for p in numbers.depth.per_day}
    assert depth == expected_depth(fixture_data, days)
    open_now = Counter(s.kind for s in fixture_data if s.queued and s.final is None)
    assert numbers.depth.now == {IMAGE: open_now[IMAGE], FEEDBACK: open_now[FEEDBACK]}

    for decider, took in expected_timing(fixture_data, days).items():
        timing = numbers.timing[decider]
        assert (timing.decided, timing.median, timing.p90) == (
            len(took), nearest_rank(took, 0.5), nearest_rank(took, 0.9),
        )  # fmt: skip

    agreement = {a.category: (a.rejected, a.approved) for a in numbers.agreement}
    assert agreement == expected_agreement(fixture_data, days)

    labels = {c.label: (c.review, c.reject) for c in numbers.labels}
    assert labels == expected_labels(fixture_data, days)
    totals = [c.total for c in numbers.labels]
    assert totals == sorted(totals, reverse=True)


def test_the_fixture_covers_what_it_should(fixture_data: list[Spec]) -> None:
    """Guards the test above against a fixture too thin to tell right from wrong."""
    numbers = stats.stats_for(30, now=NOW)
    assert numbers.decisions.machine >= 5 and numbers.decisions.human >= 5
    assert {a.category for a in numbers.agreement} >= {"Weapons", "Explicit", "language"}
    weapons = next(a for a in numbers.agreement if a.category == "Weapons")
    # Weapons: one rejected (agree), one approved (overturn), one approved-undone-rejected.
    assert (weapons.rejected, weapons.approved, weapons.overturn_rate) == (
        2,
        1,
        pytest.approx(1 / 3),
    )
    depth = [p.total for p in numbers.depth.per_day]
    assert len(set(depth)) > 2  # the queue grows and shrinks over the window
    moderator = numbers.timing["moderator"]
    assert moderator.median is not None and moderator.p90 is not None
    assert moderator.p90 > moderator.median


def test_an_empty_database_gives_zeros_not_errors() -> None:
    numbers = stats.stats_for(7, now=NOW)
    assert [d.machine + d.human + d.sent_to_review for d in numbers.decisions.per_day] == [0] * 7
    assert numbers.decisions.review_share is None
    assert numbers.timing["machine"] == stats.Timing(decided=0, median=None, p90=None)
    assert numbers.agreement == [] and numbers.labels == []
    assert numbers.overturn_rate is None


def test_window_days_accepts_only_the_offered_choices() -> None:
    assert [stats.window_days(v) for v in ("7", "30", "90")] == [7, 30, 90]
    assert [stats.window_days(v) for v in (None, "", "5", "x", "-30")] == [30] * 5


def test_sqlite_label_query_groups_the_reasons() -> None:
    """The development database is SQLite: its JSON unnesting query must give the same rows."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE events (action TEXT, created_at TEXT, reasons TEXT)")
    rows = [
        ("analysis", "2025-01-02 10:00:00", '[{"label": "Weapons", "band": "review"}]'),
        ("analysis", "2025-01-02 11:00:00",
         '[{"label": "Weapons", "band": "reject"}, {"label": "Drugs", "band": "review"}]'),
        ("analysis", "2025-01-03 11:00:00", '[{"label": "Drugs", "band": "approve"}]'),
        ("analysis", "2025-01-09 11:00:00", '[{"label": "Weapons", "band": "review"}]'),  # later
        ("decision", "2025-01-02 12:00:00", '[{"label": "moderator", "band": "reject"}]'),
        ("analysis", "2025-01-02 12:00:00", "{}"),
    ]  # fmt: skip
    db.executemany("INSERT INTO events VALUES (?, ?, ?)", rows)
    sql = stats._LABELS_SQL["sqlite"].format(table="events").replace("%s", "?")
    params = ["analysis", "2025-01-01 00:00:00", "2025-01-05 00:00:00", "review", "reject"]
    result = sorted(db.execute(sql, params).fetchall())
    assert result == [("Drugs", "review", 1), ("Weapons", "reject", 1), ("Weapons", "review", 1)]


# The page -----------------------------------------------------------------------------------


def get_page(client: Client, query: str = "") -> str:
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        response = client.get("/review/stats/" + query)
    assert response.status_code == 200
    return response.content.decode()


def cells(page: str, attribute: str, value: str) -> list[str]:
    """The numeric cells of the table row marked data-<attribute>="<value>"."""
    row = re.search(rf'<tr data-{attribute}="{re.escape(value)}">(.*?)</tr>', page, re.S)
    assert row, f"no row for {value}"
    return re.findall(r'<td class="num">([^<]*)</td>', row.group(1))


def rate(page: str, category: str) -> str:
    row = re.search(rf'<tr data-category="{re.escape(category)}">(.*?)</tr>', page, re.S)
    assert row, f"no row for {category}"
    found = re.search(r'<td class="rate">.*<span class="num">([^<]*)</span>', row.group(1))
    assert found
    return found.group(1)


def kpi(page: str, name: str) -> str:
    found = re.search(rf'id="kpi-{name}">.*?<span class="kpi-value">([^<]*)</span>', page, re.S)
    assert found, name
    return found.group(1).strip()


def tooltip(page: str, label: str, series: str) -> str | None:
    """The chart tooltip of one day whose first series is `series`."""
    found = re.search(rf"<title>{re.escape(label)}: ({re.escape(series)} [^<]*)</title>", page)
    return found.group(1) if found else None


def test_submitters_get_403_and_anonymous_users_the_login_page() -> None:
    assert signed_in(make_user()).get("/review/stats/").status_code == 403
    response = Client().get("/review/stats/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_admins_may_see_the_page() -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    assert signed_in(admin).get("/review/stats/").status_code == 200


def test_queue_links_to_the_stats() -> None:
    page = signed_in(make_moderator()).get("/review/").content.decode()
    assert 'href="/review/stats/"' in page


@pytest.mark.parametrize("days", [7, 30])
def test_page_shows_the_fixture_numbers(fixture_data: list[Spec], days: int) -> None:
    page = get_page(signed_in(make_moderator()), f"?days={days}")
    assert f'aria-current="page">{days} days</a>' in page

    open_now = [s for s in fixture_data if s.queued and s.final is None]
    assert kpi(page, "open") == str(len(open_now))
    decided = expected_decisions(fixture_data, days)
    machine = sum(m for m, _, _ in decided.values())
    human = sum(h for _, h, _ in decided.values())
    queued = sum(r for _, _, r in decided.values())
    assert kpi(page, "decided") == str(machine + human)
    assert kpi(page, "review-share") == f"{100 * queued / (queued + machine):.1f} %"

    # Each day's bar and depth point, read from the charts' tooltips.
    depth = expected_depth(fixture_data, days)
    for day, (m, h, _) in decided.items():
        assert tooltip(page, day_label(day), "Machine") == f"Machine {m}, Moderators {h}"
        d = depth[day]
        assert tooltip(page, day_label(day), "Image") == f"Image {d[IMAGE]}, Feedback {d[FEEDBACK]}"
    assert page.count("<svg") == 2

    for category, (rejected, approved) in expected_agreement(fixture_data, days).items():
        assert cells(page, "category", category) == [
            str(rejected + approved), str(rejected), str(approved),
        ]  # fmt: skip
        assert rate(page, category) == f"{100 * approved / (rejected + approved):.1f} %"
    for label, (review, reject) in expected_labels(fixture_data, days).items():
        assert cells(page, "label", label) == [str(review + reject), str(review), str(reject)]


def test_page_formats_the_times_to_decision(fixture_data: list[Spec]) -> None:
    page = get_page(signed_in(make_moderator()))
    section = page[page.index('id="time-to-decision"') :]
    section = section[: section.index("</section>")]
    took = expected_timing(fixture_data, 30)
    # Machine: 30 s, 1 min, 2 min, 3 min, 5 min, 10 min → median 2 min, p90 10 min.
    assert sorted(took["machine"])[0] == timedelta(seconds=30)
    assert re.search(r"Machine</td><td class=\"num\">6</td><td class=\"num\">2 min</td>"
                     r"<td class=\"num\">10 min</td>", section)  # fmt: skip
    # Moderators: 6 h, 20 h, 22 h, 23 h, 3.2 d, 24 d 23 h → median 22 h (rank 3), p90 25.0 d.
    median, p90 = nearest_rank(took["moderator"], 0.5), nearest_rank(took["moderator"], 0.9)
    assert (median, p90) == (timedelta(hours=22), timedelta(days=24, hours=23))
    assert re.search(r"Moderators</td><td class=\"num\">6</td><td class=\"num\">22.0 h</td>"
                     r"<td class=\"num\">25.0 d</td>", section)  # fmt: skip


def test_unknown_window_falls_back_to_30_days(fixture_data: list[Spec]) -> None:
    page = get_page(signed_in(make_moderator()), "?days=1000")
    assert 'aria-current="page">30 days</a>' in page
    assert "Last 30 days" in page


def bulk_data(n: int) -> None:
    """n items of every sort (machine decisions, queued, decided by moderators), written in
    bulk: the query-count test needs many, cheaply."""
    owner = make_user()
    moderator = make_moderator()
    created = at(3, 9)

    def image(i: int, status: str, decided_by: str = "") -> ImageUpload:
        return ImageUpload(
            owner=owner, file_key=f"quarantine/{i}.jpg", content_type="image/jpeg",
            sha256=f"{i:064d}", size_bytes=1, width=1, height=1, status=status,
            decided_by=decided_by, decided_at=NOW - timedelta(hours=1) if decided_by else None,
        )  # fmt: skip

    images = ImageUpload.objects.bulk_create(
        [image(i, "approved", "machine") for i in range(n)]
        + [image(n + i, "in_review") for i in range(n)]
        + [image(2 * n + i, "rejected", "moderator") for i in range(n)]
    )
    feedback = Feedback.objects.bulk_create(
        Feedback(text="hi", status="approved", decided_by="machine", decided_at=NOW)
        for _ in range(n)
    )
    weapons = [reason("Weapons", "review", 70), reason(f"Label {n}", "reject", 99)]
    ReviewItem.objects.bulk_create(
        ReviewItem(kind="image", item_id=img.id, reason="Weapons", resolved_at=img.decided_at)
        for img in images[n:]
    )
    AuditEvent.objects.bulk_create(
        [AuditEvent(item_kind="image", item_id=img.id, actor_kind="machine", action="analysis",
                    from_status="pending", to_status="in_review", reasons=weapons)
         for img in images[n:]]
        + [AuditEvent(item_kind="image", item_id=img.id, actor_kind="machine", action="analysis",
                      from_status="pending", to_status="approved") for img in images[:n]]
        + [AuditEvent(item_kind="feedback", item_id=f.id, actor_kind="machine", action="analysis",
                      from_status="pending", to_status="approved") for f in feedback]
        + [AuditEvent(item_kind="image", item_id=img.id, actor=moderator, actor_kind="moderator",
                      action="decision", from_status="in_review", to_status="rejected",
                      reasons=[{"label": "moderator", "band": "reject", "reason": "other"}])
           for img in images[2 * n :]]
    )  # fmt: skip
    ImageUpload.objects.update(created_at=created)
    Feedback.objects.update(created_at=created)
    ReviewItem.objects.update(created_at=created + timedelta(minutes=1))
    AuditEvent.objects.update(created_at=created + timedelta(minutes=2))


def page_queries(client: Client) -> int:
    get_page(client)  # warm up: session and permission caches
    with CaptureQueriesContext(connection) as queries:
        get_page(client)
    return len(queries)


def test_page_query_count_does_not_grow_with_the_data() -> None:
    client = signed_in(make_moderator())
    bulk_data(10)
    with_10 = page_queries(client)
    numbers = stats.stats_for(30, now=NOW)
    assert (numbers.decisions.machine, numbers.decisions.human) == (20, 10)
    assert numbers.depth.now_total == 10

    bulk_data(190)
    with_200 = page_queries(client)
    numbers = stats.stats_for(30, now=NOW)
    assert (numbers.decisions.machine, numbers.decisions.human) == (400, 200)
    assert numbers.depth.now_total == 200
    assert with_10 == with_200
    # Session, user, 2 × permissions; depth, decisions, 1 + 4 for the times, agreement, labels,
    # QA precision, appeals.
    assert with_200 <= 15


def test_selectors_run_a_fixed_number_of_queries() -> None:
    bulk_data(20)
    with CaptureQueriesContext(connection) as queries:
        stats.stats_for(90, now=NOW)
    assert len(queries) == 9  # depth, decisions, 1 + 2×2 for the times, agreement, labels


# The charts ---------------------------------------------------------------------------------


def test_charts_escape_text_and_scale_to_the_data() -> None:
    series = [svg.Series("<b>machine</b>", "machine", [1, 5]), svg.Series("h", "human", [2, 0])]
    chart = svg.bar_chart(["<script>", "b&c"], series, title='Decisions "per" day')
    assert "<script>" not in chart and "<b>" not in chart
    assert "&lt;script&gt;" in chart and "b&amp;c" in chart and "&quot;per&quot;" in chart
    assert chart.count('<rect class="series-machine"') == 1 + 2  # legend + two bars
    assert chart.count('<rect class="series-human"') == 1 + 1  # a zero draws no bar
    assert "<title>b&amp;c: &lt;b&gt;machine&lt;/b&gt; 5, h 0</title>" in chart
    # Gridlines up to a round number at or above the tallest stack (5).
    assert re.findall(r'class="tick"[^>]*>([^<]*)<', chart) == ["0", "2", "4", "6"]

    area = svg.area_chart(["a", "b", "c"], [svg.Series("x", "image", [0, 3, 1])], title="t")
    assert area.count("<polyline") == 1 and area.count("<polygon") == 1
    assert "No data yet" not in area
    empty = svg.area_chart(["a"], [svg.Series("x", "image", [0])], title="t")
    assert "No data yet" in empty
    with pytest.raises(ValueError, match="2 values, not 3"):
        svg.bar_chart(["a", "b", "c"], [svg.Series("x", "machine", [1, 2])], title="t")


def test_nice_ticks() -> None:
    assert svg.nice_ticks(0) == [0, 1, 2, 3, 4]
    assert svg.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert svg.nice_ticks(230) == [0, 100, 200, 300]
    assert svg.nice_ticks(1) == [0, 1]
