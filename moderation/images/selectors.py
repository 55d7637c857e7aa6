"""Reads of the image kind: who may see which image and its file."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from moderation.access import user_is_moderator
from moderation.images.models import ImageUpload
from moderation.items.models import ItemStatus


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
