"""Writes of the image kind: every change of an image's state goes through here."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from moderation.images.analyzers import get_image_analyzer
from moderation.images.analyzers.base import ImageAnalysis, ImageSource, ModerationLabel
from moderation.images.hashing import (
    MIN_QUALITY,
    HashError,
    PerceptualHash,
    hash_normalise,
    hash_segments,
)
from moderation.images.models import SEGMENT_FIELDS, HashBankEntry, ImageUpload
from moderation.images.processing import image_pdq, process_upload
from moderation.images.selectors import hashbank_matches
from moderation.images.text import TextFindings, image_decide, image_text_findings
from moderation.items import pipeline
from moderation.items.errors import StorageError
from moderation.items.models import ItemStatus
from moderation.policy.engine import (
    REJECT,
    REVIEW,
    Decision,
    PolicySnapshot,
    Reason,
    decide,
    decision_with,
)
from moderation.policy.models import HashMatchAction
from moderation.policy.selectors import policy_current
from moderation.policy.taxonomy import IMAGE_TEXT_PREFIX
from moderation.review.reasons import reason_text
from project.errors import BadInput, Conflict

QUARANTINE = "quarantine"
APPROVED_PREFIX = "images/approved"


def image_upload_create(*, owner: User, upload: UploadedFile) -> ImageUpload:
    """Validate, re-encode and store an upload in quarantine; analysis is queued on commit.

    Raises `moderation.images.ImageRejected` for bad input, before anything is written.
    """
    processed = process_upload(
        upload,
        size=upload.size or 0,
        max_bytes=settings.MAX_UPLOAD_BYTES,
        max_pixels=settings.MAX_IMAGE_PIXELS,
    )
    image_id = uuid.uuid4()
    stored = default_storage.save(
        f"{QUARANTINE}/{image_id}.{processed.extension}", ContentFile(processed.content)
    )
    try:
        with transaction.atomic():
            image = ImageUpload.objects.create(
                id=image_id,
                owner=owner,
                file_key=stored,
                original_name=upload_display_name(upload.name),
                content_type=processed.content_type,
                sha256=processed.sha256,
                size_bytes=len(processed.content),
                width=processed.width,
                height=processed.height,
                hash_error=processed.hash_error,
                **hash_fields(processed.pdq),
            )
    except BaseException:
        # Nothing half-written: no row means no file either.
        default_storage.delete(stored)
        raise
    # Outside the try: once the row is committed its file stays, whatever queueing does. A
    # failure here is logged, not raised (robust): the item waits, pending, for the re-queue
    # job, and the upload is still answered as accepted.
    transaction.on_commit(lambda: image_queue_analysis(image_id=image_id), robust=True)
    return image


def upload_display_name(name: str | None) -> str:
    """The client's file name, for showing back to its owner only: never a storage key.

    Django's multipart parser already drops directories and unprintable characters; uploads
    can also come from other code, so the same rules hold here: the last path component, no
    control or bidirectional-override characters (which can disguise "gpj.exe" as "exe.jpg"),
    and at most 255 characters, keeping the end where the extension is."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable())
    return "" if name in {".", ".."} else name[-255:]


def image_queue_analysis(*, image_id: uuid.UUID) -> bool:
    return pipeline.item_queue(kind=ImageUpload.KIND, item_id=image_id)


def images_requeue_pending(*, limit: int = 500) -> int:
    return pipeline.items_requeue_pending(kind=ImageUpload.KIND, limit=limit)


def _analysis_reused(
    image: ImageUpload, analyzer_name: str
) -> tuple[ImageAnalysis, TextFindings | None] | None:
    """The labels (and text, if read) of an identical image the same analyzer already saw: no
    second paid call."""
    twin = (
        ImageUpload.objects.filter(sha256=image.sha256, analyzer=analyzer_name, error="")
        .exclude(id=image.id)
        .exclude(status=ItemStatus.PENDING)
        .order_by("created_at")
        .first()
    )
    if twin is None:
        return None
    labels = [
        ModerationLabel(name=x["name"], confidence=x["confidence"], parent=x.get("parent") or "")
        for x in twin.labels
    ]
    analysis = ImageAnalysis(
        labels=tuple(x for x in labels if not x.name.startswith(IMAGE_TEXT_PREFIX)),
        analyzer=twin.analyzer,
        model_version=twin.model_version,
        extra={"reused_from": str(twin.id)},
    )
    record = twin.text_analysis or {}
    if not record.get("reader") or record.get("error"):
        return analysis, None  # its text was not read (or not read well): read it now
    text = TextFindings(
        labels=tuple(x for x in labels if x.name.startswith(IMAGE_TEXT_PREFIX)),
        masked_text=twin.found_text,
        record={**record, "reused_from": str(twin.id)},
    )
    return analysis, text


