"""Scenarios 1 and 2: upload latency against the synchronous baseline, and pipeline throughput
against the analyzer-bound limit. Real gunicorn, Celery workers, PostgreSQL and Redis."""

from __future__ import annotations

import logging
import os
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock

from bench import procs
from bench.analyzers import LATENCY_SECONDS
from bench.load import LoadResult, photo_jpegs, post_uploads
from bench.report import Table, fmt_float

if TYPE_CHECKING:
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Barrier

# Every bench image is numbered, and no number is used twice: an image the pipeline has seen
# before would reuse its analysis (sha256) instead of paying for the analyzer.
_next_image = 0


def _take(count: int) -> int:
    global _next_image
    start, _next_image = _next_image, _next_image + count
    return start


# Requests per concurrency level: enough for a p99 that is not just the maximum at c ≥ 8.
LEVELS = ((1, 30), (8, 160), (32, 320))
TARGET_RATIO = 10  # the queued p99 must be at least this many times lower at concurrency 8
API_PATH = "/api/v1/images/"


def _token() -> str:
    from django.contrib.auth import get_user_model

    from project.tokens import token_create

    user, _ = get_user_model().objects.get_or_create(username="bench-uploader")
    return token_create(user=user)[0]


def _run_levels(base_url: str, path: str, expect: int, token: str) -> dict[int, LoadResult]:
    warmup = photo_jpegs(2 * procs.GUNICORN_WORKERS, width=320, height=240)
    post_uploads(base_url + path, token, warmup, concurrency=procs.GUNICORN_WORKERS, expect=expect)
    results = {}
    for concurrency, count in LEVELS:
        bodies = photo_jpegs(count, start=_take(count))
        results[concurrency] = post_uploads(
            base_url + path, token, bodies, concurrency=concurrency, expect=expect
        )
        print(f"   {path} c={concurrency}: p99 {results[concurrency].percentile(99):.3f} s")
    return results


def upload_latency(data_dir: str, logs: Path) -> Table:
    token = _token()
    env = procs.environment(data_dir, BENCH_ANALYZER="local-300ms")
    designs: dict[str, dict[int, LoadResult]] = {}
    procs.broker_flush()
    with procs.celery_workers(env, logs, processes=2), procs.gunicorn(env, logs / "web.log") as url:
        designs["Queued, 2 workers on this machine"] = _run_levels(url, API_PATH, 202, token)
    procs.broker_flush()
    with procs.gunicorn(env, logs / "web.log") as url:
        designs["Queued, workers elsewhere"] = _run_levels(url, API_PATH, 202, token)
        designs["Synchronous baseline"] = _run_levels(url, "/bench/sync/images/", 200, token)
    procs.broker_flush()  # tasks nobody ran: the baseline had already decided its items

    sync = designs["Synchronous baseline"]
    table = Table(
        "Upload latency: queued analysis vs the synchronous baseline (300 ms analyzer)",
        ["Design", "Concurrency", "Requests", "p50 (ms)", "p99 (ms)", "Requests/s",
         "Sync p99 ÷ this p99"],
        notes=[
            f"gunicorn with {procs.GUNICORN_WORKERS} sync workers on loopback; "
            "`POST /api/v1/images/` with a distinct 640×480 JPEG (about 115 KB) each time, "
            "token auth; an asyncio client (httpx) keeps `concurrency` requests in flight, on "
            "the same machine.",
            "Queued: the product (validate, re-encode, store, answer 202; a Celery worker "
            "analyses). \"Workers elsewhere\": no worker ran on this machine during the "
            "measurement, as when workers scale out to other machines. Synchronous baseline: "
            "a bench-only view (`bench/urls.py`) that analyses before answering 200, as the "
            "seed design did.",
            f"Analyzer: the local Open-NSFW model padded to {LATENCY_SECONDS * 1000:.0f} ms "
            "(`bench/analyzers.py`). Target: the queued p99 at concurrency 8 at least "
            f"{TARGET_RATIO}× lower than the baseline's.",
        ],
    )  # fmt: skip
    for design, results in designs.items():
        for concurrency, count in LEVELS:
            result = results[concurrency]
            ratio = sync[concurrency].percentile(99) / result.percentile(99)
            verdict = ""
            if concurrency == 8 and results is not sync:
                verdict = " (target met)" if ratio >= TARGET_RATIO else " (target MISSED)"
            table.add(
                design, concurrency, count,
                fmt_float(result.median * 1000, 0), fmt_float(result.percentile(99) * 1000, 0),
                fmt_float(result.requests_per_second, 1),
                "" if results is sync else f"{ratio:.1f}×{verdict}",
            )  # fmt: skip
    errors = {
        f"{design} c={c} HTTP {status}": n
        for design, results in designs.items()
        for c, result in results.items()
        for status, n in result.errors.items()
    }
    listed = ", ".join(f"{name}: {n}" for name, n in errors.items())
    table.notes.append(f"Errors: {listed or 'none'}.")
    table.notes.append(_ceiling_note(designs["Queued, workers elsewhere"], sync))
    return table


