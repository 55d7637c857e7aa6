"""`python -m bench`: run every scenario, print the tables, write docs/BENCHMARKS.md.

Uses a throwaway SQLite database and data directory, never the developer's.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Table

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "BENCHMARKS.md"
DATABASE = Path("/tmp/vakt-bench.sqlite3")  # noqa: S108 — a throwaway file by design
DATA_DIR = tempfile.mkdtemp(prefix="vakt-bench-")
COMMAND = ".venv/bin/python -m bench  (from the project root; make bench)"
NOT_YET = (
    "Not yet measured: upload latency vs synchronous baseline, pipeline throughput with "
    "1/2/4 workers, review queue at 100k/1M on PostgreSQL."
)


def setup_django() -> None:
    DATABASE.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "project.settings"
    os.environ["VAKT_DATA_DIR"] = DATA_DIR
    # Dummy credentials: the Comprehend scenario must never reach a real account.
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        del os.environ[name]
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"  # noqa: S105
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


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
        "- Database: a throwaway SQLite file (`/tmp/vakt-bench.sqlite3`)",
        "",
    ]
    for heading, tables in sections:
        lines.extend([f"## {heading}", ""])
        lines.extend(table.markdown() for table in tables)
    lines.extend(["## Not yet measured", "", NOT_YET, ""])
    return "\n".join(lines)


def main() -> int:
    started = time.perf_counter()
    setup_django()
    from bench import comprehend, local_models, replay

    # Local models first, so their RSS is not inflated by the replay's 100,000 rows.
    results: dict[str, list[Table]] = {}
    for heading, run in (
        ("3. Local models", local_models.run),
        ("1. Policy replay", lambda: [replay.run()]),
        ("2. Comprehend calls per message", comprehend.run),
    ):
        print(f"== {heading}", file=sys.stderr, flush=True)
        results[heading] = run()
        for table in results[heading]:
            print(table.markdown(), flush=True)
    sections = sorted(results.items())
    OUTPUT.write_text(render(sections, time.perf_counter() - started), encoding="utf-8")
    print(f"Wrote {OUTPUT.relative_to(ROOT)}", file=sys.stderr)
    DATABASE.unlink(missing_ok=True)
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