def image_analyze(*, image_id: uuid.UUID) -> ImageUpload | None:
    """Analyse a pending image and let the policy decide. Idempotent: a decided image is left
    alone (but for finishing its file move). Raises one of `pipeline.TRANSIENT_ERRORS` when
    the work should be tried again later; every other failure sends the image to human
    review. Never approves on an error."""
    lease = pipeline.item_claim(ImageUpload, image_id)
    if lease is None:
        # Decided already (a re-delivered or duplicate message), or another worker holds it.
        # If the decision's clean-up failed, this is its retry.
        image_files_tidy(image_id=image_id)
        return None
    with pipeline.lease_released_on_error(lease):
        image = lease.item
        analyzer = get_image_analyzer()
        policy = policy_current()
        hash_reasons = _hash_reasons(image, policy)
        if any(reason.band == REJECT for reason in hash_reasons):
            # A known-bad image: rejected without a paid analysis, and not added to the bank
            # again (a chain of near matches would let the bank drift from what was judged).
            no_labels = ImageAnalysis(labels=(), analyzer="", model_version="")
            return _image_apply(
                lease, no_labels, TextFindings(), decision_with(decide((), policy), hash_reasons)
            )

        def analyse() -> tuple[ImageAnalysis, TextFindings]:
            reused, text = _analysis_reused(image, analyzer.name) or (None, None)
            if reused is not None and text is not None:
                return reused, text
            with default_storage.open(image.file_key, "rb") as stored:
                content = stored.read()
            source = ImageSource(
                key=image.file_key,
                content=content,
                content_type=image.content_type,
                s3_bucket=settings.AWS_STORAGE_BUCKET_NAME,
            )
            labels = reused or analyzer.analyze(source, min_confidence=policy.min_confidence)
            # The pixels may be harmless and the words not: the text is read as well.
            return labels, image_text_findings(source)

        analysed = pipeline.analyse_or_fail(lease, analyse)
        if analysed is None:
            return None
        analysis, text = analysed
        labels = (*analysis.labels, *text.labels)
        decision = decision_with(image_decide(labels, text.error, policy), hash_reasons)
        return _image_apply(lease, analysis, text, decision)


def image_analysis_gave_up(*, image_id: uuid.UUID, error: str) -> ImageUpload | None:
    """Retries exhausted: the image waits for a person, with the error as its reason."""
    lease = pipeline.item_claim(ImageUpload, image_id)
    return pipeline.item_fail(lease, error) if lease else None


def _image_apply(
    lease: pipeline.Lease[ImageUpload],
    analysis: ImageAnalysis,
    text: TextFindings,
    decision: Decision,
) -> ImageUpload | None:
    image = lease.item
    file_key = image.file_key
    if decision.outcome == ItemStatus.APPROVED:
        # Copy first, switch the row, then delete the quarantined copy: a failure anywhere
        # leaves the row pointing at a whole file, and the retry reuses the copy.
        file_key = image_file_copy(image, image_file_key(image, approved=True))
    reused = analysis.extra.get("reused_from")
    decided = pipeline.item_decide(
        lease,
        outcome=decision.outcome,
        reasons=[reason.as_dict() for reason in decision.reasons],
        policy_version=decision.policy_version,
        fields={
            "labels": [label.as_dict() for label in (*analysis.labels, *text.labels)],
            "found_text": text.masked_text,
            "text_analysis": text.record,
            "analyzer": analysis.analyzer,
            "model_version": analysis.model_version,
            "file_key": file_key,
            "error": "",
        },
        note=f"labels reused from image {reused}" if reused else "",
        then=lambda item: _bank_on_machine_reject(item, decision),
    )
    # Whoever decided, the copy the row does not point at goes (a lost race leaves the file
    # move to the winner; tidying is a no-op while the image is still pending).
    image_files_tidy(image_id=image.id)
    return decided


def image_file_key(image: ImageUpload, *, approved: bool) -> str:
    """Where the image's file lives in quarantine or once approved: one fixed key each, so a
    retried move lands on the same key instead of a renamed second copy."""
    name = image.file_key.rsplit("/", 1)[-1]
    return f"{APPROVED_PREFIX}/{name}" if approved else f"{QUARANTINE}/{name}"