def _ceiling_note(queued: dict[int, LoadResult], sync: dict[int, LoadResult]) -> str:
    """What bounds each design on this machine, in the run's own figures."""
    most = max(result.requests_per_second for result in queued.values())
    floor_ms = 8 / most * 1000
    return (
        f"What bounds each design here: a queued upload is CPU work (decode, re-encode without "
        f"metadata, store, two commits, publish), and this machine's {os.cpu_count()} cores, "
        f"shared with the load client, PostgreSQL and Redis, push at most about {most:.0f} "
        f"of them through per second. Eight in flight therefore wait about {floor_ms:.0f} ms "
        f"for each other whatever the analyzer does. The baseline is bound by the analyzer: "
        f"each of gunicorn's {procs.GUNICORN_WORKERS} workers is held "
        f"{LATENCY_SECONDS * 1000:.0f} ms or more per upload, so it serves about "
        f"{sync[8].requests_per_second:.0f} per second however many cores there are. The gap "
        f"grows with cores (the queued side scales with them, the baseline does not) and with "
        f"the analyzer's latency."
    )


# (analyzer, pool, worker processes, concurrency per process, items)
THROUGHPUT_RUNS = (
    ("local-300ms", "solo", 1, 1, 30),
    ("local-300ms", "solo", 2, 1, 60),
    ("local-300ms", "solo", 4, 1, 120),
    # Before the waiting runs: their limit is capped by what this one moves.
    ("instant", "threads", 2, 16, 960),
    ("sleep-300ms", "threads", 1, 16, 320),
    ("sleep-300ms", "threads", 2, 16, 480),
    ("", "solo", 1, 1, 100),
    ("", "solo", 2, 1, 200),
    ("", "solo", 4, 1, 200),
    ("instant", "solo", 1, 1, 300),
)
OVERHEAD_TARGET_MS = 15
OVERHEAD_TARGET_QUERIES = 5
MODEL_BOUND_IMAGES = 30  # per process, for the model-bound limit of the real-model runs


