"""Who may moderate, and what each user chose for themselves."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.utils.translation import gettext_lazy as _

MODERATORS_GROUP = "Moderators"
REVIEW_PERMISSION = "moderation.review_content"
# Senior moderators see and decide the items others sent for a second opinion.
SENIOR_MODERATORS_GROUP = "Senior moderators"
SENIOR_PERMISSION = "moderation.review_escalated"


class ModerationAccess(models.Model):
    """Carries the site-wide permissions of moderation; it has no table of its own.

    A permission needs a content type, and a content type without a model is deleted by
    `remove_stale_contenttypes` together with every grant of it; an unmanaged model keeps
    it alive.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("review_content", "Can review and decide queued content"),
            ("review_escalated", "Can decide items escalated for a second opinion"),
        ]

    def __str__(self) -> str:
        return "moderation access"


class UserPreference(models.Model):
    """What any user (submitter, moderator, admin) chose for themselves."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("user"),
    )
    # A code from settings.LANGUAGES; empty: no choice saved, the site's default applies.
    # No `choices` here: the list is a setting, and changing it must not need a migration.
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"


def user_is_moderator(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm(REVIEW_PERMISSION)


def user_is_senior(user: User | AnonymousUser) -> bool:
    """A moderator who may see and decide escalated items."""
    return user_is_moderator(user) and user.has_perm(SENIOR_PERMISSION)
