"""Decided feedback is filed as a JSON document in a folder per sentiment (S3 prefixes)."""

from __future__ import annotations

import json
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from feedback.models import Feedback
from feedback.pii.floor import pii_fields, stored_entities
from moderation.items import pipeline
from moderation.items.errors import StorageError
from moderation.items.models import ItemStatus


def document_key(feedback: Feedback) -> str:
    """feedback/<sentiment>/YYYY/MM/DD/<id>.json, or feedback/rejected/… for rejected ones.

    Dated by arrival, not decision, so a key never changes except with its folder."""
    if feedback.status == ItemStatus.REJECTED:
        folder = "rejected"
    elif feedback.sentiment:
        folder = feedback.sentiment
    else:
        raise ValueError(f"feedback {feedback.id} has no sentiment to be filed under")
    return f"feedback/{folder}/{feedback.created_at:%Y/%m/%d}/{feedback.id}.json"


def document(feedback: Feedback) -> dict[str, object]:
    # Key phrases and entities are cut from the text, so they can carry its PII too.
    found = {feedback.text[p["begin"] : p["end"]]: p["type"] for p in feedback.pii}

    def scrub(value: str) -> str:
        for secret, kind in found.items():
            value = value.replace(secret, f"[{kind}]")
        return value

    checked = feedback.pii_checked_at is not None
    return {
        "id": str(feedback.id),
        "status": feedback.status,
        # Never the original: personal data stays out of the archive. A text whose check has
        # never succeeded is left out altogether.
        "text": feedback.redacted_text if checked else None,
        "text_withheld": not checked,
        "language": feedback.language,
        "sentiment": feedback.sentiment or None,
        "sentiment_scores": feedback.sentiment_scores,
        "sentiment_set_by": feedback.sentiment_set_by or None,
        "toxicity": feedback.toxicity,
        "pii_types": feedback.pii_types,
        "translation": (feedback.translation or None) if checked else None,
        "key_phrases": [scrub(phrase) for phrase in feedback.key_phrases] if checked else [],
        "entities": (
            [{**entity, "text": scrub(entity["text"])} for entity in feedback.entities]
            if checked
            else []
        ),
        "policy_version": feedback.policy_version,
        "decided_by": feedback.decided_by or None,
        "created_at": feedback.created_at.isoformat(),
        "decided_at": feedback.decided_at.isoformat() if feedback.decided_at else None,
    }


def file_document(feedback: Feedback) -> str:
    """Write the document at its key (replacing an earlier copy there) and return the key.
    Raises StorageError, to be retried."""
    ensure_pii_checked(feedback)
    key = document_key(feedback)
    body = json.dumps(document(feedback), ensure_ascii=False, indent=2).encode()
    try:
        # Storages rename instead of overwriting; a retried write must land on the same key.
        if default_storage.exists(key):
            default_storage.delete(key)
        saved = default_storage.save(key, ContentFile(body))
    except Exception as exc:
        raise StorageError(f"could not file the document of feedback {feedback.id}: {exc}") from exc
    if saved != key:
        default_storage.delete(saved)
        raise StorageError(f"document for {feedback.id} was stored as {saved}, not {key}")
    return key


def ensure_pii_checked(feedback: Feedback) -> bool:
    """Run the personal-data floor again on a message it never succeeded on (stored before
    it existed, or it failed); saves the result. True if the text may be shown masked."""
    if feedback.pii_checked_at is not None:
        return True
    fields = pii_fields(feedback.text, stored_entities(feedback.pii))
    if fields["pii_checked_at"] is None:
        return False
    for name, value in fields.items():
        setattr(feedback, name, value)
    Feedback.objects.filter(id=feedback.id).update(**fields)
    return True


def move_document(feedback: Feedback, old_key: str) -> str:
    """Re-file after a change of sentiment or status, inside the transaction that saves the new
    route: the new copy is written now, the old one goes once the new route has committed (a
    failed transaction must still find its document where the row says)."""
    key = file_document(feedback)
    if old_key and old_key != key:
        transaction.on_commit(lambda: discard_document_soon(feedback_id=feedback.id, key=old_key))
    return key


def discard_document(*, feedback_id: uuid.UUID, key: str) -> bool:
    """Delete a document its message no longer points at; returns whether it did. The row stays
    locked meanwhile, so a concurrent re-filing to the same key waits. Raises StorageError."""
    with transaction.atomic():
        route = (
            Feedback.objects.select_for_update()
            .filter(id=feedback_id)
            .values_list("route", flat=True)
            .first()
        )
        if route == key:
            return False
        try:
            default_storage.delete(key)
        except Exception as exc:
            raise StorageError(f"could not delete {key}: {exc}") from exc
    return True


def discard_document_soon(*, feedback_id: uuid.UUID, key: str) -> None:
    """After the commit that moved a document: delete the old copy now, or leave it to a
    retrying task (the kind's, found through the core's registry)."""
    pipeline.stale_copy_discard_soon(kind=Feedback.KIND, item_id=feedback_id, key=key)
