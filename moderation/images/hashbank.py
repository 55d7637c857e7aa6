"""The hash bank of known-bad images: entries (admin, rejected images), and what a new
upload's perceptual hash says under the policy."""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.core.files.storage import default_storage

from moderation.images.hashing import (
    MIN_QUALITY,
    HashError,
    PerceptualHash,
    hash_normalise,
    hash_segments,
)
from moderation.images.models import SEGMENT_FIELDS, HashBankEntry, ImageUpload
from moderation.images.processing import image_pdq
from moderation.images.selectors import hashbank_lookup
from moderation.items import pipeline
from moderation.items.models import ItemStatus
from moderation.policy.engine import (
    REJECT,
    REVIEW,
    Decision,
    PolicySnapshot,
    Reason,
)
from moderation.policy.models import HashMatchAction
from moderation.review.reasons import reason_text
from project.errors import BadInput, Conflict

logger = logging.getLogger(__name__)


def hash_fields(pdq: PerceptualHash | None) -> dict[str, object]:
    """The model fields (HashSegments) that store a hash, or clear it."""
    segments = pdq.segments() if pdq else (None,) * len(SEGMENT_FIELDS)
    return {
        "pdq_hash": pdq.hex if pdq else "",
        "pdq_quality": pdq.quality if pdq else None,
        **dict(zip(SEGMENT_FIELDS, segments, strict=True)),
    }


def image_hash_ensure(image: ImageUpload) -> None:
    """Images stored before hashes were computed at upload get theirs from the stored file."""
    if image.pdq_hash or image.hash_error or not image.file_key:
        return
    from PIL import Image

    with default_storage.open(image.file_key, "rb") as stored:
        try:
            with Image.open(stored) as opened:
                opened.load()
                pdq, framed, error = image_pdq(opened)
        except Exception as exc:  # a file we stored ourselves: anything here is a failure
            pdq, framed, error = None, None, f"{type(exc).__name__}: {exc}"
    fields = {"hash_error": error, "pdq_framed": framed.hex if framed else "", **hash_fields(pdq)}
    ImageUpload.objects.filter(id=image.id).update(**fields)
    for name, value in fields.items():
        setattr(image, name, value)


def image_hash_reasons(image: ImageUpload, policy: PolicySnapshot) -> list[Reason]:
    """What the hash bank says about an image under the policy: nothing, a match (reject or
    review, as the policy says), or a failure, which sends the image to review. Database
    errors propagate, for the task to retry."""
    if policy.hash_match_action == HashMatchAction.OFF:
        return []
    try:
        image_hash_ensure(image)
        if image.hash_error:
            raise HashError(image.hash_error)
        # Flat or nearly blank images all hash alike: PDQ's quality says not to match them (a
        # hash inside a frame is only kept when it can be matched).
        whole = [image.pdq_hash] if (image.pdq_quality or 0) >= MIN_QUALITY else []
        hashes = [*whole, *([image.pdq_framed] if image.pdq_framed else [])]
        if not hashes:
            return []
        matches = hashbank_lookup(hashes=hashes, max_distance=policy.hash_match_distance)
    except pipeline.TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        error = str(exc) if isinstance(exc, HashError) else f"{type(exc).__name__}: {exc}"
        detail = f"perceptual hash failed: {error}"
        return [
            Reason(
                "hash_error", None, REVIEW, None, detail=detail, code="hash_failed",
                params={"error": error},
            )
        ]  # fmt: skip
    if not matches:
        return []
    nearest = matches[0]
    source = (
        HashBankEntry.objects.filter(id=nearest.id).values_list("source_item_id", flat=True).first()
    )
    band = REJECT if policy.hash_match_action == HashMatchAction.REJECT else REVIEW
    shown = str(source) if source else f"#{nearest.id}"
    return [
        Reason(
            "hash_match",
            None,
            band,
            None,
            detail=f"matches rejected image {shown} ({nearest.distance} of 256 bits differ)",
            code="hash_match",
            params={
                "image": shown,
                "source_image": str(source) if source else None,
                "entry": nearest.id,
                "distance": nearest.distance,
                "max_distance": policy.hash_match_distance,
                "matches": len(matches),
            },
        )
    ]


def hashbank_entry_add(
    *,
    pdq_hash: str,
    reason: str,
    quality: int | None = None,
    source_item: ImageUpload | None = None,
    note: str = "",
    added_by: User | None = None,
) -> HashBankEntry:
    """Put a hash in the bank. Raises BadInput for a malformed hash, Conflict when the source
    image already has an entry."""
    try:
        normalised = hash_normalise(pdq_hash)
    except HashError as exc:
        raise BadInput(str(exc), field="pdq_hash") from exc
    if source_item is not None and HashBankEntry.objects.filter(source_item=source_item).exists():
        raise Conflict(f"image {source_item.id} is in the hash bank already")
    segments = dict(zip(SEGMENT_FIELDS, hash_segments(normalised), strict=True))
    return HashBankEntry.objects.create(
        pdq_hash=normalised,
        pdq_quality=quality,
        source_item=source_item,
        reason=reason,
        note=note,
        added_by=added_by,
        **segments,
    )


def hashbank_entry_annotate(*, entry: HashBankEntry, note: str) -> HashBankEntry:
    entry.note = note
    entry.save(update_fields=["note", "updated_at"])
    return entry


def hashbank_entry_remove(*, entry: HashBankEntry) -> None:
    entry.delete()


def hashbank_add_rejected(
    *, image: ImageUpload, reason: str, added_by: User | None = None
) -> HashBankEntry | None:
    """A rejected image enters the bank, unless its hash is missing or too flat to match, or
    it is there already. Returns the new entry, if any."""
    if not image.pdq_hash or (image.pdq_quality or 0) < MIN_QUALITY:
        return None
    if HashBankEntry.objects.filter(source_item=image).exists():
        return None
    return hashbank_entry_add(
        pdq_hash=image.pdq_hash,
        quality=image.pdq_quality,
        source_item=image,
        reason=reason[:2000],
        added_by=added_by,
    )


def hashbank_remove_for_image(*, image: ImageUpload) -> int:
    """Its rejection undone, an image leaves the bank."""
    deleted, _ = HashBankEntry.objects.filter(source_item=image).delete()
    return deleted


def hashbank_on_machine_reject(image: ImageUpload, decision: Decision) -> dict[str, object]:
    # Inside the deciding transaction: the rejection and its bank entry are one change.
    matched = any(reason.code == "hash_match" for reason in decision.reasons)
    if decision.outcome == ItemStatus.REJECTED and not matched:
        words = "; ".join(reason_text(reason.as_dict()) for reason in decision.reasons)
        hashbank_add_rejected(image=image, reason=f"rejected by the policy: {words}")
    return {}
