"""Reads of the image kind: who may see which image and its file; hash bank lookups."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from moderation.access import user_is_moderator
from moderation.images.bankindex import bankindex_matches
from moderation.images.hashing import MIN_QUALITY, hamming, hash_normalise, segment_probes
from moderation.images.models import SEGMENT_FIELDS, HashBankEntry, ImageUpload
from moderation.items.models import ItemStatus


def image_list_for_owner(*, user: User) -> QuerySet[ImageUpload]:
    return ImageUpload.objects.filter(owner=user).order_by("-created_at")


def image_get_for_user(
    *, user: User | AnonymousUser, image_id: uuid.UUID | str
) -> ImageUpload | None:
    """The image if this user may see it (its owner, or a moderator), else None."""
    if not user.is_authenticated:
        return None
    images = ImageUpload.objects.all()
    if not user_is_moderator(user):
        images = images.filter(owner=user)
    return images.filter(id=image_id).first()


def image_file_visible_to(*, image: ImageUpload, user: User | AnonymousUser) -> bool:
    """Moderators see every file; an owner sees theirs once it is approved, no one else ever."""
    if user_is_moderator(user):
        return True
    return image.owner_id == user.pk and image.status == ItemStatus.APPROVED


@dataclass(frozen=True)
class HashMatch:
    """A row whose PDQ hash is near the one looked up, and how many bits apart."""

    id: Any
    pdq_hash: str
    distance: int


def hash_matches(
    rows: QuerySet[Any], *, pdq_hash: str, max_distance: int, limit: int = 20
) -> list[HashMatch]:
    """The rows of `rows` (hash bank entries or images) within `max_distance` bits, nearest
    first: an index lookup on the segment columns, then the exact distance of each candidate
    (moderation/images/hashing.py). Raises HashError for a malformed hash."""
    query = Q()
    for name, values in zip(SEGMENT_FIELDS, segment_probes(pdq_hash, max_distance), strict=True):
        query |= Q(**{f"{name}__in": values})
    found = []
    for row_id, candidate in rows.filter(query).values_list("id", "pdq_hash").iterator():
        distance = hamming(pdq_hash, candidate)
        if distance <= max_distance:
            found.append(HashMatch(row_id, candidate, distance))
    found.sort(key=lambda match: (match.distance, str(match.id)))
    return found[:limit]


def hashbank_lookup(
    *, hashes: Sequence[str], max_distance: int, limit: int = 20
) -> list[HashMatch]:
    """Hash bank entries near any of an image's hashes (the whole picture's and, when it has a
    flat frame, the one inside it: `ImageUpload.pdq_framed`), nearest first, each entry once
    at its nearest distance. Raises HashError for a malformed hash."""
    found = [
        match
        for pdq_hash in hashes
        for match in hashbank_matches(pdq_hash=pdq_hash, max_distance=max_distance, limit=limit)
    ]
    nearest: dict[int, HashMatch] = {}
    for match in sorted(found, key=lambda match: (match.distance, str(match.id))):
        nearest.setdefault(match.id, match)
    return list(nearest.values())[:limit]


def hashbank_matches(*, pdq_hash: str, max_distance: int, limit: int = 20) -> list[HashMatch]:
    """Hash bank entries near a hash, nearest first, through this process's copy of the
    bank's index (moderation/images/bankindex.py). Raises HashError for a malformed hash."""
    found = [
        HashMatch(row_id, stored, distance)
        for row_id, stored, distance in bankindex_matches(hash_normalise(pdq_hash), max_distance)
    ]
    found.sort(key=lambda match: (match.distance, str(match.id)))
    return found[:limit]


def image_near_duplicates(
    *, item: ImageUpload, max_distance: int, limit: int = 50
) -> list[tuple[ImageUpload, int]]:
    """Other images waiting in the review queue whose PDQ hash is within `max_distance` bits
    of this one's, nearest first, for grouping them in the queue and deciding them together.
    Empty when the image has no hash or one too flat to match (PDQ quality under 50)."""
    if not item.pdq_hash or (item.pdq_quality or 0) < MIN_QUALITY:
        return []
    waiting = ImageUpload.objects.filter(status=ItemStatus.IN_REVIEW).exclude(id=item.id)
    matches = hash_matches(
        waiting.filter(pdq_quality__gte=MIN_QUALITY),
        pdq_hash=item.pdq_hash,
        max_distance=max_distance,
        limit=limit,
    )
    images = ImageUpload.objects.in_bulk([match.id for match in matches])
    return [(images[match.id], match.distance) for match in matches if match.id in images]


def image_hash_match_context(*, image: ImageUpload) -> list[dict[str, Any]]:
    """For the item page: each hash bank match the decision recorded, with the bank entry and
    its source image when they still exist, to show side by side with this one."""
    shown: list[dict[str, Any]] = []
    for reason in image.reasons:
        if not isinstance(reason, dict) or reason.get("code") != "hash_match":
            continue
        params = reason.get("params") or {}
        entry_id = params.get("entry")
        entry = HashBankEntry.objects.filter(id=entry_id).first() if entry_id else None
        source_id = params.get("source_image") or (entry.source_item_id if entry else None)
        source = ImageUpload.objects.filter(id=source_id).first() if source_id else None
        shown.append(
            {
                "entry": entry,
                "entry_id": params.get("entry"),
                "source": source,
                "source_file": bool(source and source.file_key),
                "distance": params.get("distance"),
            }
        )
    return shown
