"""What Vakt keeps, and for how long.

- **Rejected content** is purged `REJECTED_RETENTION_DAYS` after its decision: what its kind
  stored (an image in quarantine, a feedback document under feedback/rejected/) and the fields
  that hold content (feedback's text).
  The row, its decision and its audit trail stay, marked `purged_at`, so statistics and
  explanations survive.
- **A deleted account** takes what its user submitted with it: every stored file and document
  is deleted; undecided items go entirely; decided ones stay as anonymous rows without content
  (for the statistics); the audit trail keeps what happened but no longer says to whom.

Files are deleted before the rows say so: a crash in between leaves a row pointing at a
missing file, which the next run deletes again (deleting a missing file is a no-op), never a
file that nothing points at.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from moderation.items import pipeline
from moderation.items.models import AnalysedItem, AuditEvent, AuditSubject, ItemStatus
from moderation.kinds import ContentKind, kinds_all

logger = logging.getLogger(__name__)

DELETED_USER = "[deleted user]"
UNDECIDED = (ItemStatus.PENDING, ItemStatus.IN_REVIEW)
Item = TypeVar("Item", bound=AnalysedItem)


@dataclass(frozen=True)
class PurgeReport:
    by_kind: dict[str, int]  # items purged, per kind
    failed: int  # left for the next run (e.g. the storage was unreachable); logged

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def rejected_purge(*, older_than_days: int | None = None, batch_size: int = 200) -> PurgeReport:
    """Delete the stored content of items rejected more than `older_than_days` days ago
    (REJECTED_RETENTION_DAYS by default), in batches. Idempotent: purged items are skipped."""
    days = settings.REJECTED_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    by_kind: dict[str, int] = {}
    failed = 0
    for kind in kinds_all():
        purged, kind_failed = _purge_batches(kind, cutoff, batch_size)
        by_kind[kind.name] = purged
        failed += kind_failed
    return PurgeReport(by_kind=by_kind, failed=failed)


def _purge_batches(kind: ContentKind, cutoff: datetime, batch_size: int) -> tuple[int, int]:
    purged = failed = 0
    skip: set[Any] = set()
    due = kind.model._default_manager.filter(
        status=ItemStatus.REJECTED, decided_at__lt=cutoff, purged_at__isnull=True
    ).order_by("decided_at", "id")
    while batch := list(due.exclude(id__in=skip)[:batch_size]):
        for item in batch:
            try:
                done = _purge(kind, item)
            except Exception:
                logger.exception("could not purge rejected %s %s", item.KIND, item.id)
                failed += 1
                done = False
            if done:
                purged += 1
            else:
                skip.add(item.id)  # failed, or changed since it was read: not this run
    return purged, failed


def _purge(kind: ContentKind, item: AnalysedItem) -> bool:
    for key in kind.stored_keys(item):
        default_storage.delete(key)
    with transaction.atomic():
        won = kind.model._default_manager.filter(
            id=item.id, status=ItemStatus.REJECTED, purged_at__isnull=True
        ).update(**kind.content_cleared, purged_at=timezone.now())
        if won:
            pipeline.audit_action(item, actor=None, action="purge", note=kind.purge_note(item))
    return bool(won)


@dataclass(frozen=True)
class ErasureReport:
    files: int  # stored files and documents deleted
    items_deleted: int  # undecided items, gone entirely
    items_anonymised: int  # decided items kept without content or owner
    audit_events: int  # audit events scrubbed of the user's name, address or e-mail


def user_erase(*, user: AbstractBaseUser) -> ErasureReport:
    """Erase what this user submitted and their traces in the audit trail, ahead of deleting
    the account (the pre_delete signal calls this, so the admin's delete does too). Run
    inside the deleting transaction; running it twice does nothing more."""
    now = timezone.now()
    files = items_deleted = items_anonymised = 0
    submitted = [
        (kind, list(kind.model._default_manager.filter(**{kind.owner_field: user})))
        for kind in kinds_all()
    ]
    # Every file first, while the transaction has written nothing and so locks no row.
    for kind, items in submitted:
        for item in items:
            for key in kind.stored_keys(item):
                default_storage.delete(key)
                files += 1
    for kind, items in submitted:
        model, owner_field = kind.model, kind.owner_field
        undecided = [item.id for item in items if item.status in UNDECIDED]
        decided = [item.id for item in items if item.status not in UNDECIDED]
        # Nobody can review what is gone: undecided items leave the queue with their rows.
        model._default_manager.filter(id__in=undecided).delete()
        rows = model._default_manager.filter(id__in=decided)
        rows.filter(purged_at__isnull=True).update(purged_at=now)
        rows.update(**{owner_field: None, **kind.content_cleared})
        items_deleted += len(undecided)
        items_anonymised += len(decided)
    audit_events = _audit_anonymise(user)
    _admin_log_anonymise(user)
    if files or items_deleted or items_anonymised:
        logger.info(
            "erased account %s: %s files, %s items deleted, %s anonymised",
            user.pk, files, items_deleted, items_anonymised,
        )  # fmt: skip
    return ErasureReport(files, items_deleted, items_anonymised, audit_events)


def user_delete(*, user: AbstractBaseUser) -> ErasureReport:
    """Delete an account and everything it submitted (see user_erase)."""
    with transaction.atomic():
        report = user_erase(user=user)
        user.delete()
    return report


def _mentions(user: AbstractBaseUser) -> re.Pattern[str] | None:
    """The user's name or e-mail as a whole word (usernames are letters, digits, @.+-_)."""
    names = [value for value in (user.get_username(), getattr(user, "email", "")) if value]
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.@+-])(?:{alternatives})(?![\w.@+-])", re.IGNORECASE)


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(DELETED_USER, value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, pattern) for key, item in value.items()}
    return value


def _audit_anonymise(user: AbstractBaseUser) -> int:
    """The events stay (what happened, and when); who it was goes. The actor link is cleared
    by the foreign key itself; here names and e-mails in notes and reasons are replaced, and a
    lock-out of this username loses the client address it came from."""
    pattern = _mentions(user)
    if pattern is None:
        return 0
    username = user.get_username().casefold()
    email = getattr(user, "email", "")
    candidates = Q(item_kind=AuditSubject.ACCOUNT) | Q(note__icontains=user.get_username())
    if email:
        candidates |= Q(note__icontains=email)
    changed = 0
    for event in AuditEvent.objects.filter(candidates).iterator():
        reasons = event.reasons
        if event.item_kind == AuditSubject.ACCOUNT:
            reasons = [
                {**reason, "username": DELETED_USER, "client": ""}
                if isinstance(reason, dict)
                and str(reason.get("username", "")).casefold() == username
                else reason
                for reason in reasons
            ]
        reasons, note = _scrub(reasons, pattern), pattern.sub(DELETED_USER, event.note)
        if (reasons, note) != (event.reasons, event.note):
            AuditEvent.objects.filter(id=event.id).update(reasons=reasons, note=note)
            changed += 1
    return changed


def _admin_log_anonymise(user: AbstractBaseUser) -> None:
    """The admin's own history names the account in entries about it (its changes, and its
    deletion): keep the entries, drop the name."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(user)), object_id=str(user.pk)
    )
    entries.update(object_repr=DELETED_USER)
