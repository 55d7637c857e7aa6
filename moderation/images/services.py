"""Writes of the image kind: every change of an image's state goes through here."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from moderation.images.analyzers import get_image_analyzer
from moderation.images.analyzers.base import ImageAnalysis, ImageSource, ModerationLabel
from moderation.images.hashbank import (
    hash_fields,
    hashbank_on_machine_reject,
    image_hash_reasons,
)
from moderation.images.models import ImageUpload
from moderation.images.processing import process_upload
from moderation.images.text import TextFindings, image_decide, image_text_findings
from moderation.items import holds, pipeline
from moderation.items.errors import StorageError
from moderation.items.models import ItemStatus
from moderation.kinds import kind_get
from moderation.policy.engine import (
    REJECT,
    Decision,
    decide,
    decision_with,
)
from moderation.policy.selectors import policy_snapshot
from moderation.policy.taxonomy import IMAGE_TEXT_PREFIX
from project.files import storage_copy

logger = logging.getLogger(__name__)

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
                pdq_framed=processed.pdq_framed.hex if processed.pdq_framed else "",
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


def _twin_sql(analyzer_name: str) -> tuple[str, list[object]]:
    """The oldest decided image with the same bytes that `analyzer_name` analysed without error,
    as a subquery of the claim's UPDATE (evaluated against the claimed row)."""
    table = ImageUpload._meta.db_table
    return (
        f"SELECT t.id FROM {table} t WHERE t.sha256 = {table}.sha256 AND t.analyzer = %s"  # noqa: S608 - names from the models; values bound
        f" AND t.error = '' AND t.id <> {table}.id AND t.status <> %s"
        " ORDER BY t.created_at LIMIT 1",
        [analyzer_name, ItemStatus.PENDING],
    )


