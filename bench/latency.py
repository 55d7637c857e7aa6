"""Scenario 13: end-to-end latency, from the upload's request to the item's final status, at
50 % and 90 % of the pipeline's capacity (300 ms waiting analyzer, threads pool)."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from pathlib import Path

from bench import procs
from bench.analyzers import LATENCY_SECONDS
from bench.load import photo_jpegs
from bench.pipeline import API_PATH, _drain, _store_pending, _take, _token
from bench.report import Table, fmt_float

PROCESSES, CONCURRENCY = 1, 16
CAPACITY_ITEMS = 240
SECONDS = 15.0
LOADS = (0.5, 0.9)


async def _open_loop(url: str, token: str, bodies: list[bytes], rate: float) -> list[str]:
    """POST the bodies at a fixed rate whatever the answers take (an open loop: a slow answer
    does not slow the arrivals); returns the ids of the accepted uploads."""
    import httpx

    headers = {"Authorization": f"Token {token}"}
    ids: list[str] = []
    started = time.perf_counter()

    async def one(http: httpx.AsyncClient, n: int, body: bytes) -> None:
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        response = await http.post(
            url, files={"image": ("photo.jpg", body, "image/jpeg")}, headers=headers
        )
        if response.status_code == 202:
            ids.append(response.json()["id"])

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=300, limits=limits) as http:
        await asyncio.gather(*(one(http, n, body) for n, body in enumerate(bodies)))
    return ids


def _latencies(ids: list[str]) -> list[float]:
    from moderation.models import ImageUpload, ItemStatus

    items = ImageUpload.objects.filter(id__in=[uuid.UUID(i) for i in ids])
    deadline = time.monotonic() + 600
    while items.filter(status=ItemStatus.PENDING).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("items still pending after 10 minutes")
        time.sleep(0.1)
    rows = items.values_list("created_at", "decided_at")
    return [(decided - created).total_seconds() for created, decided in rows if decided]


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]


def run(data_dir: str, logs: Path) -> Table:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    token = _token()
    env = procs.environment(data_dir, BENCH_ANALYZER="sleep-300ms")
    table = Table(
        "End-to-end latency: upload to final status (300 ms waiting analyzer, threads pool)",
        ["Load", "Uploads/s offered", "Items", "p50 (ms)", "p99 (ms)", "Max (ms)"],
        notes=[],
    )
    procs.broker_flush()
    ids = _store_pending(CAPACITY_ITEMS)
    with procs.celery_workers(
        env, logs, processes=PROCESSES, pool="threads", concurrency=CONCURRENCY
    ):
        capacity = CAPACITY_ITEMS / _drain(ids)
    print(f"   pipeline capacity: {capacity:.1f} items/s")
    with (
        procs.celery_workers(
            env, logs, processes=PROCESSES, pool="threads", concurrency=CONCURRENCY
        ),
        procs.gunicorn(env, logs / "web.log") as url,
    ):
        for share in LOADS:
            rate = share * capacity
            count = round(rate * SECONDS)
            bodies = photo_jpegs(count, start=_take(count))
            accepted = asyncio.run(_open_loop(url + API_PATH, token, bodies, rate))
            found = _latencies(accepted)
            p50, p99 = statistics.median(found) * 1000, _percentile(found, 99) * 1000
            print(f"   latency at {share:.0%} of capacity: p50 {p50:.0f} ms, p99 {p99:.0f} ms")
            table.add(
                f"{share:.0%} of capacity", fmt_float(rate, 1), len(found), fmt_float(p50, 0),
                fmt_float(p99, 0), fmt_float(max(found) * 1000, 0),
            )  # fmt: skip
    table.notes.extend(
        [
            f"Capacity: {capacity:.1f} items/s, measured first by draining {CAPACITY_ITEMS} "
            f"stored items with the same workers ({PROCESSES} × {CONCURRENCY} threads, "
            f"analyzer waiting {LATENCY_SECONDS * 1000:.0f} ms), as in scenario 2.",
            f"Uploads: `POST {API_PATH}` through gunicorn on this machine, at a fixed rate for "
            f"{SECONDS:.0f} s whatever the answers take (an open loop). Latency: the row's "
            "`decided_at` minus its `created_at` (written inside the upload's request), so the "
            "analyzer's 300 ms is its floor; uploads and workers share the machine's cores.",
        ]
    )
    return table
