from __future__ import annotations

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Local files with no URL at all: they are served only by views that check who asks."""

    def url(self, name: str | None) -> str:
        raise ValueError(f"{name} has no public URL; serve it through a view that checks access")
