"""Groups of open queue entries that hold the same content, from anyone: a message sent twice,
an image uploaded again. A kind names its items' group by a key (`ContentKind.group_key`):
feedback by its text after normalisation, images by the hash of their stored file. The key is
stored on the entry when it is queued; a key that is only known later (a perceptual hash of an
image, computed after the upload) is set with `review_group_set`. Two entries are in one group
when their keys are equal, so a near-identical match plugs in as a key that near-identical
items share (a perceptual hash, quantised) and needs nothing else here.

The queue shows each row's group size (one query per page), the item page lists the group, and
the group is decided together: one decision applied to each member through the bulk service,
each with its own decision, audit row and e-mail, all undone together (bulk.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count

from moderation.items.models import AnalysedItem
from moderation.kinds import kind_get
from moderation.review.models import ReviewItem
from moderation.review.selectors import review_items_attach

# How many other members the item page lists, and decides together at most.
GROUP_SHOWN = 50
_SPACE = re.compile(r"\s+")


def text_group_key(text: str) -> str:
    """A text's key: the same words, whatever their case, spacing or Unicode form, give the
    same key ("Great  shop!" and "great shop!")."""
    normal = _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    if not normal:
        return ""
    return "text:" + hashlib.sha256(normal.encode()).hexdigest()


def item_group_key(item: AnalysedItem) -> str:
    """The key its kind gives the item, cut to the stored length (never a partial match:
    kinds' keys are hashes)."""
    return kind_get(item.KIND).group_key(item)[:100]


def review_group_set(*, kind: str, item_id: uuid.UUID, key: str) -> bool:
    """Set the key of an item's open entry (a hash computed after it was queued); False if it
    has no open entry."""
    updated = ReviewItem.objects.filter(kind=kind, item_id=item_id, resolved_at__isnull=True)
    return bool(updated.update(group_key=key[:100]))


def group_sizes(entries: Iterable[ReviewItem]) -> dict[str, int]:
    """How many open entries share each key of these entries (one query, however many)."""
    keys = {entry.group_key for entry in entries if entry.group_key}
    if not keys:
        return {}
    rows = (
        ReviewItem.objects.filter(resolved_at__isnull=True, group_key__in=keys)
        .values("group_key")
        .annotate(n=Count("id"))
        .values_list("group_key", "n")
    )
    return {key: n for key, n in rows if n > 1}


def group_members(entry: ReviewItem) -> list[ReviewItem]:
    """The other open entries of the entry's group, oldest first (at most GROUP_SHOWN)."""
    if not entry.group_key:
        return []
    return list(
        ReviewItem.objects.filter(resolved_at__isnull=True, group_key=entry.group_key)
        .exclude(id=entry.id)
        .select_related("claimed_by")
        .order_by("created_at")[:GROUP_SHOWN]
    )


def group_decidable(entry: ReviewItem, chosen: Iterable[str]) -> list[uuid.UUID]:
    """The entry and those of the chosen members still open in its group: what a group
    decision decides. A member that left the group (decided, or a new key) since the page
    was shown is left out, and nothing outside the group is ever decided."""
    wanted = set()
    for value in chosen:
        try:
            wanted.add(uuid.UUID(str(value)))
        except ValueError:
            continue
    members = [member.id for member in group_members(entry) if member.id in wanted]
    return [entry.id, *members][: settings.REVIEW_BULK_BATCH_SIZE]


def review_groups_fill(*, batch: int = 1000) -> int:
    """Give open entries queued before groups existed their key, a batch at a time (one query
    per kind per batch to read the items); returns how many got one. Entries whose kind gives
    no key keep "" and are not read again in this run."""
    filled = 0
    after: uuid.UUID | None = None
    while True:
        entries = ReviewItem.objects.filter(resolved_at__isnull=True, group_key="").order_by("id")
        if after is not None:
            entries = entries.filter(id__gt=after)
        chunk = review_items_attach(entries[:batch])
        if not chunk:
            return filled
        after = chunk[-1].id
        for entry in chunk:
            key = item_group_key(entry.item) if entry.item is not None else ""
            if key:
                filled += ReviewItem.objects.filter(id=entry.id, group_key="").update(group_key=key)
