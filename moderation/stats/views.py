"""The moderators' statistics page: the queue and the decisions over the last days."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_GET

from moderation.appeals.selectors import appeal_figures
from moderation.items.models import DecidedBy
from moderation.kinds import kinds_all
from moderation.qa.selectors import qa_precision
from moderation.review.views import moderator_required
from moderation.stats import figures as stats_selectors
from moderation.stats import svg


@require_GET
@moderator_required
def stats(request: HttpRequest) -> HttpResponse:
    numbers = stats_selectors.stats_for(stats_selectors.window_days(request.GET.get("days")))
    days = numbers.window.days
    labels = [day_label(day) for day in days]
    per_day = numbers.decisions.per_day
    decisions_chart = svg.bar_chart(
        labels,
        [
            svg.Series(gettext("Machine"), "machine", [day.machine for day in per_day]),
            svg.Series(gettext("Moderators"), "human", [day.human for day in per_day]),
        ],
        title=gettext("Decisions per day, by the machine and by moderators"),
    )
    depth_chart = svg.area_chart(
        labels,
        [
            svg.Series(
                str(kind.label).capitalize(),
                kind.name,
                [p.by_kind[kind.name] for p in numbers.depth.per_day],
            )
            for kind in kinds_all()
        ],
        title=gettext("Open review entries at the end of each day"),
    )
    timing = [
        {
            "who": who,
            "decided": numbers.timing[decider].decided,
            "median": duration_label(numbers.timing[decider].median),
            "p90": duration_label(numbers.timing[decider].p90),
        }
        for decider, who in (
            (DecidedBy.MACHINE, gettext("Machine")),
            (DecidedBy.MODERATOR, gettext("Moderators")),
        )
    ]
    appeals = appeal_figures(start=numbers.window.start, end=numbers.window.now)
    top = max((label.total for label in numbers.labels), default=0)
    counted = numbers.decisions
    context = {
        "stats": numbers,
        "days": len(days),
        "choices": stats_selectors.WINDOW_CHOICES,
        "first_day": days[0],
        "decisions_chart": decisions_chart,
        "depth_chart": depth_chart,
        "timing": timing,
        "labels": [
            {"row": label, "width": round(100 * label.total / top) if top else 0}
            for label in numbers.labels
        ],
        "agreement": [{"row": row, "rate": 100 * row.overturn_rate} for row in numbers.agreement],
        "percent": {
            "review_share": percent(counted.sent_to_review, counted.analysed),
            "machine_approved": percent(counted.machine_approved, counted.analysed),
            "machine_rejected": percent(counted.machine_rejected, counted.analysed),
            "overturned": percent(numbers.overturned, sum(a.decided for a in numbers.agreement)),
        },
        "appeals": appeals,
        "appeal_overturn_rate": percent(appeals.overturned, appeals.decided),
        "kinds": [(kind.label, numbers.depth.now.get(kind.name, 0)) for kind in kinds_all()],
        "qa": qa_precision(since=numbers.window.start, until=numbers.window.now),
    }
    return render(request, "review/stats.html", context)


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def day_label(day: date) -> str:
    """ "5 Dec" ("5. des." in Norwegian)."""
    return date_format(day, pgettext("chart day label, Django date format", "j M"))


def duration_label(value: timedelta | None) -> str:
    """A duration for people: "42 s", "12 min", "3.5 h", "2.1 d"; "—" for none."""
    if value is None:
        return "—"
    seconds = value.total_seconds()
    if seconds < 90:
        return gettext("%(number)s s") % {"number": number_format(round(seconds), 0)}
    if seconds < 90 * 60:
        return gettext("%(number)s min") % {"number": number_format(round(seconds / 60), 0)}
    if seconds < 36 * 3600:
        return gettext("%(number)s h") % {"number": number_format(round(seconds / 3600, 1), 1)}
    return gettext("%(number)s d") % {"number": number_format(round(seconds / 86400, 1), 1)}
