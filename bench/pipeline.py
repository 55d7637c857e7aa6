"""Scenarios 1 and 2: upload latency against the synchronous baseline, and pipeline throughput
against the analyzer-bound limit. Real gunicorn, Celery workers, PostgreSQL and Redis."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from unittest import mock

from bench import procs
from bench.analyzers import LATENCY_SECONDS
from bench.load import LoadResult, photo_jpegs, post_uploads
from bench.report import Table, fmt_float

# Requests per concurrency level: enough for a p99 that is not just the maximum at c ≥ 8.
LEVELS = ((1, 30), (8, 160), (32, 320))
TARGET_RATIO = 10  # the async p99 must be at least this many times lower at concurrency 8


def _token() -> str:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user, _ = get_user_model().objects.get_or_create(username="bench-uploader")
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def _run_levels(base_url: str, path: str, expect: int, token: str) -> dict[int, LoadResult]:
    warmup = photo_jpegs(2 * procs.GUNICORN_WORKERS, width=320, height=240)
    post_uploads(base_url + path, token, warmup, concurrency=procs.GUNICORN_WORKERS, expect=expect)
    results = {}
    offset = 0
    for concurrency, count in LEVELS:
        # Numbered from where the last level stopped: no image is ever sent twice.
        bodies = photo_jpegs(offset + count)[offset:]
        offset += count
        results[concurrency] = post_uploads(
            base_url + path, token, bodies, concurrency=concurrency, expect=expect
        )
        print(f"   {path} c={concurrency}: p99 {results[concurrency].percentile(99):.3f} s")
    return results


def upload_latency(data_dir: str, logs: Path) -> Table:
    token = _token()
    env = procs.environment(data_dir, BENCH_ANALYZER="local-300ms")
    procs.broker_flush()
    with procs.celery_workers(env, logs, processes=2), procs.gunicorn(env, logs / "web.log") as url:
        queued = _run_levels(url, "/api/v1/images/", 202, token)
    procs.broker_flush()
    with procs.gunicorn(env, logs / "web.log") as url:
        inline = _run_levels(url, "/bench/sync/images/", 200, token)
    procs.broker_flush()  # the baseline's queued tasks: never run, its view already decided

    table = Table(
        "Upload latency: queued analysis vs the synchronous baseline (300 ms analyzer)",
        [
            "Concurrency", "Requests",
            "Queued p50 (ms)", "Queued p99 (ms)", "Queued req/s",
            "Sync p50 (ms)", "Sync p99 (ms)", "Sync req/s",
            "p99 ratio (sync / queued)",
        ],
        notes=[
            f"gunicorn with {procs.GUNICORN_WORKERS} sync workers on loopback; "
            "`POST /api/v1/images/` with a distinct 640×480 JPEG (about 115 KB) each time, "
            "token auth; an asyncio client (httpx) keeps `concurrency` requests in flight.",
            "Queued: the product (store, answer 202, analyse in a Celery worker); two solo "
            "workers ran on the same machine during the run. Sync: a bench-only view "
            "(`bench/urls.py`) that analyses before answering 200, as the seed design did; "
            "no workers ran.",
            f"Analyzer: the local Open-NSFW model padded to {LATENCY_SECONDS * 1000:.0f} ms "
            "(`bench/analyzers.py`).",
        ],
    )  # fmt: skip
    for concurrency, count in LEVELS:
        q, s = queued[concurrency], inline[concurrency]
        ratio = s.percentile(99) / q.percentile(99)
        verdict = ""
        if concurrency == 8:
            verdict = " (target ≥ 10×: met)" if ratio >= TARGET_RATIO else " (target ≥ 10×: MISSED)"
        table.add(
            concurrency, count,
            fmt_float(q.median * 1000, 0), fmt_float(q.percentile(99) * 1000, 0),
            fmt_float(q.requests_per_second, 1),
            fmt_float(s.median * 1000, 0), fmt_float(s.percentile(99) * 1000, 0),
            fmt_float(s.requests_per_second, 1),
            f"{ratio:.1f}×{verdict}",
        )  # fmt: skip
    errors = {**_errors("queued", queued), **_errors("sync", inline)}
    listed = ", ".join(f"{name}: {n}" for name, n in errors.items())
    table.notes.append(f"Errors: {listed or 'none'}.")
    return table


def _errors(name: str, results: dict[int, LoadResult]) -> dict[str, int]:
    return {
        f"{name} c={c} HTTP {status}": n
        for c, result in results.items()
        for status, n in result.errors.items()
    }


# (analyzer, pool, worker processes, concurrency per process, items)
THROUGHPUT_RUNS = (
    ("local-300ms", "solo", 1, 1, 30),
    ("local-300ms", "solo", 2, 1, 60),
    ("local-300ms", "solo", 4, 1, 120),
    ("sleep-300ms", "threads", 1, 16, 320),
    ("sleep-300ms", "threads", 2, 16, 480),
    ("", "solo", 1, 1, 100),
    ("", "solo", 2, 1, 200),
    ("", "solo", 4, 1, 200),
)
_image_numbers = iter(range(10_000, 60_000))  # past scenario 1's: every image is new


def _store_pending(count: int) -> list[uuid.UUID]:
    """Uploads stored through the product's service, with their publish held back so the clock
    can start with all of them queued at once."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from moderation import services

    owner, _ = get_user_model().objects.get_or_create(username="bench-throughput")
    numbers = [next(_image_numbers) for _ in range(count)]
    bodies = photo_jpegs(numbers[-1] + 1)[numbers[0] :]
    ids = []
    with mock.patch.object(services, "image_queue_analysis"):
        for body in bodies:
            upload = SimpleUploadedFile("photo.jpg", body, content_type="image/jpeg")
            ids.append(services.image_upload_create(owner=owner, upload=upload).id)
    return ids


