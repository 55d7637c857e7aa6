"""The comment kind: everything the core asks of a kind, in a few lines, using only what the
core offers (the pipeline, the policy engine, storage)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import Any, cast

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from moderation.items import pipeline
from moderation.items.kind_base import KindBase
from moderation.items.models import AnalysedItem, ItemStatus
from moderation.policy.engine import Decision, PolicySnapshot, decide
from moderation.policy.labels import ModerationLabel
from moderation.policy.selectors import policy_current
from tests.kinds.models import Comment

# The "analyzer": a word and the confidence it earns.
SIGNALS = {"spam": ("SPAM", 80.0), "scam": ("SPAM", 99.0)}


def analyse_text(body: str) -> list[dict[str, object]]:
    found = [SIGNALS[word] for word in body.lower().split() if word in SIGNALS]
    return [{"name": name, "confidence": confidence} for name, confidence in found]


def comment_create(*, body: str, author: Any = None) -> Comment:
    comment = Comment.objects.create(body=body, author=author)
    transaction.on_commit(lambda: pipeline.item_queue(kind=Comment.KIND, item_id=comment.id))
    return comment


class CommentKind(KindBase):
    name = Comment.KIND
    label = "comment"
    model = Comment
    owner_field = "author"
    count_label = "comments"
    review_title = "Review comment"
    content_cleared: Mapping[str, object] = {"body": "", "published_key": ""}

    def analyse(self, item_id: uuid.UUID) -> object:
        lease = pipeline.item_claim(Comment, item_id)
        if lease is None:
            return None
        with pipeline.lease_released_on_error(lease):
            signals = analyse_text(lease.item.body)
            decision = self.decide(signals, policy_current())
            return pipeline.item_decide(
                lease,
                outcome=decision.outcome,
                reasons=[reason.as_dict() for reason in decision.reasons],
                policy_version=decision.policy_version,
                fields={"signals": signals, "analyzer": "words", "error": ""},
            )

    def stored_results(self, limit: int) -> Iterator[tuple[uuid.UUID, Any]]:
        rows = Comment.objects.exclude(status=ItemStatus.PENDING).order_by("-created_at")
        yield from rows.values_list("id", "signals")[:limit]

    def decide(self, result: Any, policy: PolicySnapshot) -> Decision:
        return decide([ModerationLabel(s["name"], s["confidence"]) for s in result], policy)

    def on_decided(self, item: AnalysedItem, details: Mapping[str, Any]) -> None:
        comment = cast(Comment, item)
        if comment.status == ItemStatus.APPROVED:
            key = default_storage.save(f"comments/{comment.id}.txt", ContentFile(comment.body))
            Comment.objects.filter(id=comment.id).update(published_key=key)

    def on_undone(self, item: AnalysedItem) -> None:
        comment = cast(Comment, item)
        if key := comment.published_key:
            Comment.objects.filter(id=comment.id).update(published_key="")
            transaction.on_commit(
                lambda: pipeline.stale_copy_discard_soon(kind=self.name, item_id=item.id, key=key)
            )

    def discard_stale_copy(self, item_id: uuid.UUID, key: str) -> bool:
        default_storage.delete(key)
        return True

    def stored_keys(self, item: AnalysedItem) -> list[str]:
        return [key] if (key := cast(Comment, item).published_key) else []
