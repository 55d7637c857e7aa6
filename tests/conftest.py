from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from django.conf import settings

from moderation.models import AnalysedItem, ItemStatus

ROOT = Path(__file__).resolve().parent.parent


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
        settings.STORAGES = build_storages(
            media_root=tmp_path, bucket=S3_BUCKET, region="eu-west-1", endpoint_url=None
        )
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


@pytest.fixture
def celery_worker_process(
    transactional_db: None, django_db_serialized_rollback: None, tmp_path: Path
) -> Iterator[subprocess.Popen[str]]:
    """A real Celery worker in its own process, on the test broker, database and media folder."""
    import redis

    broker_url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(broker_url).flushdb()
    env = clean_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        CELERY_BROKER_URL=broker_url,
        DATABASE_URL=worker_database_url(),
        VAKT_DATA_DIR=str(tmp_path),  # its media folder is the test's (see _private_media)
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "worker",
            "--queues",
            "default,images,text",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
