from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages

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


def test_files_land_in_the_bucket_privately(s3: Any, tmp_path: Path) -> None:
    storage = storages["default"]
    name = storage.save("quarantine/hello.txt", ContentFile(b"hello"))

    stored = s3.get_object(Bucket="vakt-media", Key=name)
    assert stored["Body"].read() == b"hello"
    grants = s3.get_object_acl(Bucket="vakt-media", Key=name)["Grants"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)
    url = storage.url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    assert not list(tmp_path.iterdir())
