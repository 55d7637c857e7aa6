"""Small charts drawn on the server as inline SVG: no JavaScript, nothing from a CDN.

Each function returns markup ready for a template. Every piece of text in it (titles, labels,
series names, tooltips) is escaped here; colours come from CSS classes (`series-<key>`), so the
page's stylesheet decides the look.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH = 960
HEIGHT = 260
# Room around the plot: legend above, value axis on the left, day labels below.
TOP, RIGHT, BOTTOM, LEFT = 34, 12, 26, 44
MAX_X_LABELS = 10
MAX_BAR_WIDTH = 64


@dataclass(frozen=True)
class Series:
    name: str  # shown in the legend and tooltips
    key: str  # CSS class suffix: series-<key>
    values: Sequence[float]


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    top_value: float
    ticks: list[float]
    n: int

    @property
    def plot_width(self) -> float:
        return self.width - LEFT - RIGHT

    @property
    def plot_height(self) -> float:
        return self.height - TOP - BOTTOM

    @property
    def band(self) -> float:
        return self.plot_width / max(self.n, 1)

    def y(self, value: float) -> float:
        return TOP + self.plot_height * (1 - value / self.top_value)

    def x_center(self, index: int) -> float:
        return LEFT + self.band * (index + 0.5)


def nice_ticks(maximum: float, *, count: int = 4) -> list[float]:
    """Round gridline values from 0 to at least `maximum`: steps of 1, 2 or 5 × 10ⁿ."""
    if maximum <= 0:
        return [float(i) for i in range(count + 1)]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if step < 1:  # counts: no fractional gridlines
        step = 1
    top = math.ceil(maximum / step) * step
    return [i * step for i in range(round(top / step) + 1)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _coord(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _frame(n: int, maximum: float, width: int, height: int) -> _Frame:
    ticks = nice_ticks(maximum)
    return _Frame(width=width, height=height, top_value=ticks[-1], ticks=ticks, n=n)


def _open(frame: _Frame, title: str, css: str) -> list[str]:
    return [
        f'<svg class="chart {css}" viewBox="0 0 {frame.width} {frame.height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]


def _grid(frame: _Frame) -> list[str]:
    parts = ['<g class="grid">']
    right = frame.width - RIGHT
    for tick in frame.ticks:
        y = _coord(frame.y(tick))
        parts.append(f'<line x1="{LEFT}" x2="{right}" y1="{y}" y2="{y}"/>')
        parts.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(_number(tick))}</text>'
        )
    parts.append("</g>")
    return parts


def _x_labels(frame: _Frame, labels: Sequence[str]) -> list[str]:
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    # Always label the last (most recent) day; count the others back from it.
    last = len(labels) - 1
    parts = ['<g class="x-labels">']
    for index, label in enumerate(labels):
        if (last - index) % every:
            continue
        x = _coord(frame.x_center(index))
        y = frame.height - BOTTOM + 16
        parts.append(f'<text x="{x}" y="{y}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</g>")
    return parts


def _legend(series: Sequence[Series]) -> list[str]:
    parts = ['<g class="legend">']
    x = float(LEFT)
    for item in series:
        parts.append(
            f'<rect class="series-{escape(item.key)}" x="{_coord(x)}" y="8" width="12" '
            'height="12" rx="3"/>'
        )
        parts.append(f'<text x="{_coord(x + 18)}" y="18">{escape(item.name)}</text>')
        x += 18 + 7.5 * len(item.name) + 22
    parts.append("</g>")
    return parts


def _hover(frame: _Frame, labels: Sequence[str], series: Sequence[Series]) -> list[str]:
    """A transparent column per point, whose tooltip lists every series' value."""
    parts = ['<g class="hover">']
    for index, label in enumerate(labels):
        values = ", ".join(f"{s.name} {_number(s.values[index])}" for s in series)
        x = _coord(LEFT + frame.band * index)
        parts.append(
            f'<rect x="{x}" y="{TOP}" width="{_coord(frame.band)}" '
            f'height="{_coord(frame.plot_height)}"><title>{escape(label)}: {escape(values)}'
            "</title></rect>"
        )
    parts.append("</g>")
    return parts


