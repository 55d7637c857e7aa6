"""Where uploaded files live: the local filesystem by default, S3 when a bucket is set."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def build_storages(
    *,
    media_root: Path,
    bucket: str | None,
    region: str,
    endpoint_url: str | None,
) -> dict[str, dict[str, Any]]:
    staticfiles = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    if not bucket:
        return {
            "default": {
                "BACKEND": "project.files.PrivateFileSystemStorage",
                "OPTIONS": {"location": str(media_root)},
            },
            "staticfiles": staticfiles,
        }
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "region_name": region,
                "endpoint_url": endpoint_url,
                # Objects stay private; reading one takes a short-lived presigned URL.
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 300,
                "signature_version": "s3v4",
                "file_overwrite": False,
            },
        },
        "staticfiles": staticfiles,
    }
