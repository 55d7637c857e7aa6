"""Queue thumbnails: small, grey and blurred, made by the server from the stored copy, so the
queue's rows show what an image roughly is without showing it, and the original file never
reaches the queue page. Each is made once per stored content (its SHA-256) and kept in the
cache for a day: long enough for the item's time in the queue, short enough that a purged
image's thumbnail does not linger."""

from __future__ import annotations

import io
import logging

from django.core.cache import cache
from django.core.files.storage import default_storage
from PIL import Image, ImageFilter

from moderation.images.models import ImageUpload

logger = logging.getLogger(__name__)

SIZE = 96  # the longer side, in pixels
BLUR_RADIUS = 4  # at thumbnail size: shapes and colours of light, no detail
CACHE_SECONDS = 24 * 3600
CONTENT_TYPE = "image/jpeg"


def _cache_key(image: ImageUpload) -> str:
    return f"thumb:v1:{SIZE}:{BLUR_RADIUS}:{image.sha256}"


def image_thumbnail(image: ImageUpload) -> bytes | None:
    """The image's queue thumbnail (JPEG), or None when its file is gone (purged or missing)."""
    if not image.file_key:
        return None
    key = _cache_key(image)
    try:
        cached = cache.get(key)
    except Exception:  # a cache that is down costs a new thumbnail, never the page
        logger.warning("thumbnail cache unreachable", exc_info=True)
        cached = None
    if isinstance(cached, bytes):
        return cached
    try:
        with default_storage.open(image.file_key, "rb") as stored:
            data = thumbnail_bytes(stored.read())
    except FileNotFoundError:
        return None
    try:
        cache.set(key, data, CACHE_SECONDS)
    except Exception:
        logger.warning("thumbnail cache unreachable", exc_info=True)
    return data


def thumbnail_bytes(data: bytes) -> bytes:
    """A stored image (re-encoded by us: images/processing.py) as a small grey blurred JPEG."""
    with Image.open(io.BytesIO(data)) as source:
        source.draft("L", (SIZE * 2, SIZE * 2))  # JPEG: decode at a fraction of the size
        grey = source.convert("L")
    grey.thumbnail((SIZE, SIZE))
    blurred = grey.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
    out = io.BytesIO()
    blurred.save(out, format="JPEG", quality=70)
    return out.getvalue()
