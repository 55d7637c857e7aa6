"""`python -m bench`: run every scenario, print the tables, write docs/BENCHMARKS.md.

`python -m bench 1 3` runs only those scenarios and prints them without writing the file;
`python -m bench 7 --write` also replaces (or appends) just those scenarios' sections in it.
Uses a throwaway PostgreSQL database (`vakt_bench`), Redis databases 4 and 5, and a temporary
data directory: never the developer's. BENCH_DATABASE, BENCH_BROKER_URL and BENCH_CACHE_URL
choose others (e.g. to run beside another bench on the same servers).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import procs
from bench.report import Table

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "BENCHMARKS.md"
COMMAND = "make bench  (./bin/bench: starts PostgreSQL and Redis if needed, then python -m bench)"


def setup_django(data_dir: str) -> None:
    os.environ.update(procs.environment(data_dir))
    import django
    from django.core.management import call_command

    procs.database_create()
    django.setup()
    call_command("migrate", verbosity=0)
    # DEBUG is off, as in production: pages need the hashed static files.
    call_command("collectstatic", interactive=False, verbosity=0)


def _proc_value(path: str, key: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            for line in file:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return "unknown"


def machine() -> list[str]:
    mem_kib = _proc_value("/proc/meminfo", "MemTotal").split()[0]
    ram = f"{int(mem_kib) / 1024**2:.1f} GiB" if mem_kib.isdigit() else "unknown"
    return [
        f"- CPU: {_proc_value('/proc/cpuinfo', 'model name')}",
        f"- Cores (os.cpu_count()): {os.cpu_count()}",
        f"- RAM: {ram}",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
    ]


def render(sections: list[tuple[str, list[Table]]], seconds: float) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "Figures, not tests: produced by `python -m bench`, which writes this file.",
        "",
        f"- Date: {now}",
        f"- Command: `{COMMAND}`",
        f"- Run time: {seconds:.0f} s",
        *machine(),
        f"- PostgreSQL {pg_version()}, Redis {redis_version()}, all on this machine (loopback)",
        "",
    ]
    lines.extend(section(heading, tables) for heading, tables in sections)
    return "\n".join(lines)


def pg_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0]).split()[0]


def redis_version() -> str:
    import redis

    return str(redis.Redis.from_url(procs.BROKER_URL).info()["redis_version"])


def scenarios(data_dir: str, logs: Path) -> dict[str, Callable[[], list[Table]]]:
    from bench import (
        aws_quota,
        comprehend,
        hash_bank,
        image_text,
        latency,
        local_models,
        pipeline,
        queue_scale,
        recovery,
        replay,
        text_quality,
        upload_profile,
    )

    return {
        "1": lambda: [pipeline.upload_latency(data_dir, logs)],
        "2": lambda: [pipeline.throughput(data_dir, logs)],
        "3": queue_scale.run,
        "4": lambda: [replay.run()],
        "5": comprehend.run,
        "6": local_models.run,
        "7": text_quality.run,
        "8": lambda: [recovery.run(data_dir, logs)],
        "9": hash_bank.run,
        "10": image_text.run,
        "11": aws_quota.run,
        "12": upload_profile.run,
        "13": lambda: [latency.run(data_dir, logs)],
    }


HEADINGS = {
    "1": "1. Upload latency vs the synchronous baseline",
    "2": "2. Pipeline throughput",
    "3": "3. Review queue at scale",
    "4": "4. Policy replay",
    "5": "5. Comprehend and Translate calls per message",
    "6": "6. Local models",
    "7": "7. Text analysis quality",
    "8": "8. Recovery from a dead worker",
    "9": "9. Hash bank of known-bad images",
    "10": "10. Text inside images",
    "11": "11. AWS quotas: a shared rate limit",
    "12": "12. Where an upload's CPU goes",
    "13": "13. End-to-end latency",
}
# Local models first, so their RSS is not inflated by the rows and workers of the others; text
# quality last, so its language models (about 1 GB) are not in memory while the others run.
ORDER = ("6", "4", "5", "3", "9", "12", "1", "2", "13", "8", "11", "10", "7")
WRITE = "--write"


def section(heading: str, tables: list[Table]) -> str:
    return "\n".join([f"## {heading}", "", *(table.markdown() for table in tables)])


def write_sections(sections: list[tuple[str, list[Table]]]) -> None:
    """Replaces each scenario's section of docs/BENCHMARKS.md (from its `## ` heading to the
    next one), or appends it; the rest of the file is left as the last full run wrote it."""
    text = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else "# Benchmarks\n"
    for heading, tables in sections:
        new = section(heading, tables)
        lines = text.split("\n")
        start = next((i for i, line in enumerate(lines) if line == f"## {heading}"), None)
        if start is None:
            text = text.rstrip("\n") + "\n\n" + new
            continue
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        tail = lines[end:]
        text = "\n".join([*lines[:start], new.rstrip("\n"), *([""] if tail else []), *tail])
    OUTPUT.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def settle() -> None:
    """Before each scenario: vacuum and analyse what the last one left (a million bank entries,
    a queue at scale), so PostgreSQL's autovacuum does not do it during the next one's timings."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def main(argv: list[str]) -> int:
    write = WRITE in argv
    chosen = [arg for arg in argv if arg != WRITE]
    wanted = chosen or list(ORDER)
    if unknown := set(wanted) - set(HEADINGS):
        print(f"unknown scenario {sorted(unknown)}; choose from 1–13", file=sys.stderr)
        return 2
    started = time.perf_counter()
    data_dir = tempfile.mkdtemp(prefix="vakt-bench-")
    logs = Path(data_dir) / "logs"
    logs.mkdir()
    setup_django(data_dir)
    results: dict[str, list[Table]] = {}
    try:
        runs = scenarios(data_dir, logs)
        for number in (n for n in ORDER if n in wanted):
            print(f"== {HEADINGS[number]}", file=sys.stderr, flush=True)
            settle()
            results[number] = runs[number]()
            for table in results[number]:
                print(table.markdown(), flush=True)
        sections = [(HEADINGS[n], results[n]) for n in sorted(results, key=int)]
        if not chosen:
            text = render(sections, time.perf_counter() - started)
            OUTPUT.write_text(text, encoding="utf-8")
            print(f"Wrote {OUTPUT.relative_to(ROOT)}", file=sys.stderr)
        elif write:
            write_sections(sections)
            print(
                f"Wrote scenarios {', '.join(sorted(results))} into {OUTPUT.name}", file=sys.stderr
            )
    finally:
        procs.broker_flush()
        procs.database_drop()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
