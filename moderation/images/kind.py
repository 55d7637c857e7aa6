"""The image kind, as the core sees it (moderation/kinds.py)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Mapping
from typing import Any, cast

from django.contrib.auth.models import User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.images import hashbank, services, tasks
from moderation.images.hashing import MIN_QUALITY, HashError
from moderation.images.models import ImageUpload
from moderation.images.selectors import image_hash_match_context, image_near_duplicates
from moderation.images.text import image_decide, stored_text_error
from moderation.items.kind_base import KindBase, warm_up
from moderation.items.models import AnalysedItem, AuditEvent, ItemStatus
from moderation.policy.engine import Decision, PolicySnapshot
from moderation.policy.labels import ModerationLabel
from moderation.policy.selectors import policy_current
from moderation.review.models import ReviewItem
from moderation.review.selectors import blur_images_for


class ImageKind(KindBase):
    name = ImageUpload.KIND
    label = _("Image")
    model = ImageUpload
    count_label = "images"
    owner_field = "owner"
    review_template = "review/kinds/image.html"
    side_template = "review/kinds/image_side.html"
    queue_template = "review/kinds/image_queue.html"
    review_title = _("Review image")
    content_cleared: Mapping[str, object] = {"file_key": "", "original_name": ""}

    def queue_analysis(self, item_id: uuid.UUID) -> None:
        tasks.analyze_image.delay(str(item_id))

    def warm_up(self) -> None:
        from moderation.images.analyzers import get_image_analyzer
        from moderation.images.bankindex import bankindex_warm_up
        from moderation.images.ocr import get_text_reader

        warm_up(get_image_analyzer())
        warm_up(get_text_reader())
        bankindex_warm_up()

    def analyse(self, item_id: uuid.UUID) -> object:
        return services.image_analyze(image_id=item_id)

    def analysis_gave_up(self, item_id: uuid.UUID, error: str) -> object:
        return services.image_analysis_gave_up(image_id=item_id, error=error)

    def stored_results(
        self, limit: int
    ) -> Iterator[tuple[uuid.UUID, tuple[list[ModerationLabel], str]]]:
        """Each image's labels (its text's signals among them) and why its text went unread."""
        rows = (
            ImageUpload.objects.exclude(status=ItemStatus.PENDING)
            .filter(error="")
            .exclude(analyzer="")
            .order_by("-created_at")
            .values_list("id", "labels", "text_analysis")[:limit]
        )
        for image_id, labels, text_analysis in rows:
            yield (
                image_id,
                (
                    [
                        ModerationLabel(x["name"], x["confidence"], x.get("parent") or "")
                        for x in labels
                    ],
                    stored_text_error(text_analysis),
                ),
            )

    def decide(self, result: tuple[list[ModerationLabel], str], policy: PolicySnapshot) -> Decision:
        labels, text_error = result
        return image_decide(labels, text_error, policy)

    storage_fields = ("file_key",)

    def decision_files(self, item: AnalysedItem, details: Mapping[str, Any]) -> dict[str, Any]:
        # Rejected files stay in quarantine until the retention job purges them.
        if item.status != ItemStatus.APPROVED:
            return {}
        return {"file_key": services.image_file_place(_image(item), approved=True)}

    def undo_files(self, item: AnalysedItem) -> dict[str, Any]:
        image = _image(item)
        if not image.file_key.startswith(f"{services.APPROVED_PREFIX}/"):
            return {}
        return {"file_key": services.image_file_place(image, approved=False)}

    def on_decided(self, item: AnalysedItem, details: Mapping[str, Any]) -> None:
        if item.status != ItemStatus.REJECTED:
            return
        decision = (
            AuditEvent.objects.filter(item_id=item.id, action="decision")
            .order_by("-created_at")
            .first()
        )
        reasons = decision.reasons if decision else []
        code = reasons[0].get("reason", "") if reasons else ""
        note = f": {decision.note}" if decision and decision.note else ""
        hashbank.hashbank_add_rejected(
            image=_image(item),
            reason=f"rejected by a moderator ({code}){note}",
            added_by=decision.actor if decision else None,
        )

    def on_undone(self, item: AnalysedItem) -> None:
        hashbank.hashbank_remove_for_image(image=_image(item))

    def review_context(self, item: AnalysedItem, moderator: User) -> dict[str, Any]:
        return {
            "blur": blur_images_for(moderator),
            "hash_matches": image_hash_match_context(image=_image(item)),
        }

    def decision_subject(self, *, approved: bool) -> str:
        if approved:
            return gettext("Your image was approved")
        return gettext("Your image was not accepted")

    def group_key(self, item: AnalysedItem) -> str:
        # A near-identical picture already waiting (a re-encode, a resize: PDQ within the
        # policy's match distance) lends its group, so the two are decided together; else the
        # same stored bytes group.
        image = _image(item)
        near_images: list[tuple[ImageUpload, int]] = []
        if image.pdq_hash and (image.pdq_quality or 0) >= MIN_QUALITY:
            distance = policy_current().hash_match_distance
            # A malformed stored hash groups by content alone.
            with contextlib.suppress(HashError, ValueError):
                near_images = image_near_duplicates(item=image, max_distance=distance, limit=1)
        for near, _distance in near_images:
            key = (
                ReviewItem.objects.filter(kind=self.name, item_id=near.id, resolved_at__isnull=True)
                .values_list("group_key", flat=True)
                .first()
            )
            if key:
                return key
        return f"sha256:{image.sha256}" if image.sha256 else ""

    def stored_keys(self, item: AnalysedItem) -> list[str]:
        return [key] if (key := _image(item).file_key) else []

    def purge_note(self, item: AnalysedItem) -> str:
        return f"file {_image(item).file_key} deleted"

    def discard_stale_copy(self, item_id: uuid.UUID, key: str) -> bool:
        # The row says which copy is current; the other one goes, whatever `key` was.
        return services.image_files_tidy(image_id=item_id)

    def discard_stale_copy_later(self, item_id: uuid.UUID, key: str) -> None:
        tasks.tidy_image_files.delay(str(item_id))


def _image(item: AnalysedItem) -> ImageUpload:
    # The core hands a kind only its own items.
    return cast(ImageUpload, item)
