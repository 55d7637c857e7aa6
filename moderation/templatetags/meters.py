"""Bar and meter widths as CSS classes: the Content-Security-Policy allows no style attributes,
so a width of 42 % is `class="pct-42"` (static/css/meters.css has pct-0 … pct-100)."""

from __future__ import annotations

import math

from django import template

register = template.Library()


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


@register.filter
def pct(value: object) -> str:
    """42.4 → "pct-42"; clamped to 0–100, rounded to the nearest percent."""
    return f"pct-{min(100, max(0, round(_number(value))))}"


@register.filter
def share(part: object, rest: object) -> float:
    """The percentage `part` is of `part + rest` (0 when both are 0)."""
    a, b = _number(part), _number(rest)
    return 100 * a / (a + b) if a + b > 0 else 0.0
