"""Scenario 12: where a queued upload's CPU goes, from cProfile over uploads made in process.

The whole request as gunicorn's worker runs it (middleware, DRF with token auth and the upload
budgets, decoding and re-encoding, sha256, storage, the row, publishing the task), through
Django's test client, which skips only the socket and the WSGI server."""

from __future__ import annotations

import cProfile
import pstats
import time
from pathlib import Path

from bench.load import photo_jpegs
from bench.report import Table, fmt_float

UPLOADS = 100
ROOT = Path(__file__).resolve().parent.parent
TOP = 12


def _where(filename: str) -> str:
    path = Path(filename)
    if "site-packages" in path.parts:
        return "/".join(path.parts[path.parts.index("site-packages") + 1 :])
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return path.name or filename


def _is_ours(filename: str) -> bool:
    return filename.startswith(str(ROOT)) and not any(
        part in filename for part in ("/.venv/", "site-packages", "/bench/")
    )


def run() -> list[Table]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from bench.pipeline import _take, _token

    token = _token()
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    bodies = photo_jpegs(UPLOADS + 10, start=_take(UPLOADS + 10))

    def post(body: bytes) -> None:
        upload = SimpleUploadedFile("photo.jpg", body, content_type="image/jpeg")
        response = client.post("/api/v1/images/", {"image": upload})
        if response.status_code != 202:
            raise RuntimeError(f"upload answered {response.status_code}: {response.content!r}")

    for body in bodies[:10]:  # warm: imports, connections, the first token lookup
        post(body)
    # CPU time, not the clock: waits for PostgreSQL and Redis cost the web process nothing.
    profile = cProfile.Profile(time.process_time)
    cpu_started, started = time.process_time(), time.perf_counter()
    profile.enable()
    for body in bodies[10:]:
        post(body)
    profile.disable()
    cpu_ms = (time.process_time() - cpu_started) / UPLOADS * 1000
    wall_ms = (time.perf_counter() - started) / UPLOADS * 1000
    print(f"   upload profile: {cpu_ms:.1f} ms CPU per upload under cProfile ({wall_ms:.1f} ms)")

    stats = pstats.Stats(profile)
    rows = stats.stats  # type: ignore[attr-defined]
    own = sorted(rows.items(), key=lambda item: item[1][2], reverse=True)[:TOP]
    ours = sorted(
        (item for item in rows.items() if _is_ours(item[0][0])),
        key=lambda item: item[1][3],
        reverse=True,
    )[:TOP]
    notes = [
        f"{UPLOADS} uploads of distinct 640×480 photo-like JPEGs (about 115 KB) through "
        "`POST /api/v1/images/` with token auth, in the bench process, after 10 warm-up "
        f"uploads. Under the profiler a request took {cpu_ms:.1f} ms of CPU "
        f"({wall_ms:.1f} ms of wall time); cProfile adds its own cost to every Python call, "
        "so the shares matter, not the sums.",
    ]
    by_self = Table(
        "Upload profile: functions by own time",
        ["Function", "Where", "Calls / upload", "Own ms / upload", "Share of CPU"],
        notes=notes,
    )
    for (filename, line, name), (_, calls, tottime, _cum, _) in own:
        by_self.add(
            f"`{name}`", f"{_where(filename)}:{line}", fmt_float(calls / UPLOADS, 1),
            fmt_float(tottime / UPLOADS * 1000, 2), f"{tottime / UPLOADS * 1000 / cpu_ms:.0%}",
        )  # fmt: skip
    by_stage = Table(
        "Upload profile: the project's functions by cumulative time",
        ["Function", "Where", "Cumulative ms / upload", "Share of CPU"],
        notes=[
            "Cumulative: the function and everything it calls, so nested rows overlap "
            "(`image_upload_create` includes `process_upload`)."
        ],
    )
    for (filename, line, name), (_, _calls, _tot, cumtime, _) in ours:
        by_stage.add(
            f"`{name}`", f"{_where(filename)}:{line}", fmt_float(cumtime / UPLOADS * 1000, 2),
            f"{cumtime / UPLOADS * 1000 / cpu_ms:.0%}",
        )  # fmt: skip
    return [by_self, by_stage]
