"""Content kinds: what the core asks of images, feedback or any other kind of item.

The core (items, policy, review, stats) never imports a kind. Each kind implements
`ContentKind` and registers itself, from its AppConfig.ready, with `kind_register`; the core
finds it again by the name stored on every queue entry and audit event (`ReviewItem.kind`,
`AuditEvent.item_kind`, the model's `KIND`).

`moderation.items.kind_base.KindBase` gives every optional duty a default (nothing to file,
nothing to reveal, …), so a kind writes only what differs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from rest_framework.serializers import Field

    from moderation.items.models import AnalysedItem
    from moderation.policy.engine import Decision, PolicySnapshot


class ContentKind(Protocol):
    """One kind of content, as the core sees it."""

    # Read-only attributes (a class attribute of the kind will do).
    @property
    def name(self) -> str:
        """Stored in queue entries and audit events (at most 10 characters); never renamed."""

    @property
    def label(self) -> str | Promise:
        """Shown in the queue and the history: "image", "feedback"."""

    @property
    def count_label(self) -> str:
        """How command-line reports count them: "images", "feedback messages"."""

    @property
    def model(self) -> type[AnalysedItem]: ...

    @property
    def owner_field(self) -> str:
        """The foreign key to the submitter, e.g. "owner"."""

    # Templates the review pages include: the item's panel, more facts in the side panel, an
    # extra line under its queue entry, extra inputs in the decision form ("" for none); each
    # sees `entry`, `item`, `kind` and what review_context() returns.
    @property
    def review_template(self) -> str: ...

    @property
    def side_template(self) -> str: ...

    @property
    def queue_template(self) -> str: ...

    @property
    def decision_template(self) -> str: ...

    @property
    def review_title(self) -> str | Promise:
        """The item page's title."""

    # Analysis ---------------------------------------------------------------------------
    def queue_analysis(self, item_id: uuid.UUID) -> None:
        """Hand the item's analysis to the broker; raises if the broker is unreachable."""

    def analyse(self, item_id: uuid.UUID) -> object:
        """Analyse a pending item and decide it under the current policy (idempotent)."""

    def analysis_gave_up(self, item_id: uuid.UUID, error: str) -> object:
        """Retries exhausted: send the item to review with the error as its reason."""

    # Policy -----------------------------------------------------------------------------
    def stored_results(self, limit: int) -> Iterable[tuple[uuid.UUID, Any]]:
        """The stored analysis results of the last `limit` analysed items, for replay."""

    def decide(self, result: Any, policy: PolicySnapshot) -> Decision:
        """What `policy` decides about one stored result (pure: no analyzer, no writes)."""

    def warm_up(self) -> None:
        """Load what the kind's analysis needs (models) ahead of the first item: called once
        per worker process before it takes tasks (project/celery.py)."""

    # Review -----------------------------------------------------------------------------
    def decision_fields(self) -> Mapping[str, Field]:
        """Extra inputs a moderator's decision takes (API serializer fields), by name."""

    def decision_check(
        self, item: AnalysedItem, *, approve: bool, details: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Validate a decision's extra inputs before anything is written; return them cleaned.
        Raises project.errors.BadInput naming the field."""

    @property
    def storage_fields(self) -> tuple[str, ...]:
        """The fields that point at what the kind stores for a decided item (a file's key, a
        document's): a copy none of them points at any more is discarded."""

    def decision_files(self, item: AnalysedItem, details: Mapping[str, Any]) -> dict[str, Any]:
        """Before a person's decision commits, with the item held and no lock taken
        (moderation/items/holds.py): store what the decision stores (copy the file, file the
        document) for `item` as it will be once decided. Returns the fields to write with the
        decision. Raises StorageError: nothing is decided."""

    def undo_files(self, item: AnalysedItem) -> dict[str, Any]:
        """As decision_files, for taking a decision back: the item is still decided."""

    def on_decided(self, item: AnalysedItem, details: Mapping[str, Any]) -> None:
        """Inside the decision's transaction, once the item is approved or rejected and its
        audit event written: the decision's other writes (the hash bank). No storage I/O."""

    def on_undone(self, item: AnalysedItem) -> None:
        """Inside the undo's transaction, the item back in review: take back on_decided."""

    def review_context(self, item: AnalysedItem, moderator: User) -> dict[str, Any]:
        """Extra context for this kind's review templates."""

    def reveal(self, item: AnalysedItem, moderator: User) -> str:
        """Content hidden on the item page, for a moderator who asked (on the record).
        Raises BadInput when the kind hides nothing."""

    def decision_subject(self, *, approved: bool) -> str:
        """The subject of the e-mail telling the submitter a moderator's decision."""

    def group_key(self, item: AnalysedItem) -> str:
        """Open items with the same key are the same content and are grouped in the queue
        (moderation/review/grouping.py): "" for an item that groups with nothing."""

    # Retention --------------------------------------------------------------------------
    @property
    def content_cleared(self) -> Mapping[str, object]:
        """The fields that hold content, and their values once it is deleted."""

    def stored_keys(self, item: AnalysedItem) -> list[str]:
        """Storage keys of the item's stored files and documents."""

    def purge_note(self, item: AnalysedItem) -> str:
        """What purging the item deleted, for the audit trail."""

    def discard_stale_copy(self, item_id: uuid.UUID, key: str) -> bool:
        """Delete a stored copy the item's row no longer points at (after a move). Raises
        StorageError to be retried."""

    def discard_stale_copy_later(self, item_id: uuid.UUID, key: str) -> None:
        """Queue a retrying task that does discard_stale_copy."""


_KINDS: dict[str, ContentKind] = {}


def kind_register(kind: ContentKind) -> ContentKind:
    """Make a kind known to the core. Registering the same name again replaces it (tests)."""
    if len(kind.name) > 10:
        raise ValueError(f"kind name {kind.name!r} is longer than 10 characters")
    if kind.name != kind.model.KIND:
        raise ValueError(f"{kind.model.__name__}.KIND must be {kind.name!r}")
    _KINDS[kind.name] = kind
    return kind


def kind_unregister(name: str) -> None:
    _KINDS.pop(name, None)


def kind_get(name: str) -> ContentKind:
    """The registered kind of this name; KeyError for an unknown one."""
    return _KINDS[name]


def kind_of(item: AnalysedItem) -> ContentKind:
    return _KINDS[item.KIND]


def kinds_all() -> Iterator[ContentKind]:
    """The registered kinds, in the order they registered."""
    return iter(list(_KINDS.values()))


def kind_names() -> list[str]:
    return list(_KINDS)


def kind_label(name: str) -> str:
    kind = _KINDS.get(name)
    return str(kind.label) if kind else name
