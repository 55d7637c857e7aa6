"""Settings for the bench's gunicorn and Celery processes: the product's, plus the baseline view
(bench/urls.py) and a choice of bench analyzers. Never used by the product itself."""

from __future__ import annotations

import os

from bench.analyzers import CLASSES
from project.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Which bench analyzer, if any: see bench/analyzers.py.
IMAGE_ANALYZER_CLASS = CLASSES.get(os.environ.get("BENCH_ANALYZER", ""), "")
