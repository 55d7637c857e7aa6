from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar
from unittest import mock
from urllib.parse import quote

import hypothesis
import pytest
from django.conf import settings

from moderation.models import AnalysedItem, ItemStatus
from project import ratelimit

ROOT = Path(__file__).resolve().parent.parent

# Property tests draw the same examples on every run, so CI is repeatable and a red run can be
# reproduced; HYPOTHESIS_PROFILE=explore draws new ones (run it locally to hunt for more).
hypothesis.settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis.settings.register_profile("explore", deadline=None)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the translations as bin/test does, so a plain `pytest` run has them too (the
    .mo files are never committed); up-to-date catalogs are skipped."""
    from moderation.management.commands.compiletranslations import compile_catalogs

    compile_catalogs([ROOT / "locale"])


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    """Each test writes user files into a folder of its own, never the developer's."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "project.files.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture(autouse=True)
def _decision_mail_at_commit() -> Iterator[None]:
    """A moderator's decision is e-mailed by a job queued for when its undo window closes
    (moderation/review/notify.py); the suite sends it at commit instead, as if the window had
    passed. tests/test_undo_decision.py checks the real timing."""
    from moderation.review.notify import decision_notify_standing

    def now(*, event_id: int) -> None:
        decision_notify_standing(event_id=event_id)

    with (
        mock.patch("moderation.review.services.decision_notify_later", side_effect=now),
        mock.patch("moderation.qa.services.decision_notify_later", side_effect=now),
    ):
        yield


@pytest.fixture(autouse=True)
def _policy_read_afresh() -> None:
    """Workers cache policy versions by id (moderation/policy/selectors.py); tests that edit a
    version's rows in place, which the product never does, start from an empty cache."""
    from moderation.policy.selectors import policy_cache_clear

    policy_cache_clear()


@pytest.fixture(autouse=True)
def _hash_bank_read_afresh() -> None:
    """Each process keeps its own copy of the hash bank's index (moderation/images/
    bankindex.py); a test starts without one, as a new worker does."""
    from moderation.images.bankindex import bankindex_reset

    bankindex_reset()


@pytest.fixture(autouse=True)
def _rate_windows_start_with_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate limits count in fixed windows (a minute, an hour, a day): a test whose requests
    straddled a window's end would see its count start again. The limiter's clock runs from one
    second into a fresh day, so every window a test uses begins with it."""
    offset = time.time() // 86400 * 86400 + 1 - time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: time.time() + offset))


@pytest.fixture(autouse=True)
def _own_cache_keys(settings: Any) -> None:
    """Rate limits and sign-in lock-outs count in the shared Redis cache: each test counts
    from zero under a key prefix of its own (a re-run would otherwise meet the last run's)."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture
def offline_review() -> Iterator[None]:
    """No broker (tasks are not queued), and every analysed image goes to the review queue."""
    from tests.factories import ReviewAnalyzer

    with (
        mock.patch("moderation.tasks.analyze_image.delay"),
        mock.patch("feedback.tasks.analyze_feedback.delay"),
        mock.patch("moderation.images.services.get_image_analyzer", return_value=ReviewAnalyzer()),
    ):
        yield


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> None:
    """Dummy credentials and no developer config: nothing in a test may reach a real account."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    settings.AWS_REGION = "eu-west-1"
    settings.AWS_ENDPOINT_URL = None
    settings.REKOGNITION_PROJECT_VERSION = None


S3_BUCKET = "vakt-media"


@pytest.fixture
def s3(aws_environment: None, settings: Any, tmp_path: Path) -> Iterator[Any]:
    """Files go to a private bucket in moto's S3 (STORAGES as with AWS_STORAGE_BUCKET_NAME set);
    yields a boto3 S3 client to look at the bucket."""
    from moto import mock_aws

    from project.storage import build_storages

    with mock_aws():
        import boto3

        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(
            Bucket=S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        settings.AWS_STORAGE_BUCKET_NAME = S3_BUCKET
        settings.STORAGES = {
            **build_storages(
                media_root=tmp_path, bucket=S3_BUCKET, region="eu-west-1", endpoint_url=None
            ),
            # Pages still find static files as in every test (no collectstatic manifest).
            "staticfiles": settings.STORAGES["staticfiles"],
        }
        yield client


def s3_keys(client: Any) -> list[str]:
    listing = client.list_objects_v2(Bucket=S3_BUCKET).get("Contents", [])
    return sorted(item["Key"] for item in listing)


Item = TypeVar("Item", bound=AnalysedItem)


def wait_until_decided(model: type[Item], item_id: str, timeout: float = 90) -> Item:
    """Poll the database until a worker has taken the item out of `pending`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = model._default_manager.get(id=item_id)
        if item.status != ItemStatus.PENDING:
            return item
        time.sleep(0.2)
    raise AssertionError(f"{model.KIND} {item_id} still pending after {timeout} s")


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment of a fresh process: none of the test run's Django variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AWS_", "DATABASE_", "CELERY_"))
        and key not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "MODERATION_BACKEND"}
    }
    env.update(overrides)
    return env


