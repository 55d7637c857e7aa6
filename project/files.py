from __future__ import annotations

import os
from typing import Any

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Local files with no URL at all: they are served only by views that check who asks."""

    def url(self, name: str | None) -> str:
        raise ValueError(f"{name} has no public URL; serve it through a view that checks access")

    def copy(self, source: str, target: str) -> None:
        """A second name for the file: a hard link, so no byte is read or written, and the
        target appears whole or not at all. Raises FileExistsError if `target` exists."""
        path = self.path(target)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            os.link(self.path(source), path)
        except FileExistsError:
            raise
        except OSError:
            # A file system without hard links (some network mounts): copy the bytes.
            with self.open(source, "rb") as stored:
                saved = self.save(target, stored)
            if saved != target:
                self.delete(saved)
                raise FileExistsError(target) from None


def storage_copy(storage: Any, source: str, target: str) -> bool:
    """Copy `source` to `target` inside the storage without passing the bytes through this
    process, where the storage can: a hard link on local disk, S3's server-side CopyObject.
    False when it cannot (the caller streams the bytes). Raises FileExistsError when a local
    `target` exists; an S3 copy replaces the object whole."""
    copy = getattr(storage, "copy", None)
    if callable(copy):
        copy(source, target)
        return True
    normalize = getattr(storage, "_normalize_name", None)
    if normalize is None or not hasattr(storage, "bucket"):
        return False
    from botocore.exceptions import ClientError
    from storages.utils import clean_name

    bucket = storage.bucket
    try:
        bucket.meta.client.copy_object(
            Bucket=bucket.name,
            Key=normalize(clean_name(target)),
            CopySource={"Bucket": bucket.name, "Key": normalize(clean_name(source))},
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            raise FileNotFoundError(source) from exc
        raise
    return True
