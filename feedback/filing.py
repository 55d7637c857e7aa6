"""Decided feedback is filed as a JSON document in a folder per sentiment (S3 prefixes)."""

from __future__ import annotations

import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from feedback.models import Feedback
from moderation.models import ItemStatus


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

    return {
        "id": str(feedback.id),
        "status": feedback.status,
        "text": feedback.redacted_text,  # never the original: PII stays out of the archive
        "language": feedback.language,
        "sentiment": feedback.sentiment or None,
        "sentiment_scores": feedback.sentiment_scores,
        "sentiment_set_by": feedback.sentiment_set_by or None,
        "toxicity": feedback.toxicity,
        "pii_types": feedback.pii_types,
        "key_phrases": [scrub(phrase) for phrase in feedback.key_phrases],
        "entities": [{**entity, "text": scrub(entity["text"])} for entity in feedback.entities],
        "policy_version": feedback.policy_version,
        "decided_by": feedback.decided_by or None,
        "created_at": feedback.created_at.isoformat(),
        "decided_at": feedback.decided_at.isoformat() if feedback.decided_at else None,
    }


def file_document(feedback: Feedback) -> str:
    """Write the document at its key (replacing an earlier copy there) and return the key."""
    key = document_key(feedback)
    body = json.dumps(document(feedback), ensure_ascii=False, indent=2).encode()
    # Storages rename instead of overwriting; a retried write must land on the same key.
    if default_storage.exists(key):
        default_storage.delete(key)
    saved = default_storage.save(key, ContentFile(body))
    if saved != key:
        raise RuntimeError(f"document for {feedback.id} was stored as {saved}, not {key}")
    return key


def move_document(feedback: Feedback, old_key: str) -> str:
    """Re-file after a change of sentiment or status; the old copy goes once the new one exists."""
    key = file_document(feedback)
    if old_key and old_key != key:
        default_storage.delete(old_key)
    return key
