"""The bench's own PostgreSQL database, Redis databases, gunicorn and Celery worker processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def database_name() -> str:
    # The load test sets its own, so it can run while a bench run holds vakt_bench.
    return os.environ.get("BENCH_DATABASE", "vakt_bench")


# Redis databases 4 and 5: away from development (0) and the test suite (14, 15).
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/5")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/4")
GUNICORN_WORKERS = 2 * (os.cpu_count() or 1) + 1  # gunicorn's own rule of thumb


def environment(data_dir: str, **extra: str) -> dict[str, str]:
    """What the bench process and its children run with: no developer or AWS settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AWS_", "DATABASE_", "CELERY_", "BENCH_ANALYZER"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"{PG_SERVER}/{database_name()}",
        CELERY_BROKER_URL=BROKER_URL,
        CACHE_URL=CACHE_URL,
        VAKT_DATA_DIR=data_dir,
        DEBUG="false",
        UPLOAD_RATE="1000000/second",
        FEEDBACK_RATE="1000000/second",
        # Every bench request comes from 127.0.0.1: the per-address budgets would stop them.
        UPLOAD_ADDRESS_RATE="1000000/second",
        FEEDBACK_ADDRESS_RATE="1000000/second",
        # Dummy credentials: nothing in the bench may reach a real AWS account.
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    # A stand-in analyzer (padded, waiting, instant, held) stands for the whole analysis, so
    # its workers read no text in the images; the real local analysis reads it, as by default.
    if extra.get("BENCH_ANALYZER"):
        env["IMAGE_TEXT_ENABLED"] = "0"
    env.update(extra)
    return env


def database_create() -> None:
    """A fresh, empty bench database (dropped first if an earlier run left one)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name()}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database_name()}"')


def database_drop() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name()}" WITH (FORCE)')


def broker_flush() -> None:
    import redis

    for url in (BROKER_URL, CACHE_URL):
        redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(check: object, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s")


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn with sync workers on a free loopback port; yields the base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "project.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(GUNICORN_WORKERS),
        "--backlog", "256",
        "--timeout", "120",
    ]  # fmt: skip
    with log.open("ab") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: _port_open(port), "gunicorn")
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop([proc])


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes (and their waited-for children) have used so far,
    from /proc: counters, so a loaded machine changes them far less than wall-clock time."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat", encoding="ascii") as file:
            fields = file.read().rsplit(")", 1)[1].split()
        # utime, stime, cutime, cstime: fields 14-17 of stat(5), counted after the name.
        total += sum(int(value) for value in fields[11:15])
    return total / ticks


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def celery_workers(
    env: dict[str, str], log_dir: Path, *, processes: int, pool: str = "solo", concurrency: int = 1
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`processes` Celery workers on every queue, each its own OS process; yields them once all
    of them said they are ready."""
    procs: list[subprocess.Popen[bytes]] = []
    logs = [log_dir / f"worker-{pool}-{processes}x{concurrency}-{n}.log" for n in range(processes)]
    for n, log in enumerate(logs):
        log.unlink(missing_ok=True)
        command = [
            sys.executable, "-m", "celery", "-A", "project", "worker",
            "--hostname", f"bench{n}@%h",
            "--queues", "default,images,text",
            "--pool", pool, "--concurrency", str(concurrency),
            "--loglevel", "INFO",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        with log.open("ab") as out:
            procs.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            )
    try:
        _wait(lambda: all(" ready." in log.read_text(errors="replace") for log in logs), "workers")
        yield procs
    finally:
        _stop(procs)
