"""Defaults for a content kind's optional duties (see moderation/kinds.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext

from moderation.items import pipeline
from moderation.items.models import AnalysedItem
from moderation.items.tasks import analyze_item
from project.errors import BadInput

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from rest_framework.serializers import Field


def warm_up(component: object) -> None:
    """Load what an analyzer or reader loads on first use, if it says how (`warm_up()`): local
    models do; a client of a paid service has nothing to load and is never called here."""
    warm = getattr(component, "warm_up", None)
    if callable(warm):
        warm()


class KindBase:
    """Defaults for a kind's optional duties; a kind overrides what it needs."""

    name: str
    label: str | Promise
    model: type[AnalysedItem]
    owner_field = "owner"

    @property
    def count_label(self) -> str:
        return f"{self.name} items"

    review_template = "review/kinds/generic.html"
    side_template = ""
    queue_template = ""
    decision_template = ""
    review_title: str | Promise = ""
    content_cleared: Mapping[str, object] = {}

    def queue_analysis(self, item_id: uuid.UUID) -> None:
        # The core's generic task; kinds with a task of their own (a queue, a name that
        # messages in flight use) override this.
        analyze_item.delay(self.name, str(item_id))

    def analysis_gave_up(self, item_id: uuid.UUID, error: str) -> object:
        lease = pipeline.item_claim(self.model, item_id)
        return pipeline.item_fail(lease, error) if lease else None

    def stored_results(self, limit: int) -> Iterable[tuple[uuid.UUID, Any]]:
        return ()

    def decision_fields(self) -> Mapping[str, Field]:
        return {}

    def decision_check(
        self, item: AnalysedItem, *, approve: bool, details: Mapping[str, Any]
    ) -> dict[str, Any]:
        return {}

    storage_fields: tuple[str, ...] = ()

    def warm_up(self) -> None:
        return None

    def decision_files(self, item: AnalysedItem, details: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def undo_files(self, item: AnalysedItem) -> dict[str, Any]:
        return {}

    def on_decided(self, item: AnalysedItem, details: Mapping[str, Any]) -> None:
        return None

    def on_undone(self, item: AnalysedItem) -> None:
        return None

    def review_context(self, item: AnalysedItem, moderator: User) -> dict[str, Any]:
        return {}

    def reveal(self, item: AnalysedItem, moderator: User) -> str:
        raise BadInput(gettext("this item has nothing hidden to reveal"), field="review")

    def decision_subject(self, *, approved: bool) -> str:
        if approved:
            return gettext("Your submission was approved")
        return gettext("Your submission was not accepted")

    def group_key(self, item: AnalysedItem) -> str:
        return ""

    def stored_keys(self, item: AnalysedItem) -> list[str]:
        return []

    def purge_note(self, item: AnalysedItem) -> str:
        return "content deleted"

    def discard_stale_copy(self, item_id: uuid.UUID, key: str) -> bool:
        return False

    def discard_stale_copy_later(self, item_id: uuid.UUID, key: str) -> None:
        return None
