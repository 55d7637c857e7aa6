"""Rate limits and lock-outs in the shared cache, for the API and the web forms alike.

A rate limit is a fixed window per identity. A lock-out counts failures from the first one
for `window` seconds; reaching the limit locks the identity for `lock_seconds`. Both live in
the shared Redis cache, so they hold across every web process.
"""

from __future__ import annotations

import math
import time
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http.response import HttpResponseBase

Response = TypeVar("Response", bound=HttpResponseBase)

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


def _count(key: str, timeout: int) -> int:
    """Add one to a counter that expires `timeout` seconds after its first count."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr(): this is a first count again
        cache.set(key, 1, timeout=timeout)
        return 1


def hit(*, scope: str, ident: str, rate: str) -> int | None:
    """Count one request. None if allowed, else the seconds until the window reopens."""
    limit, period = parse_rate(rate)
    now = int(time.time())
    window = now - now % period
    if _count(f"ratelimit:{scope}:{ident}:{window}", period + 1) <= limit:
        return None
    return window + period - now


def locked_for(*, scope: str, ident: str) -> int | None:
    """Seconds left on this identity's lock-out, or None if it is not locked."""
    until = cache.get(f"lock:{scope}:{ident}")
    if until is None:
        return None
    left = math.ceil(float(until) - time.time())
    return left if left > 0 else None


def fail(*, scope: str, ident: str, limit: int, window: int, lock_seconds: int) -> int | None:
    """Count one failure. Returns the lock's length when this failure locked the identity."""
    key = f"failures:{scope}:{ident}"
    if _count(key, window) < limit:
        return None
    cache.set(f"lock:{scope}:{ident}", time.time() + lock_seconds, timeout=lock_seconds)
    cache.delete(key)
    return lock_seconds


def forget_failures(*, scope: str, ident: str) -> None:
    cache.delete(f"failures:{scope}:{ident}")


def with_retry_after(response: Response, wait: float) -> Response:
    """Mark a refusal with the seconds until the client may try again (RFC 9110)."""
    response["Retry-After"] = str(max(1, math.ceil(wait)))
    return response
