from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from moto import mock_aws

from project.storage import build_storages
from tests.conftest import clean_env, run_manage


def test_local_filesystem_without_a_bucket(tmp_path: Path) -> None:
    config = build_storages(media_root=tmp_path, bucket=None, region="eu-west-1", endpoint_url=None)
    assert config["default"]["BACKEND"] == "project.files.PrivateFileSystemStorage"
    assert config["default"]["OPTIONS"] == {"location": str(tmp_path)}


def test_s3_when_a_bucket_is_set(tmp_path: Path) -> None:
    config = build_storages(
        media_root=tmp_path,
        bucket="vakt-media",
        region="eu-north-1",
        endpoint_url="http://127.0.0.1:9000",
    )
    assert config["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["default"]["OPTIONS"]
    assert options["bucket_name"] == "vakt-media"
    assert options["region_name"] == "eu-north-1"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True


def test_settings_pick_s3_from_the_environment() -> None:
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        'from django.core.files.storage import storages; s = storages["default"]; '
        "print(type(s).__name__, s.bucket_name, s.endpoint_url)",
        env=clean_env(
            AWS_STORAGE_BUCKET_NAME="vakt-media", AWS_ENDPOINT_URL="http://127.0.0.1:9000"
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "vakt-media", "http://127.0.0.1:9000"]


@pytest.fixture
def s3_bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(
            Bucket="vakt-media", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        yield s3


def test_files_land_in_the_bucket_privately(s3_bucket: Any, settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = build_storages(
        media_root=tmp_path, bucket="vakt-media", region="eu-west-1", endpoint_url=None
    )
    storage = storages["default"]
    name = storage.save("quarantine/hello.txt", ContentFile(b"hello"))

    stored = s3_bucket.get_object(Bucket="vakt-media", Key=name)
    assert stored["Body"].read() == b"hello"
    grants = s3_bucket.get_object_acl(Bucket="vakt-media", Key=name)["Grants"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)
    url = storage.url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    assert not list(tmp_path.iterdir())
