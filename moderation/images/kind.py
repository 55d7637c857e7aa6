"""The image kind, as the core sees it (moderation/kinds.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import Any, cast

from django.contrib.auth.models import User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.images import services, tasks
from moderation.images.models import ImageUpload
from moderation.images.text import image_decide, stored_text_error
from moderation.items.kind_base import KindBase
from moderation.items.models import AnalysedItem, ItemStatus
from moderation.policy.engine import Decision, PolicySnapshot
from moderation.policy.labels import ModerationLabel
from moderation.review.selectors import blur_images_for


class ImageKind(KindBase):
    name = ImageUpload.KIND
    label = _("Image")
    model = ImageUpload
    count_label = "images"
    owner_field = "owner"
    review_template = "review/kinds/image.html"
    side_template = "review/kinds/image_side.html"
    review_title = _("Review image")
    content_cleared: Mapping[str, object] = {"file_key": "", "original_name": ""}

    def queue_analysis(self, item_id: uuid.UUID) -> None:
        tasks.analyze_image.delay(str(item_id))

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

    def on_decided(self, item: AnalysedItem, details: Mapping[str, Any]) -> None:
        # Rejected files stay in quarantine until the retention job purges them.
        if item.status == ItemStatus.APPROVED:
            services.image_file_move(_image(item), approved=True)

    def on_undone(self, item: AnalysedItem) -> None:
        image = _image(item)
        if image.file_key.startswith(f"{services.APPROVED_PREFIX}/"):
            services.image_file_move(image, approved=False)

    def review_context(self, item: AnalysedItem, moderator: User) -> dict[str, Any]:
        return {"blur": blur_images_for(moderator)}

    def decision_subject(self, *, approved: bool) -> str:
        if approved:
            return gettext("Your image was approved")
        return gettext("Your image was not accepted")

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