def image_file_copy(image: ImageUpload, target: str) -> str:
    """Copy the image's file to `target` and return it. A whole copy left there by an earlier
    attempt is reused, a partial one replaced. Raises StorageError, to be retried."""
    try:
        if default_storage.exists(target):
            if default_storage.size(target) == image.size_bytes:
                return target
            default_storage.delete(target)
        with default_storage.open(image.file_key, "rb") as stored:
            saved = default_storage.save(target, stored)
    except Exception as exc:
        raise StorageError(f"could not copy {image.file_key} to {target}: {exc}") from exc
    if saved != target:
        # Someone wrote the key meanwhile: keep theirs, drop ours, try again later.
        default_storage.delete(saved)
        raise StorageError(f"{target} appeared while copying {image.file_key}")
    return target


def image_files_tidy(*, image_id: uuid.UUID) -> bool:
    """Delete the copy (quarantined or approved) that a decided image's row does not point at.
    Returns whether there was an image to tidy; raises StorageError, to be retried.

    The row stays locked meanwhile, so a moderator's decision (which moves the file the other
    way) waits instead of seeing its new copy deleted. A pending image is left alone: a worker
    may be moving its file."""
    with transaction.atomic():
        image = (
            ImageUpload.objects.select_for_update()
            .exclude(status=ItemStatus.PENDING)
            .filter(id=image_id)
            .first()
        )
        if image is None or not image.file_key:  # not decided, or its file was purged
            return False
        approved = image.file_key.startswith(f"{APPROVED_PREFIX}/")
        stale = image_file_key(image, approved=not approved)
        if stale != image.file_key:
            try:
                default_storage.delete(stale)
            except Exception as exc:
                raise StorageError(f"could not delete {stale}: {exc}") from exc
    return True


def image_file_move(image: ImageUpload, *, approved: bool) -> None:
    """Inside a moderator's decision (or its undo): copy the file to its new place and point the
    row at it; the old copy goes once the change has committed. A failed copy (StorageError)
    undoes the change; one left over by a failed transaction is reused by the next attempt."""
    old = image.file_key
    new = image_file_copy(image, image_file_key(image, approved=approved))
    ImageUpload.objects.filter(id=image.id).update(file_key=new)
    image.file_key = new
    transaction.on_commit(
        lambda: pipeline.stale_copy_discard_soon(kind=image.KIND, item_id=image.id, key=old)
    )


# --- Perceptual hash and the hash bank --------------------------------------------------------


def hash_fields(pdq: PerceptualHash | None) -> dict[str, object]:
    """The model fields (HashSegments) that store a hash, or clear it."""
    segments = pdq.segments() if pdq else (None,) * len(SEGMENT_FIELDS)
    return {
        "pdq_hash": pdq.hex if pdq else "",
        "pdq_quality": pdq.quality if pdq else None,
        **dict(zip(SEGMENT_FIELDS, segments, strict=True)),
    }


def _image_hash_ensure(image: ImageUpload) -> None:
    """Images stored before hashes were computed at upload get theirs from the stored file."""
    if image.pdq_hash or image.hash_error or not image.file_key:
        return
    from PIL import Image

    with default_storage.open(image.file_key, "rb") as stored:
        try:
            with Image.open(stored) as opened:
                opened.load()
                pdq, error = image_pdq(opened)
        except Exception as exc:  # a file we stored ourselves: anything here is a failure
            pdq, error = None, f"{type(exc).__name__}: {exc}"
    fields = {"hash_error": error, **hash_fields(pdq)}
    ImageUpload.objects.filter(id=image.id).update(**fields)
    for name, value in fields.items():
        setattr(image, name, value)


def _hash_reasons(image: ImageUpload, policy: PolicySnapshot) -> list[Reason]:
    """What the hash bank says about an image under the policy: nothing, a match (reject or
    review, as the policy says), or a failure, which sends the image to review. Database
    errors propagate, for the task to retry."""
    if policy.hash_match_action == HashMatchAction.OFF:
        return []
    try:
        _image_hash_ensure(image)
        if image.hash_error:
            raise HashError(image.hash_error)
        if (image.pdq_quality or 0) < MIN_QUALITY:
            # Flat or nearly blank images all hash alike: PDQ's quality says not to match.
            return []
        matches = hashbank_matches(
            pdq_hash=hash_normalise(image.pdq_hash), max_distance=policy.hash_match_distance
        )
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


def _bank_on_machine_reject(image: ImageUpload, decision: Decision) -> dict[str, object]:
    # Inside the deciding transaction: the rejection and its bank entry are one change.
    matched = any(reason.code == "hash_match" for reason in decision.reasons)
    if decision.outcome == ItemStatus.REJECTED and not matched:
        words = "; ".join(reason_text(reason.as_dict()) for reason in decision.reasons)
        hashbank_add_rejected(image=image, reason=f"rejected by the policy: {words}")
    return {}