def _drain(ids: list[uuid.UUID]) -> float:
    """Queue every item, wait until none is pending; seconds from the first publish to the
    last decision (decided_at, written by the workers)."""
    from django.db.models import Max

    from moderation import services
    from moderation.models import ImageUpload, ItemStatus

    started = time.time()
    for image_id in ids:
        services.image_queue_analysis(image_id=image_id)
    items = ImageUpload.objects.filter(id__in=ids)
    deadline = time.monotonic() + 600
    while items.filter(status=ItemStatus.PENDING).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("items still pending after 10 minutes")
        time.sleep(0.05)
    last = items.aggregate(last=Max("decided_at"))["last"]
    return last.timestamp() - started


def _local_model_seconds() -> float:
    """The real model's time per bench image in this process: its analyzer-bound latency."""
    from moderation.analyzers.base import ImageSource
    from moderation.analyzers.local import LocalImageAnalyzer

    analyzer = LocalImageAnalyzer()
    source = ImageSource("bench/photo.jpg", photo_jpegs(1)[0], "image/jpeg")
    analyzer.analyze(source, min_confidence=0)
    started = time.perf_counter()
    for _ in range(20):
        analyzer.analyze(source, min_confidence=0)
    return (time.perf_counter() - started) / 20


def throughput(data_dir: str, logs: Path) -> Table:
    model_seconds = _local_model_seconds()
    table = Table(
        "Pipeline throughput: upload to final state, against the analyzer-bound limit",
        [
            "Analyzer", "Pool", "Processes × concurrency", "Items", "Seconds", "Items/s",
            "Limit (concurrency / latency)", "Share of limit",
        ],
        notes=[
            "Items are stored first through the upload service (re-encoded, in quarantine), "
            "then all queued at once; the clock runs from the first publish to the last "
            "`decided_at`. Each worker decides, moves approved files and writes the audit.",
            f"300 ms analyzers: `local-300ms` runs the local model padded to "
            f"{LATENCY_SECONDS * 1000:.0f} ms; `sleep-300ms` only waits, as a worker does for "
            "Rekognition, which is where a threads pool pays off.",
            f"Real local model: {model_seconds * 1000:.0f} ms per 640×480 image measured in the "
            f"bench process; it is CPU-bound, so no more than {os.cpu_count()} cores "
            "can run it at once on this machine.",
        ],
    )  # fmt: skip
    for analyzer, pool, processes, concurrency, count in THROUGHPUT_RUNS:
        ids = _store_pending(count)
        env = procs.environment(data_dir, BENCH_ANALYZER=analyzer)
        procs.broker_flush()
        with procs.celery_workers(
            env, logs, processes=processes, pool=pool, concurrency=concurrency
        ):
            seconds = _drain(ids)
        latency = model_seconds if not analyzer else LATENCY_SECONDS
        limit = processes * concurrency / latency
        rate = count / seconds
        print(f"   {analyzer or 'local'} {pool} {processes}×{concurrency}: {rate:.1f} items/s")
        table.add(
            analyzer or "local (real model)", pool, f"{processes} × {concurrency}", count,
            fmt_float(seconds, 1), fmt_float(rate, 1), fmt_float(limit, 1),
            f"{rate / limit:.0%}",
        )  # fmt: skip
    return table