def _store_pending(count: int) -> list[uuid.UUID]:
    """Uploads stored through the product's service, with their publish held back so the clock
    can start with all of them queued at once."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from moderation.images import services

    owner, _ = get_user_model().objects.get_or_create(username="bench-throughput")
    bodies = photo_jpegs(count, start=_take(count))
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

    from moderation.images import services
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


def _analyse_stored(keys: list[str], ready: Barrier, results: Queue) -> None:
    """One process of the model-bound measurement: the real local analysis (the image model,
    then the reading and judging of text in the image) of stored files, as a worker runs it,
    with nothing of the pipeline around it. Runs in a spawned process."""
    import django

    django.setup()
    from django.core.files.storage import default_storage

    from moderation.images.analyzers.base import ImageSource
    from moderation.images.analyzers.local import LocalImageAnalyzer
    from moderation.images.text import image_text_findings

    analyzer = LocalImageAnalyzer()
    sources = []
    for key in keys:
        with default_storage.open(key, "rb") as stored:
            sources.append(ImageSource(key, stored.read(), "image/jpeg"))
    analyzer.analyze(sources[0], min_confidence=0)  # loads the models, as a worker's warm-up
    image_text_findings(sources[0])
    ready.wait()
    started = time.perf_counter()
    for source in sources:
        analyzer.analyze(source, min_confidence=0)
        image_text_findings(source)
    results.put(len(sources) / (time.perf_counter() - started))


def _model_bound_rate(ids: list[uuid.UUID], processes: int) -> float:
    """Items/s that `processes` processes reach doing only the real local analysis, all at
    once, on the run's own stored images: the limit the pipeline is measured against. Run
    side by side, the processes share the cores, caches and memory as the workers do."""
    import multiprocessing

    from moderation.models import ImageUpload

    keys = list(ImageUpload.objects.filter(id__in=ids).values_list("file_key", flat=True))
    share = max(1, min(MODEL_BOUND_IMAGES, len(keys) // processes))
    context = multiprocessing.get_context("spawn")  # not fork: onnxruntime keeps threads
    ready, results = context.Barrier(processes), context.Queue()
    children = [
        context.Process(
            target=_analyse_stored, args=(keys[n * share : (n + 1) * share], ready, results)
        )
        for n in range(processes)
    ]
    for child in children:
        child.start()
    rate = sum(results.get(timeout=600) for _ in children)
    for child in children:
        child.join()
    return rate


def _queries_per_item(count: int = 50) -> float:
    """Queries of the whole task per item, counted in this process with an analyzer that answers
    at once (the worker runs the same code)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.analyzers import Instant
    from moderation.images import services
    from moderation.images.tasks import analyze_image

    ids = _store_pending(count + 1)
    # Celery logs every task it runs at INFO: one line per measurement on the console.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    with mock.patch.object(services, "get_image_analyzer", return_value=Instant()):
        analyze_image.apply(args=(str(ids[0]),))  # the process's first item reads the policy
        with CaptureQueriesContext(connection) as queries:
            for image_id in ids[1:]:
                analyze_image.apply(args=(str(image_id),))
    return len(queries) / count


