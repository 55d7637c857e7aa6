"""Decided feedback is filed as a JSON document in a folder per sentiment (S3 prefixes)."""

from __future__ import annotations

import json
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from feedback.models import Feedback
from feedback.pii.floor import pii_fields, stored_entities
from moderation.items import holds
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


def discard_document(*, feedback_id: uuid.UUID, key: str) -> bool:
    """Delete a document its message no longer points at; returns whether it did.

    Under a hold (moderation/items/holds.py), so nobody files the message again meanwhile and
    no lock is held while deleting. Raises StorageError, to be retried, while the message is
    pending or held by someone else."""
    hold = holds.item_hold(Feedback, feedback_id)
    if hold is None:
        if Feedback.objects.filter(id=feedback_id).exists():
            raise StorageError(f"feedback {feedback_id} is being changed; {key} waits")
        _delete(key)  # the message itself is gone
        return True
    try:
        if hold.mine().values_list("route", flat=True).first() == key:
            return False
        _delete(key)
    finally:
        holds.item_unhold(hold)
    return True


def _delete(key: str) -> None:
    try:
        default_storage.delete(key)
    except Exception as exc:
        raise StorageError(f"could not delete {key}: {exc}") from exc