def _analysis_reused(
    twin_id: uuid.UUID | None,
) -> tuple[ImageAnalysis, TextFindings | None] | None:
    """The labels (and text, if read) of an identical image the same analyzer already saw: no
    second paid call."""
    twin = ImageUpload.objects.filter(id=twin_id).first() if twin_id else None
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
    review. Never approves on an error. Returns the decided image, or None if this call
    decided nothing."""
    analyzer = get_image_analyzer()
    # One statement leases the image, finds an identical one already analysed, and names the
    # current policy (cached by the process until a new version appears).
    lease = pipeline.item_claim(
        ImageUpload, image_id, returning={"twin_id": _twin_sql(analyzer.name)}
    )
    if lease is None:
        # Decided already (a re-delivered or duplicate message), or another worker holds it.
        # If the decision's clean-up failed, this is its retry.
        image_files_tidy(image_id=image_id)
        return None
    with pipeline.lease_released_on_error(lease):
        image = lease.item
        policy = policy_snapshot(policy_id=lease.policy_id)
        hash_reasons = image_hash_reasons(image, policy)
        if any(reason.band == REJECT for reason in hash_reasons):
            # A known-bad image: rejected without a paid analysis, and not added to the bank
            # again (a chain of near matches would let the bank drift from what was judged).
            no_labels = ImageAnalysis(labels=(), analyzer="", model_version="")
            return _image_apply(
                lease, no_labels, TextFindings(), decision_with(decide((), policy), hash_reasons)
            )

        def analyse() -> tuple[ImageAnalysis, TextFindings]:
            reused, text = _analysis_reused(lease.extra["twin_id"]) or (None, None)
            if reused is not None and text is not None:
                return reused, text
            with default_storage.open(image.file_key, "rb") as stored:
                content = stored.read()
            source = ImageSource(
                key=image.file_key,
                content=content,
                content_type=image.content_type,
                s3_bucket=settings.AWS_STORAGE_BUCKET_NAME,
                width=image.width,
                height=image.height,
            )
            labels = reused or analyzer.analyze(source, min_confidence=policy.min_confidence)
            # The pixels may be harmless and the words not: the text is read as well.
            return labels, image_text_findings(source)

        analysed = pipeline.analyse_or_fail(lease, analyse)
        if analysed is None:
            return _image_failed(lease)
        analysis, text = analysed
        labels = (*analysis.labels, *text.labels)
        decision = decision_with(image_decide(labels, text.error, policy), hash_reasons)
        return _image_apply(lease, analysis, text, decision)


def _image_failed(lease: pipeline.Lease[ImageUpload]) -> ImageUpload | None:
    # analyse_or_fail sent the image to review; whether it won, the row says.
    image = ImageUpload.objects.filter(id=lease.item.id).exclude(status=ItemStatus.PENDING)
    return image.first()


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
    quarantined = image.file_key
    file_key = image.file_key
    if decision.outcome == ItemStatus.APPROVED:
        # Copy first, switch the row, then delete the quarantined copy: a failure anywhere
        # leaves the row pointing at a whole file, and the retry reuses the copy. Where the
        # storage allows, the "copy" is a hard link or a server-side copy: a move in two steps.
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
        # Only a rejection banks the image: other outcomes keep the decision one statement.
        then=(
            (lambda item: hashbank_on_machine_reject(item, decision))
            if decision.outcome == ItemStatus.REJECTED
            else None
        ),
    )
    if decided is None:
        # Lost the race: the copy the row does not point at goes (tidying leaves a pending
        # image alone, so the winner's move is never undercut).
        image_files_tidy(image_id=image.id)
    elif file_key != quarantined:
        # Approved by the machine: nobody else moves this file any more (a moderator acts only
        # on items in review), so the quarantined name goes without locking the row.
        _quarantined_copy_delete(image, quarantined)
    elif image.attempts > 1:
        # An earlier attempt may have left an approved copy behind before it failed.
        image_files_tidy(image_id=image.id)
    return decided


def _quarantined_copy_delete(image: ImageUpload, key: str) -> None:
    try:
        default_storage.delete(key)
    except Exception:
        logger.warning("could not delete %s; a task will retry", key)
        try:
            kind_get(image.KIND).discard_stale_copy_later(image.id, key)
        except Exception:
            logger.exception("could not queue the deletion of %s", key)


def image_file_key(image: ImageUpload, *, approved: bool) -> str:
    """Where the image's file lives in quarantine or once approved: one fixed key each, so a
    retried move lands on the same key instead of a renamed second copy."""
    return _file_key_at(image.file_key, approved=approved)


def _file_key_at(file_key: str, *, approved: bool) -> str:
    name = file_key.rsplit("/", 1)[-1]
    return f"{APPROVED_PREFIX}/{name}" if approved else f"{QUARANTINE}/{name}"


def image_file_copy(image: ImageUpload, target: str) -> str:
    """Copy the image's file to `target` and return it. A whole copy left there by an earlier
    attempt is reused, a partial one replaced. Raises StorageError, to be retried.

    Local storage links the file under its new name and S3 copies it on the server, so no
    byte passes through this process; other storages stream it."""
    try:
        try:
            if storage_copy(default_storage, image.file_key, target):
                return target
        except FileExistsError:
            if default_storage.size(target) == image.size_bytes:
                return target
            default_storage.delete(target)
            if storage_copy(default_storage, image.file_key, target):
                return target
        except FileNotFoundError:
            # Moved already: by another worker that won (a late, woken one is here) or by an
            # earlier attempt of this one. A whole copy at the target is the file.
            if default_storage.exists(target) and default_storage.size(target) == image.size_bytes:
                return target
            raise
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
    Returns whether it tidied; raises StorageError, to be retried.

    Under a hold (moderation/items/holds.py), so no lock is held while deleting and nobody
    copies the file meanwhile. A pending image is left alone (its worker moves the file), and
    so is a held one: the change holding it tidies once it ends."""
    hold = holds.item_hold(ImageUpload, image_id)
    if hold is None:
        return False
    try:
        file_key = hold.mine().values_list("file_key", flat=True).first()
        if not file_key:  # gone, or its file was purged
            return False
        approved = file_key.startswith(f"{APPROVED_PREFIX}/")
        stale = _file_key_at(file_key, approved=not approved)
        try:
            default_storage.delete(stale)
        except Exception as exc:
            raise StorageError(f"could not delete {stale}: {exc}") from exc
    finally:
        holds.item_unhold(hold)
    return True


def image_file_place(image: ImageUpload, *, approved: bool) -> str:
    """Copy the image's file to its place once approved (or back in quarantine) and return the
    new key, for a person's change to write (moderation/items/holds.py); the old copy goes
    once the change has committed. Raises StorageError."""
    return image_file_copy(image, image_file_key(image, approved=approved))


# --- Perceptual hash and the hash bank --------------------------------------------------------
