from __future__ import annotations

from django.db import models

MODERATORS_GROUP = "Moderators"
REVIEW_PERMISSION = "moderation.review_content"


class ModerationAccess(models.Model):
    """Carries the site-wide permissions of moderation; it has no table of its own.

    A permission needs a content type, and a content type without a model is deleted by
    `remove_stale_contenttypes` together with every grant of it; an unmanaged model keeps
    it alive.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("review_content", "Can review and decide queued content")]

    def __str__(self) -> str:
        return "moderation access"