def _empty_note(frame: _Frame, totals: Sequence[float]) -> list[str]:
    if any(totals):
        return []
    x, y = _coord(LEFT + frame.plot_width / 2), _coord(TOP + frame.plot_height / 2)
    empty = escape(gettext("No data yet"))
    return [f'<text class="empty" x="{x}" y="{y}" text-anchor="middle">{empty}</text>']


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("a chart needs at least one series")
    for item in series:
        if len(item.values) != len(labels):
            raise ValueError(
                f"series {item.name!r} has {len(item.values)} values, not {len(labels)}"
            )


def bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    stacked: bool = True,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """A bar per label: the series stacked (first at the bottom) or side by side."""
    _check(labels, series)
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    peak = max(totals if stacked else [v for s in series for v in s.values], default=0)
    frame = _frame(len(labels), peak, width, height)
    parts = _open(frame, title, "bar-chart") + _grid(frame)
    gap = frame.band * (0.22 if frame.band > 8 else 0.1)
    bar_width = min(frame.band - gap, MAX_BAR_WIDTH)
    parts.append('<g class="bars">')
    for index in range(len(labels)):
        left = LEFT + frame.band * index + (frame.band - bar_width) / 2
        base = 0.0
        for number, item in enumerate(series):
            value = item.values[index]
            if value <= 0:
                continue
            if stacked:
                x, w, low = left, bar_width, base
                base += value
            else:
                w = bar_width / len(series)
                x, low = left + w * number, 0.0
            y_top, y_low = frame.y(low + value), frame.y(low)
            parts.append(
                f'<rect class="series-{escape(item.key)}" x="{_coord(x)}" y="{_coord(y_top)}" '
                f'width="{_coord(w)}" height="{_coord(max(y_low - y_top, 0.5))}"/>'
            )
    parts.append("</g>")
    parts += _x_labels(frame, labels) + _legend(series) + _empty_note(frame, totals)
    parts += [*_hover(frame, labels, series), "</svg>"]
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def area_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    stacked: bool = True,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """A line per series over the labels, the area under it filled; stacked, the first series
    at the bottom and each next one on top of those before it."""
    _check(labels, series)
    n = len(labels)
    lows = [0.0] * n
    bands: list[tuple[Series, list[float], list[float]]] = []
    for item in series:
        highs = [lows[i] + item.values[i] if stacked else item.values[i] for i in range(n)]
        bands.append((item, list(lows) if stacked else [0.0] * n, highs))
        if stacked:
            lows = highs
    peak = max((v for _, _, highs in bands for v in highs), default=0)
    frame = _frame(n, peak, width, height)
    parts = _open(frame, title, "area-chart") + _grid(frame)
    for item, low, high in bands:
        top = [(frame.x_center(i), frame.y(high[i])) for i in range(n)]
        bottom = [(frame.x_center(i), frame.y(low[i])) for i in reversed(range(n))]
        if n == 1:  # a single day: a short flat segment, so there is something to see
            half = frame.band / 4
            top = [(top[0][0] - half, top[0][1]), (top[0][0] + half, top[0][1])]
            bottom = [(bottom[0][0] + half, bottom[0][1]), (bottom[0][0] - half, bottom[0][1])]
        key = escape(item.key)
        area = " ".join(f"{_coord(x)},{_coord(y)}" for x, y in top + bottom)
        line = " ".join(f"{_coord(x)},{_coord(y)}" for x, y in top)
        parts.append(f'<polygon class="area series-{key}" points="{area}"/>')
        parts.append(f'<polyline class="line series-{key}" points="{line}"/>')
    totals = [sum(s.values[i] for s in series) for i in range(n)]
    parts += _x_labels(frame, labels) + _legend(series) + _empty_note(frame, totals)
    parts += [*_hover(frame, labels, series), "</svg>"]
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()
