"""Reads. Views and tasks ask here; nothing here writes."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from moderation.models import REVIEW_PERMISSION, ImageUpload, ItemStatus, Policy, ReviewItem
from moderation.policy import Band, PolicySnapshot


def user_is_moderator(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(REVIEW_PERMISSION)


def policy_current() -> PolicySnapshot:
    policy = Policy.objects.prefetch_related("bands").order_by("-version").first()
    if policy is None:
        # The seed migration creates version 1; reaching here means the database was emptied.
        raise Policy.DoesNotExist("no moderation policy: run `manage.py migrate`")
    return PolicySnapshot(
        version=policy.version,
        bands={
            band.category: Band(band.review_at, band.reject_at, band.enabled, band.kind)
            for band in policy.bands.all()
        },
        default=Band(policy.default_review_at, policy.default_reject_at),
        sentiment_review_below=policy.sentiment_review_below,
    )


def image_list_for_owner(*, user: User) -> QuerySet[ImageUpload]:
    return ImageUpload.objects.filter(owner=user).order_by("-created_at")


def image_get_for_user(
    *, user: User | AnonymousUser, image_id: uuid.UUID | str
) -> ImageUpload | None:
    """The image if this user may see it (its owner, or a moderator), else None."""
    if not user.is_authenticated:
        return None
    images = ImageUpload.objects.all()
    if not user_is_moderator(user):
        images = images.filter(owner=user)
    return images.filter(id=image_id).first()


def image_file_visible_to(*, image: ImageUpload, user: User | AnonymousUser) -> bool:
    """Moderators see every file; an owner sees theirs once it is approved, no one else ever."""
    if user_is_moderator(user):
        return True
    return image.owner_id == user.pk and image.status == ItemStatus.APPROVED


def review_queue(*, kind: str | None = None) -> QuerySet[ReviewItem]:
    """Open queue entries, oldest first, with what a listing shows in the same query."""
    entries = ReviewItem.objects.filter(resolved_at__isnull=True).select_related(
        "image", "feedback", "claimed_by"
    )
    if kind:
        entries = entries.filter(kind=kind)
    return entries.order_by("created_at")