def run_manage(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def worker_database_url() -> str:
    """The URL of the database pytest-django created, for processes the tests start."""
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        raise RuntimeError("tests that start processes need PostgreSQL (DATABASE_URL)")
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerFactory:
    """Starts real Celery workers in their own processes, on the test's database and media
    folder; stops whatever is left of them at the end of the test."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.procs: list[subprocess.Popen[str]] = []
        self.flushed: set[str] = set()

    def start(
        self,
        *,
        broker_url: str | None = None,
        env: dict[str, str] | None = None,
        pool: str = "solo",
        log: Path | None = None,
        own_group: bool = False,
    ) -> subprocess.Popen[str]:
        """A worker on `broker_url` (the test broker by default), with extra environment
        variables; its output goes to `log`, or to a pipe when None. With `own_group`, the
        worker and its pool processes form a process group of their own (its id is the
        worker's pid), which a test can kill as a whole, as a lost host would be."""
        command = [sys.executable, "-m", "celery", "-A", "project", "worker"]
        command += ["--queues", "default,images,text", "--pool", pool, "--loglevel", "INFO"]
        command += ["--hostname", f"worker{len(self.procs)}@%h"]
        if pool == "prefork":
            command += ["--concurrency", "1"]
        command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
        return self._spawn(command, broker_url, env, log, own_group=own_group)

    def start_beat(
        self, *, env: dict[str, str] | None = None, log: Path | None = None
    ) -> subprocess.Popen[str]:
        """Celery beat, running the periodic jobs on the test broker as in production."""
        command = [sys.executable, "-m", "celery", "-A", "project", "beat", "--loglevel", "INFO"]
        command += ["--schedule", str(self.tmp_path / "beat-schedule")]
        return self._spawn(command, None, env, log)

    def _spawn(
        self,
        command: list[str],
        broker_url: str | None,
        env: dict[str, str] | None,
        log: Path | None,
        *,
        own_group: bool = False,
    ) -> subprocess.Popen[str]:
        import redis

        broker_url = broker_url or settings.CELERY_BROKER_URL
        if broker_url not in self.flushed:  # no messages left over from another test
            redis.Redis.from_url(broker_url).flushdb()
            self.flushed.add(broker_url)
        process_env = clean_env(
            DJANGO_SETTINGS_MODULE="tests.settings",
            CELERY_BROKER_URL=broker_url,
            DATABASE_URL=worker_database_url(),
            VAKT_DATA_DIR=str(self.tmp_path),  # its media folder is the test's (_private_media)
            **(env or {}),
        )
        output = open(log, "w") if log else None  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=process_env,
            stdout=output or subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=own_group,
        )
        if output:
            output.close()  # the child has its own copy
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGCONT)  # a worker a test froze cannot stop
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def celery_workers(
    transactional_db: None, django_db_serialized_rollback: None, tmp_path: Path
) -> Iterator[WorkerFactory]:
    """Start real Celery workers with `celery_workers.start(...)`."""
    factory = WorkerFactory(tmp_path)
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture
def celery_worker_process(celery_workers: WorkerFactory) -> subprocess.Popen[str]:
    """A real Celery worker in its own process, on the test broker, database and media folder."""
    return celery_workers.start()
