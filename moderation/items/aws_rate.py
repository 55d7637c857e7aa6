"""Calls per second to each AWS operation, for every worker process together.

AWS meters each API operation against a per-account, per-region quota (transactions per
second) and answers calls above it with ThrottlingException. Retrying after the fact costs a
call, a backoff and a task retry; here, every call to a limited operation first reserves a
time slot in a schedule kept in Redis, shared by all workers, and waits for it, so calls
leave no faster than AWS_RATE_LIMITS allows. Items wait in the queue, and the worker waits
for its slot, instead of in retries.

The reservation is one Lua script on Redis's own clock: the next free slot per operation,
moved on by 1/rate for each call ("pacing"); no worker's clock is trusted. When Redis cannot
answer, each process falls back to a schedule of its own at rate ÷
AWS_RATE_LIMIT_FALLBACK_PROCESSES: slower, never unlimited.

Every HTTP attempt takes a slot, botocore's own retries included (the limiter listens to
`before-send`, which every attempt passes through).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

import redis
from django.conf import settings

from moderation.items.errors import TransientAnalyzerError

logger = logging.getLogger(__name__)

KEY_PREFIX = "vakt:aws-rate:"

# KEYS[1]: the operation's schedule; ARGV: microseconds between calls, longest wait allowed.
# Returns the microseconds to wait before calling; above the longest wait, minus that wait
# and nothing reserved.
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
local wait = slot - now
if wait > tonumber(ARGV[2]) then return -wait end
local expire_ms = math.floor((wait + interval) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', slot + interval), 'PX', expire_ms)
return wait
"""

_clients: dict[int, redis.Redis] = {}
_scripts: dict[int, Any] = {}


def _redis() -> tuple[redis.Redis, Any]:
    # One client per process: a client inherited through fork shares its sockets.
    pid = os.getpid()
    if pid not in _clients:
        _clients.clear()
        _scripts.clear()
        client = redis.Redis.from_url(
            settings.AWS_RATE_LIMIT_REDIS_URL or settings.CELERY_BROKER_URL,
            socket_timeout=1,
            socket_connect_timeout=1,
        )
        _clients[pid] = client
        _scripts[pid] = client.register_script(_RESERVE)
    return _clients[pid], _scripts[pid]


class _LocalSchedule:
    """The same pacing inside one process, for when Redis is away."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def reserve(self, operation: str, interval: float, longest: float) -> float:
        with self._lock:
            now = time.monotonic()
            slot = max(self._next.get(operation, 0.0), now)
            wait = slot - now
            if wait > longest:
                return -wait
            self._next[operation] = slot + interval
            return wait

    def clear(self) -> None:
        with self._lock:
            self._next.clear()


_local = _LocalSchedule()
_sleep = time.sleep  # by name, so tests can watch this module's waits alone


def rate_for(operation: str) -> float | None:
    """Calls per second allowed to `operation` ("rekognition.DetectModerationLabels") for all
    workers together, or None when it is not limited."""
    rate = settings.AWS_RATE_LIMITS.get(operation)
    # A little under the quota: a call delayed on its way (a busy host, a slow network) lets
    # the next ones arrive closer together than their slots, and the spare absorbs that.
    return float(rate) * settings.AWS_RATE_LIMIT_USE_PERCENT / 100 if rate else None


def slot_wait(operation: str) -> float:
    """Reserve the next slot for one call to `operation` and return the seconds to wait for it
    (0 for an operation without a limit). Raises TransientAnalyzerError, reserving nothing,
    when the wait would exceed AWS_RATE_LIMIT_MAX_WAIT_SECONDS: far more callers than the
    quota serves, so the task is better retried later than holding a worker."""
    rate = rate_for(operation)
    if rate is None:
        return 0.0
    longest = float(settings.AWS_RATE_LIMIT_MAX_WAIT_SECONDS)
    key = f"{KEY_PREFIX}{settings.AWS_REGION}:{operation}"
    try:
        _, reserve = _redis()
        micros = int(reserve(keys=[key], args=[round(1e6 / rate), round(longest * 1e6)]))
        wait = micros / 1e6
    except redis.RedisError as exc:
        share = max(1, settings.AWS_RATE_LIMIT_FALLBACK_PROCESSES)
        logger.warning(
            "AWS rate limit for %s: Redis unavailable (%s); this process keeps to %.2g/s",
            operation,
            exc,
            rate / share,
        )
        wait = _local.reserve(operation, share / rate, longest)
    if wait < 0:
        raise TransientAnalyzerError(
            f"{operation} is at its rate limit ({rate:g}/s): the next slot is {-wait:.1f} s away"
        )
    return wait


def slot_take(operation: str) -> None:
    """Wait for this call's slot to `operation`."""
    wait = slot_wait(operation)
    if wait > 0:
        _sleep(wait)


def _before_send(event_name: str, **kwargs: Any) -> None:
    # "before-send.<service-id>.<Operation>": one per HTTP attempt.
    _, service, operation = event_name.split(".", 2)
    slot_take(f"{service}.{operation}")


def limiter_install(client: Any) -> Any:
    """Make every call of this boto3 client wait for its operation's slot."""
    client.meta.events.register("before-send", _before_send, unique_id="vakt-aws-rate")
    return client
