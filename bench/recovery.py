"""Scenario 8: how long an item whose worker dies mid-analysis stays pending, with the default
settings (heartbeat, its TTL, the liveness job's interval, the broker's visibility timeout).

Two prefork workers and beat run as in production, each worker in a process group of its own.
An upload's analysis is held (bench.analyzers.Held) until the worker running it is
- killed with SIGKILL, the worker and its pool together (a lost host, an OOM kill of the
  container), or
- frozen with SIGSTOP (a stalled VM), then woken with SIGCONT once its item was decided
  elsewhere, to check that its late answer changes nothing.
The clock runs from the signal to the decision the other worker writes (decided_at).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import procs
from bench.load import photo_jpegs
from bench.report import Table, fmt_float

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
_next_image = 10_000_000  # apart from the numbers the other scenarios use


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own: the worker and its pool die together
        )


@contextmanager
def _cluster(env: dict[str, str], logs: Path, run: str) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Two prefork workers (one pool process each) and beat, with the product's timers."""
    worker_logs = [logs / f"recovery-{run}-worker{n}.log" for n in range(2)]
    started = [
        _spawn(
            [sys.executable, "-m", "celery", "-A", "project", "worker",
             "--hostname", f"recovery{n}@%h", "--queues", "default,images,text",
             "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO"],
            env,
            log,
        )
        for n, log in enumerate(worker_logs)
    ]  # fmt: skip
    beat = _spawn(
        [sys.executable, "-m", "celery", "-A", "project", "beat", "--loglevel", "INFO",
         "--schedule", str(logs / f"recovery-{run}-beat-schedule")],
        env,
        logs / f"recovery-{run}-beat.log",
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not all(" ready." in log.read_text(errors="replace") for log in worker_logs):
            if time.monotonic() > deadline:
                raise RuntimeError("workers did not start")
            time.sleep(0.1)
        yield started
    finally:
        for proc in [*started, beat]:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGCONT)
                proc.terminate()
        for proc in [*started, beat]:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _upload() -> uuid.UUID:
    global _next_image
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from moderation.images import services

    owner, _ = get_user_model().objects.get_or_create(username="bench-recovery")
    [body] = photo_jpegs(1, start=_next_image, width=320, height=240)
    _next_image += 1
    upload = SimpleUploadedFile("photo.jpg", body, content_type="image/jpeg")
    return services.image_upload_create(owner=owner, upload=upload).id


def _wait(check: object, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.05)


def _one_run(case: str, data_dir: str, logs: Path, run: int) -> float:
    """Seconds from the signal to the decision, and what the checks found."""
    from moderation.models import AuditEvent, ImageUpload, ItemStatus

    hold_dir = Path(data_dir) / f"hold-{case}-{run}"
    hold_dir.mkdir()
    env = procs.environment(data_dir, BENCH_ANALYZER="held", BENCH_HOLD_DIR=str(hold_dir))
    with _cluster(env, logs, f"{case}-{run}") as workers:
        (hold_dir / "hold").touch()
        item_id = _upload()
        _wait(lambda: any(hold_dir.glob("started-*")), "the analysis to start", 60)
        [record] = hold_dir.glob("started-*")
        group = os.getpgid(int(record.name.split("-")[1]))
        [victim] = [worker for worker in workers if worker.pid == group]
        signalled = time.time()
        os.killpg(group, signal.SIGKILL if case == "kill" else signal.SIGSTOP)
        (hold_dir / "hold").unlink()
        item = ImageUpload.objects.filter(id=item_id)
        _wait(lambda: not item.filter(status=ItemStatus.PENDING).exists(), "the decision", 600)
        decided_at = item.get().decided_at
        if decided_at is None:
            raise RuntimeError(f"{case} run {run}: decided without a time")
        seconds = decided_at.timestamp() - signalled
        if case == "freeze":
            os.killpg(group, signal.SIGCONT)
            # Its held analysis returns and tries to decide; the worker then logs the task done.
            log = logs / f"recovery-{case}-{run}-worker{workers.index(victim)}.log"
            _wait(lambda: _analysis_done(log), "the late task", 120)
        events = AuditEvent.objects.filter(item_id=item_id).count()
        copies = sorted(p.name for p in (Path(data_dir) / "media").rglob(f"{item_id}*"))
        final = item.get()
        ok = events == 1 and final.status == ItemStatus.APPROVED and len(copies) == 1
        found = f"{final.status}, {events} decision, {len(copies)} copy, {final.attempts} runs"
        print(f"   {case} run {run}: {seconds:.1f} s ({found})", file=sys.stderr, flush=True)
        if not ok:
            raise RuntimeError(f"{case} run {run}: {found}")
    return seconds


def _analysis_done(log: Path) -> bool:
    return any(
        "moderation.tasks.analyze_image[" in line and "succeeded" in line
        for line in log.read_text(errors="replace").splitlines()
    )


def run(data_dir: str, logs: Path) -> Table:
    from django.conf import settings

    procs.broker_flush()
    table = Table(
        "Dead worker recovery with the default settings (2 prefork workers, beat)",
        ["Case", "Runs", "Min (s)", "Median (s)", "Max (s)"],
        notes=[
            f"Timers: heartbeat every {settings.WORKER_HEARTBEAT_SECONDS} s, a process counts "
            f"as dead {settings.WORKER_HEARTBEAT_TTL_SECONDS} s after its last one, the "
            f"liveness job runs every {settings.DEAD_WORKER_CHECK_SECONDS} s; the broker's "
            f"visibility timeout ({settings.BROKER_VISIBILITY_TIMEOUT} s) plays no part.",
            "Time from the signal to the surviving worker's decision. Expected: up to "
            f"{settings.WORKER_HEARTBEAT_TTL_SECONDS + settings.DEAD_WORKER_CHECK_SECONDS} s "
            "(TTL + job interval) plus one analysis; the spread is where the death falls "
            "between heartbeats and job runs. The target is 120 s.",
            "Every run is checked: approved, one machine decision in the audit log, the file "
            "in one place. The frozen worker is woken after the decision; its late answer "
            "loses (decided once).",
        ],
    )
    for case, label in (("kill", "SIGKILL, worker and pool"), ("freeze", "SIGSTOP, then SIGCONT")):
        times = [_one_run(case, data_dir, logs, n) for n in range(RUNS)]
        table.add(
            label,
            RUNS,
            fmt_float(min(times), 1),
            fmt_float(statistics.median(times), 1),
            fmt_float(max(times), 1),
        )
    procs.broker_flush()
    return table
