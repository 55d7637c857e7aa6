"""A fixed-window rate limit in the shared cache, for the API and the web forms alike."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/minute" → (30, 60)."""
    count, _, period = rate.partition("/")
    try:
        return int(count), _PERIODS[period.strip().rstrip("s")]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(
            f"rate must look like 30/minute (per second, minute, hour or day), got {rate!r}"
        ) from None


def hit(*, scope: str, ident: str, rate: str) -> int | None:
    """Count one request. None if allowed, else the seconds until the window reopens."""
    limit, period = parse_rate(rate)
    now = int(time.time())
    window = now - now % period
    key = f"ratelimit:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=period + 1)
    if cache.incr(key) <= limit:
        return None
    return window + period - now
