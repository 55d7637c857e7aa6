"""Bench-only image analyzers with a known latency, so measured throughput can be compared with
the analyzer-bound limit `concurrency / latency`."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from moderation.images.analyzers.base import ImageAnalysis, ImageAnalyzer, ImageSource

LATENCY_SECONDS = 0.300


@dataclass
class FixedLatency:
    """The local model, padded to a fixed total latency (a remote service's round trip)."""

    inner: ImageAnalyzer | None
    seconds: float = LATENCY_SECONDS
    name: str = "bench"

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        started = time.monotonic()
        if self.inner is None:  # pure waiting: AWS's case, where the work is done elsewhere
            analysis = ImageAnalysis(labels=(), analyzer=self.name, model_version="sleep")
        else:
            analysis = self.inner.analyze(source, min_confidence=min_confidence)
        time.sleep(max(0.0, self.seconds - (time.monotonic() - started)))
        return ImageAnalysis(
            labels=analysis.labels, analyzer=self.name, model_version=analysis.model_version
        )


class LocalPadded(FixedLatency):
    """BENCH_ANALYZER=local-300ms: the local model padded to 300 ms."""

    def __init__(self) -> None:
        from moderation.images.analyzers.local import LocalImageAnalyzer

        super().__init__(LocalImageAnalyzer())


class Waiting(FixedLatency):
    """BENCH_ANALYZER=sleep-300ms: a 300 ms wait and no model."""

    def __init__(self) -> None:
        super().__init__(None)


class Held:
    """BENCH_ANALYZER=held: no model; writes down which process analyses, then waits while the
    folder BENCH_HOLD_DIR holds a `hold` file, so the bench can kill or freeze that worker
    mid-analysis (bench/recovery.py)."""

    name = "bench-held"

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        folder = Path(os.environ["BENCH_HOLD_DIR"])
        (folder / f"started-{os.getpid()}-{time.time_ns()}").touch()
        while (folder / "hold").exists():
            time.sleep(0.05)
        return ImageAnalysis(labels=(), analyzer=self.name, model_version="held")


class Instant:
    """BENCH_ANALYZER=instant: answers at once with no labels, so a worker's CPU time is its
    overhead per item alone (the task, the queries, the file move, the audit)."""

    name = "bench-instant"

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        return ImageAnalysis(labels=(), analyzer=self.name, model_version="instant")


# BENCH_ANALYZER → IMAGE_ANALYZER_CLASS (bench/settings.py); unset, the product's analyzer.
CLASSES = {
    "local-300ms": "bench.analyzers.LocalPadded",
    "sleep-300ms": "bench.analyzers.Waiting",
    "held": "bench.analyzers.Held",
    "instant": "bench.analyzers.Instant",
}