def throughput(data_dir: str, logs: Path) -> Table:
    queries = _queries_per_item()
    ceiling = 0.0  # items/s of the instant threads run, which comes before the waiting ones
    table = Table(
        "Pipeline throughput: upload to final state, against the analyzer-bound limit",
        [
            "Analyzer", "Pool", "Processes × concurrency", "Items", "Seconds", "Items/s",
            "Limit (items/s)", "Share of limit", "Worker CPU / item (ms)",
            "Queries / item",
        ],
        notes=[
            "Items are stored first through the upload service (re-encoded, in quarantine), "
            "then all queued at once; the clock runs from the first publish to the last "
            "`decided_at`. Each worker decides, moves approved files and writes the audit.",
            f"300 ms analyzers: `local-300ms` runs the local model padded to "
            f"{LATENCY_SECONDS * 1000:.0f} ms; `sleep-300ms` only waits, as a worker does for "
            "Rekognition, which is where a threads pool pays off. Their limit is processes × "
            "concurrency ÷ 300 ms.",
            "Real local analysis, as the product runs it by default: the image model, then the "
            "reading and judging of text in the image. Its limit is measured, not computed: "
            "just before each run, as many processes as the run has workers analyse the run's "
            f"own stored images (up to {MODEL_BOUND_IMAGES} each) side by side, with nothing "
            "of the pipeline around them; their items/s together is the limit. Both models "
            f"are CPU-bound, so no more than {os.cpu_count()} cores can run them at once on "
            "this machine. The padded, waiting and instant analyzers stand for the whole "
            "analysis, so those runs read no text (`IMAGE_TEXT_ENABLED=0`).",
        ],
    )  # fmt: skip
    for analyzer, pool, processes, concurrency, count in THROUGHPUT_RUNS:
        ids = _store_pending(count)
        model_bound = _model_bound_rate(ids, processes) if not analyzer else 0.0
        env = procs.environment(data_dir, BENCH_ANALYZER=analyzer)
        procs.broker_flush()
        with procs.celery_workers(
            env, logs, processes=processes, pool=pool, concurrency=concurrency
        ) as workers:
            pids = [worker.pid for worker in workers]
            cpu_before = procs.cpu_seconds(pids)
            seconds = _drain(ids)
            cpu_ms = (procs.cpu_seconds(pids) - cpu_before) / count * 1000
        rate = count / seconds
        if analyzer == "instant" and pool == "threads":
            # Nothing to wait for: what the pipeline itself moves on this machine's cores.
            print(f"   instant {pool} {processes}×{concurrency}: {rate:.1f} items/s (ceiling)")
            table.add(
                "none: the machine's ceiling", pool, f"{processes} × {concurrency}", count,
                fmt_float(seconds, 1), fmt_float(rate, 1), "", "", "", "",
            )  # fmt: skip
            ceiling = rate
            continue
        if analyzer == "instant":
            verdict = (
                "met"
                if cpu_ms <= OVERHEAD_TARGET_MS and queries <= OVERHEAD_TARGET_QUERIES
                else "MISSED"
            )
            print(
                f"   overhead per item: {cpu_ms:.1f} ms CPU, {queries:.1f} queries "
                f"({rate:.1f} items/s, target {verdict})"
            )
            table.add(
                f"none: overhead per item (target ≤ {OVERHEAD_TARGET_MS} ms, "
                f"≤ {OVERHEAD_TARGET_QUERIES} queries: {verdict})",
                pool, f"{processes} × {concurrency}", count, fmt_float(seconds, 1),
                fmt_float(rate, 1), "", "", fmt_float(cpu_ms, 1), fmt_float(queries, 1),
            )  # fmt: skip
            continue
        limit = model_bound or processes * concurrency / LATENCY_SECONDS
        shown = fmt_float(limit, 1)
        if pool == "threads" and ceiling and limit > ceiling:
            # Past the machine's ceiling the cores bound the run, not the analyzer.
            limit = ceiling
            shown += f" → {fmt_float(limit, 1)} (ceiling)"
        print(
            f"   {analyzer or 'local'} {pool} {processes}×{concurrency}: {rate:.1f} items/s "
            f"({rate / limit:.0%} of {limit:.1f})"
        )
        table.add(
            analyzer or "local (real model)", pool, f"{processes} × {concurrency}", count,
            fmt_float(seconds, 1), fmt_float(rate, 1), shown,
            f"{rate / limit:.0%}", fmt_float(cpu_ms, 1) if pool == "solo" else "", "",
        )  # fmt: skip
    cores = os.cpu_count() or 1
    table.notes.append(
        f"The machine's ceiling: with an analyzer that answers at once, 2 × 16 threads moved "
        f"{ceiling:.0f} items/s, the pipeline's own cost on {cores} cores shared with "
        "PostgreSQL, Redis and the bench itself. A threads run whose concurrency ÷ latency is "
        "above it is bound by the cores, not the analyzer, and its share is of the ceiling "
        "(shown as “→ ceiling”). More worker processes then only share the same cores; more "
        "machines add to them."
    )
    table.notes.append(
        "Worker CPU / item: user and system CPU time of the worker processes (from /proc) over "
        "the run, divided by the items; counters, so a loaded machine disturbs them less than "
        "the clock. With the real model it includes the analysis; the overhead row's analyzer "
        "(`instant`) answers at once, so its figure is the worker's cost beyond the analysis: "
        "Celery receiving and acknowledging the task, the claim, reading the policy (cached by "
        "the process), the decision with its audit row, moving the approved file. Queries / "
        "item: every statement of the task (BEGIN and COMMIT included), counted in the bench "
        "process on the same code."
    )
    table.notes.append(
        "Prefork and threads pools: only the solo runs report CPU (a pool's processes are "
        "children the parent has not waited for)."
    )
    return table
