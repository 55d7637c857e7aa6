"""Test settings: the real services (PostgreSQL, Redis), isolated from a development run."""

from __future__ import annotations

import os

# The suite runs against PostgreSQL, like production; a development run keeps SQLite.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vakt")
# A Redis database of its own, so tests never eat a development worker's tasks.
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/14")

from project.settings import *  # noqa: F403
from project.settings import INSTALLED_APPS, STORAGES

# A content kind that exists only in the tests (tests/kinds): its table; the kind itself is
# registered with the core by a fixture, only for the tests that use it.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.kinds"]

# Real workers start without loading models, unless a test asks (tests/test_celery.py).
WORKER_WARM_UP = os.environ.get("WORKER_WARM_UP") == "1"

# Hashing passwords at full cost slows every login in the suite for nothing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before tests: resolve static files from the source folders.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker's e-mails are out of the test's reach in locmem: tests that start one read them
# from files instead.
if _mail_dir := os.environ.get("VAKT_TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _mail_dir
# Nothing collected: WhiteNoise serves nothing and the finders resolve static files.
STATIC_ROOT = None  # type: ignore[assignment]

# The fault tests (tests/test_faults.py) start workers with test doubles from tests/faults.py:
# a deterministic, gated image analyzer and a storage whose first saves or deletes fail.
if os.environ.get("VAKT_TEST_GATE_DIR"):
    IMAGE_ANALYZER_CLASS = "tests.faults.GatedImageAnalyzer"
if _flaky := os.environ.get("VAKT_TEST_FLAKY_STORAGE"):
    import json

    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "tests.faults.FlakyStorage",
            "OPTIONS": {"location": str(MEDIA_ROOT), **json.loads(_flaky)},  # noqa: F405
        },
    }
