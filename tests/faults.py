"""Test doubles for the fault tests, loaded by worker processes through tests/settings.py.

Both keep their state in files, so the test and every worker process see the same thing.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

from celery import current_task
from django.db import connection

from moderation.images.analyzers.base import ImageAnalysis, ImageSource, ModerationLabel
from project.files import PrivateFileSystemStorage

# Folder shared by the test and its workers (env var, set by the test for its workers).
GATE_DIR_ENV = "VAKT_TEST_GATE_DIR"
FLAKY_STORAGE_ENV = "VAKT_TEST_FLAKY_STORAGE"


def _take_token(path: Path) -> bool:
    """Create `path` unless it exists: true for exactly one caller, across processes."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


class GatedImageAnalyzer:
    """Always the same answer (a low `Explicit` score: approve), after writing down who runs
    it. While the gate folder holds a `hold` file, the first analysis to start waits until the
    file is removed, so a test can kill its worker or drop its database connection mid-way."""

    name = "test-gated"

    def __init__(self) -> None:
        self.gate = Path(os.environ[GATE_DIR_ENV])

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend_pid,) = cursor.fetchone()
        hold = self.gate / "hold"
        held = hold.exists() and _take_token(self.gate / "held")
        record = {
            "task_id": current_task.request.id if current_task else None,
            "pid": os.getpid(),
            "backend_pid": backend_pid,
            "key": source.key,
            "held": held,
            "at": time.time(),
        }
        scratch = self.gate / f".{uuid.uuid4().hex}"
        scratch.write_text(json.dumps(record))
        scratch.rename(self.gate / f"started-{uuid.uuid4().hex}.json")
        while held and hold.exists():
            time.sleep(0.05)
        return ImageAnalysis(
            labels=(ModerationLabel(name="Explicit", confidence=1.0),),
            analyzer=self.name,
            model_version="1",
        )


def analyses_started(gate: Path) -> list[dict[str, Any]]:
    """What GatedImageAnalyzer wrote down, oldest first."""
    records = [json.loads(path.read_text()) for path in gate.glob("started-*.json")]
    return sorted(records, key=lambda record: record["at"])


class FlakyStorage(PrivateFileSystemStorage):
    """The local storage with a bad minute: the first N saves (or deletes) of names under a
    prefix fail. A failed save leaves half the file behind, as a crash mid-write would.

    `fail_saves` / `fail_deletes` map a name prefix to how many operations fail; the budget is
    spent by creating files in `budget_dir`, so every process draws from the same one."""

    def __init__(
        self,
        *,
        budget_dir: str,
        fail_saves: dict[str, int] | None = None,
        fail_deletes: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.budget_dir = Path(budget_dir)
        self.fail_saves = fail_saves or {}
        self.fail_deletes = fail_deletes or {}

    def _should_fail(self, operation: str, name: str, budget: dict[str, int]) -> bool:
        for prefix, count in budget.items():
            if name.startswith(prefix):
                slug = f"{operation}-{prefix.replace('/', '_')}"
                return any(_take_token(self.budget_dir / f"{slug}-{n}") for n in range(count))
        return False

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        if name and self._should_fail("save", name, self.fail_saves):
            target = Path(self.path(self.get_available_name(name, max_length)))
            data = content.read()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data[: len(data) // 2])
            raise OSError(f"injected failure saving {name}")
        return super().save(name, content, max_length)

    def copy(self, source: str, target: str) -> None:
        # A copy inside the storage is a save of the target: it fails the same way, half-done.
        if self._should_fail("save", target, self.fail_saves):
            data = Path(self.path(source)).read_bytes()
            path = Path(self.path(target))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data[: len(data) // 2])
            raise OSError(f"injected failure copying {source} to {target}")
        super().copy(source, target)

    def delete(self, name: str) -> None:
        if self._should_fail("delete", name, self.fail_deletes):
            raise OSError(f"injected failure deleting {name}")
        super().delete(name)


def failures_spent(budget_dir: Path) -> list[str]:
    """The injected failures that happened, e.g. ["save-images_approved_-0"]."""
    return sorted(path.name for path in budget_dir.iterdir())
