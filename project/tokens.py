"""API tokens: django-rest-knox's, stored as a SHA-512 digest and expiring after
API_TOKEN_TTL_HOURS. A token is revoked by its own logout, by the account's logout-all, and
whenever the account's password changes or the account is deactivated, whatever the path (the
admin, `set_password` and save, a password-change form, the `changepassword` command).

Only an update through `QuerySet.update()` bypasses the revocation, as it bypasses every
model signal; the code never changes passwords or `is_active` that way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from knox.models import AuthToken

# Saving these fields is what may revoke the account's tokens: other saves (the last sign-in
# time, written at every sign-in) skip the comparison and its query.
_WATCHED = frozenset({"password", "is_active"})
_REVOKE_FLAG = "_vakt_revoke_tokens"


def token_create(*, user: AbstractBaseUser) -> tuple[str, datetime | None]:
    """A new token for `user`: its key, shown this once and never stored, and its expiry.
    The account's expired tokens go now, not only when another of its tokens is used."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, key = AuthToken.objects.create(user=user)
    return key, instance.expiry


def token_revoke(*, token: AuthToken) -> None:
    token.delete()


def tokens_revoke(*, user: AbstractBaseUser) -> int:
    """Revoke every token of `user`; how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def account_before_save(
    sender: type[Any],
    instance: Any,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """pre_save on the user model: note whether this save changes the password or
    deactivates the account. The tokens go after the save, so a save that fails keeps them."""
    setattr(instance, _REVOKE_FLAG, False)
    if raw or instance.pk is None:
        return
    if update_fields is not None and not _WATCHED & set(update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values("password", "is_active")
    before = stored.first()
    if before is None:
        return
    password_changed = before["password"] != instance.password
    deactivated = before["is_active"] and not instance.is_active
    setattr(instance, _REVOKE_FLAG, password_changed or deactivated)


def account_saved(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    """post_save on the user model: revoke the tokens if the save changed the password or
    deactivated the account (see `account_before_save`)."""
    if getattr(instance, _REVOKE_FLAG, False):
        setattr(instance, _REVOKE_FLAG, False)
        tokens_revoke(user=instance)
