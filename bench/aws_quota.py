"""Scenario 11: the shared AWS rate limit against a stub that throttles above its quota.

Worker-like processes, each with a pool of threads, call DetectModerationLabels through the
product's client (`aws_client`, so botocore's standard retries and the limiter are on) at
twice the quota. No AWS service is called: a `before-send` handler, registered after the
limiter, plays Rekognition, answering 200 while a token bucket kept in Redis (shared by all
processes, as AWS's is by all callers of an account) has a token and ThrottlingException
otherwise."""

from __future__ import annotations

import io
import multiprocessing
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from bench import procs
from bench.report import Table, fmt_float

OPERATION = "rekognition.DetectModerationLabels"
QUOTA = 20.0  # calls per second the stub serves
BURST_SECONDS = 0.25  # the stub's bucket holds this much of a second's quota
PROCESSES = 4
THREADS = 4
OFFERED = 2 * QUOTA
SECONDS = 12.0
WARMUP = 2.0  # not counted: the first moments fill and drain the buckets

# KEYS[1]: the stub's bucket. ARGV: rate, capacity. 1: served, 0: throttled.
_BUCKET = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate, capacity = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - at) * rate)
local served = 0
if tokens >= 1 then tokens = tokens - 1; served = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], 60)
return served
"""


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self.data


def _stub(bucket_key: str, counts: dict[str, int], lock: threading.Lock) -> Any:
    import redis
    from botocore.awsrequest import AWSResponse, HTTPHeaders

    client = redis.Redis.from_url(procs.BROKER_URL)
    bucket = client.register_script(_BUCKET)

    def endpoint(request: Any, **kwargs: Any) -> AWSResponse:
        served = bucket(keys=[bucket_key], args=[QUOTA, QUOTA * BURST_SECONDS])
        with lock:
            counts["served" if served else "throttled"] += 1
        body = (
            b'{"ModerationLabels": [], "ModerationModelVersion": "7.0"}'
            if served
            else b'{"__type": "ThrottlingException", "Message": "Rate exceeded"}'
        )
        headers = HTTPHeaders()
        headers["x-amzn-RequestId"] = "stub"
        headers["Content-Type"] = "application/x-amz-json-1.1"
        return AWSResponse(request.url, 200 if served else 400, headers, _Body(body))

    return endpoint


def _worker(bucket_key: str, start_at: float, results: Any) -> None:
    """One worker process: THREADS callers, each offering OFFERED / (PROCESSES × THREADS)
    calls a second on a fixed timetable (a call that waited does not push the next one back)."""
    from PIL import Image

    from moderation.images.analyzers.aws import RekognitionAnalyzer
    from moderation.images.analyzers.base import ImageSource
    from moderation.items.boto import aws_client
    from moderation.items.errors import TransientAnalyzerError

    buffer = io.BytesIO()
    Image.new("RGB", (200, 150), (40, 90, 160)).save(buffer, "JPEG")
    source = ImageSource("bench/q.jpg", buffer.getvalue(), "image/jpeg")
    counts = {"served": 0, "throttled": 0}
    outcomes: list[tuple[float, str]] = []
    lock = threading.Lock()
    interval = PROCESSES * THREADS / OFFERED

    def caller(n: int) -> None:
        client = aws_client("rekognition")
        client.meta.events.register_last("before-send", _stub(bucket_key, counts, lock))
        analyzer = RekognitionAnalyzer(client=client)
        due = start_at + n * interval / THREADS
        while due < start_at + SECONDS:
            time.sleep(max(0.0, due - time.time()))
            try:
                analyzer.analyze(source, min_confidence=50)
                outcome = "ok"
            except TransientAnalyzerError:
                outcome = "failed"
            with lock:
                outcomes.append((time.time(), outcome))
            due += interval

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((counts, outcomes))


def _run(limited: bool, redis_down: bool) -> dict[str, float]:
    from django.conf import settings

    saved = (settings.AWS_RATE_LIMITS, settings.AWS_RATE_LIMIT_REDIS_URL,
             settings.AWS_RATE_LIMIT_FALLBACK_PROCESSES, settings.AWS_REGION)  # fmt: skip
    settings.AWS_RATE_LIMITS = {OPERATION: QUOTA} if limited else {}
    settings.AWS_RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:9/0" if redis_down else procs.BROKER_URL
    settings.AWS_RATE_LIMIT_FALLBACK_PROCESSES = PROCESSES
    settings.AWS_REGION = f"bench-{uuid.uuid4().hex[:8]}"  # a schedule of its own
    context = multiprocessing.get_context("fork")
    results: Any = context.Queue()
    start_at = time.time() + 1.0
    bucket_key = f"bench:stub-bucket:{uuid.uuid4().hex}"
    children = [
        context.Process(target=_worker, args=(bucket_key, start_at, results))
        for _ in range(PROCESSES)
    ]
    try:
        for child in children:
            child.start()
        gathered = [results.get(timeout=SECONDS + 120) for _ in children]
        for child in children:
            child.join(timeout=30)
    finally:
        (settings.AWS_RATE_LIMITS, settings.AWS_RATE_LIMIT_REDIS_URL,
         settings.AWS_RATE_LIMIT_FALLBACK_PROCESSES, settings.AWS_REGION) = saved  # fmt: skip
    served = sum(counts["served"] for counts, _ in gathered)
    throttled = sum(counts["throttled"] for counts, _ in gathered)
    outcomes = [outcome for _, found in gathered for outcome in found]
    window = (start_at + WARMUP, start_at + SECONDS)
    ok_in_window = sum(
        1 for at, outcome in outcomes if outcome == "ok" and window[0] <= at < window[1]
    )
    return {
        "calls": len(outcomes),
        "served": served,
        "throttled": throttled,
        "failed": sum(1 for _, outcome in outcomes if outcome == "failed"),
        "rate": ok_in_window / (window[1] - window[0]),
    }


def run() -> list[Table]:
    import logging

    # One warning per call while Redis is away: the console gets one line per measurement.
    logging.getLogger("moderation.items.aws_rate").setLevel(logging.ERROR)
    logging.getLogger("botocore.credentials").setLevel(logging.WARNING)
    table = Table(
        f"DetectModerationLabels at twice a {QUOTA:.0f}/s quota, {PROCESSES} processes × "
        f"{THREADS} threads",
        ["Limiter", "Calls made", "Attempts served", "ThrottlingException answers (retries)",
         "Calls failed", "Served per second", "Share of quota"],
        notes=[
            f"Offered load: {OFFERED:.0f} calls a second ({OFFERED / QUOTA:.0f}× the quota) for "
            f"{SECONDS:.0f} s, on a fixed timetable per thread; served per second counts the "
            f"calls that succeeded after the first {WARMUP:.0f} s. Client: the product's "
            "(`aws_client`: botocore standard retries, AWS_MAX_ATTEMPTS attempts a call).",
            f"The stub throttles like a token bucket shared by every caller: {QUOTA:.0f} tokens "
            f"a second, at most {QUOTA * BURST_SECONDS:.0f} saved up. A ThrottlingException "
            "answer is a retry botocore makes (or, its attempts spent, a task retry).",
            "Shared limiter: AWS_RATE_LIMITS at the quota, paced at "
            "AWS_RATE_LIMIT_USE_PERCENT of it, the schedule in Redis. Redis down: "
            f"AWS_RATE_LIMIT_REDIS_URL points at a closed port and each process keeps to "
            f"quota ÷ AWS_RATE_LIMIT_FALLBACK_PROCESSES ({PROCESSES}, the worker processes; a "
            "process's threads share its schedule), each on a clock of its own: as fast in "
            "sum, but the processes' calls are not spread apart, so bursts can meet the stub.",
            "Targets: 0 throttling answers and at least 95 % of the quota served with the "
            "shared limiter.",
        ],
    )  # fmt: skip
    for label, limited, redis_down in (
        ("none (retries after the fact)", False, False),
        ("shared through Redis", True, False),
        ("Redis down: per-process share", True, True),
    ):
        found = _run(limited, redis_down)
        share = found["rate"] / QUOTA
        print(
            f"   limiter {label}: {found['rate']:.1f}/s served ({share:.0%} of quota), "
            f"{found['throttled']:.0f} throttled"
        )
        table.add(
            label, f"{found['calls']:.0f}", f"{found['served']:.0f}", f"{found['throttled']:.0f}",
            f"{found['failed']:.0f}", fmt_float(found["rate"], 1), f"{share:.0%}",
        )  # fmt: skip
    return [table]
