"""Sign-in abuse limits: a rate per client address, and lock-outs after failed attempts.

Every way in (the sign-in page, the admin's, the API token endpoint) authenticates through
`LockoutBackend`, so failures are counted in one place whatever the door. A locked attempt is
refused before any password is checked, with the same answer whether or not the username
exists, so a lock-out tells an attacker nothing about which accounts there are.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext, ngettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions
from rest_framework.request import Request

from project import ratelimit
from project.client import client_address

logger = logging.getLogger("vakt.security")

USER_SCOPE = "login-user"
CLIENT_SCOPE = "login-client"


def _username_ident(username: str) -> str:
    # Hashed: no usernames in the cache, any characters welcome; case-folded, so "Alice" and
    # "alice" share one budget.
    return hashlib.sha256(username.casefold().encode()).hexdigest()[:40]


def lockout_message(wait: int) -> str:
    minutes = max(1, round(wait / 60))
    return ngettext(
        "Too many failed sign-in attempts for this account or from your network. "
        "Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts for this account or from your network. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def login_locked_for(*, username: str | None, address: str) -> int | None:
    """Seconds left if this username or this client address is locked out, else None."""
    waits = [ratelimit.locked_for(scope=CLIENT_SCOPE, ident=address)] if address else []
    if username:
        waits.append(ratelimit.locked_for(scope=USER_SCOPE, ident=_username_ident(username)))
    locked = [wait for wait in waits if wait]
    return max(locked) if locked else None


def login_rate_hit(*, address: str) -> int | None:
    """Count one sign-in attempt from this address: seconds to wait if over LOGIN_RATE."""
    return ratelimit.hit(scope="login", ident=address, rate=settings.LOGIN_RATE)


def signup_rate_hit(*, address: str) -> int | None:
    """Count one new account from this address: seconds to wait if over SIGNUP_RATE."""
    return ratelimit.hit(scope="signup", ident=address, rate=settings.SIGNUP_RATE)


def login_failed(*, username: str | None, address: str) -> None:
    """Count a failed sign-in against the username and the client address; lock either
    once it reaches its limit, and put the lock-out on the record."""
    seconds = settings.LOGIN_LOCKOUT_SECONDS
    if username:
        locked = ratelimit.fail(
            scope=USER_SCOPE,
            ident=_username_ident(username),
            limit=settings.LOGIN_LOCKOUT_FAILURES,
            window=seconds,
            lock_seconds=seconds,
        )
        if locked:
            _record_lockout(username=username, address=address, seconds=locked)
    if address:
        locked = ratelimit.fail(
            scope=CLIENT_SCOPE,
            ident=address,
            limit=settings.LOGIN_LOCKOUT_IP_FAILURES,
            window=seconds,
            lock_seconds=seconds,
        )
        if locked:
            _record_lockout(username=None, address=address, seconds=locked)


def login_succeeded(*, username: str) -> None:
    """The account's owner got in: their username starts afresh. The address's count stays,
    so an attacker cannot clear it by signing in to an account of their own now and then."""
    ratelimit.forget_failures(scope=USER_SCOPE, ident=_username_ident(username))


def _record_lockout(*, username: str | None, address: str, seconds: int) -> None:
    from moderation.items.models import AuditEvent, AuditSubject, DecidedBy

    if username:
        limit, what = settings.LOGIN_LOCKOUT_FAILURES, f"username {username!r}"
    else:
        limit, what = settings.LOGIN_LOCKOUT_IP_FAILURES, f"client {address}"
    logger.warning(
        "sign-in locked for %s s: %s after %s failed attempts (last from %s)",
        seconds, what, limit, address or "unknown",
    )  # fmt: skip
    AuditEvent.objects.create(
        item_kind=AuditSubject.ACCOUNT,
        actor_kind=DecidedBy.MACHINE,
        action="login_lockout",
        from_status="",
        to_status="",
        reasons=[
            {
                "username": username or "",
                "client": address,
                "failures": limit,
                "locked_seconds": seconds,
            }
        ],
        note=f"sign-in locked for {seconds} s: {what} after {limit} failed attempts",
    )


class LockoutBackend(ModelBackend):
    """Django's username-and-password check, guarded by the lock-outs and counting failures."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        address = client_address(request)
        if login_locked_for(username=username, address=address):
            # Not even a password check: a locked account cannot be guessed at.
            raise PermissionDenied("sign-in is locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if username is None or password is None:
            return user  # not a password sign-in (another backend's credentials)
        if user is None:
            login_failed(username=username, address=address)
        else:
            login_succeeded(username=username)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # ModelBackend has an async check of its own, which would skip the lock-outs.
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )

    def get_user(self, user_id: Any) -> User | None:
        # The user's saved preferences (their language, read on every request) come in the
        # same query as the user.
        try:
            user = User._default_manager.select_related("preference").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class LockoutFormMixin:
    """For Django's sign-in forms: refuse over-rate and locked attempts before authenticating,
    and say so plainly. `retry_after` tells the view to answer 429 with Retry-After."""

    retry_after: int | None = None
    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        address = client_address(self.request)
        username = self.cleaned_data.get("username")
        wait = login_locked_for(username=username, address=address)
        if wait:
            self._refuse(wait, lockout_message(wait), "locked")
        wait = login_rate_hit(address=address)
        if wait:
            message = gettext("Too many sign-in attempts; try again in %(seconds)s s.")
            self._refuse(wait, message % {"seconds": wait}, "rate")
        try:
            return super().clean()  # type: ignore[misc]
        except ValidationError:
            # This failure may have been the one that locked the account or the address.
            wait = login_locked_for(username=username, address=address)
            if wait:
                self._refuse(wait, lockout_message(wait), "locked")
            raise

    def _refuse(self, wait: int, message: str, code: str) -> None:
        self.retry_after = wait
        raise ValidationError(message, code=code)


class LockoutAuthenticationForm(LockoutFormMixin, AuthenticationForm):
    pass


class LockoutAdminAuthenticationForm(LockoutFormMixin, AdminAuthenticationForm):
    pass


class AccountLanguageMixin:
    """For DRF authentication classes: the language middleware ran before DRF knew who was
    calling; once the credentials name a user, their saved language applies to the answer.
    Any token scheme the API adopts takes this mixin first."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        from moderation.i18n import saved_language

        result = super().authenticate(request)  # type: ignore[misc]
        if result is not None and (language := saved_language(result[0])):
            translation.activate(language)
        return result


class TokenAuthentication(AccountLanguageMixin, KnoxTokenAuthentication):
    """`Authorization: Token <key>` with knox's hashed, expiring tokens (project/tokens.py),
    answering in the token owner's language."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        # Keys are hex of a fixed length: anything else is refused before it reaches the
        # database (knox would try to decode any bytes, and PostgreSQL refuses NUL characters).
        pattern = rb"[0-9a-f]{%d}" % knox_settings.AUTH_TOKEN_CHARACTER_LENGTH
        if not re.fullmatch(pattern, token):
            raise exceptions.AuthenticationFailed(gettext("Invalid token."))
        return super().authenticate_credentials(token)


class TokenScheme(OpenApiAuthenticationExtension):
    """The token scheme in the OpenAPI schema (drf-spectacular finds extensions by class)."""

    target_class = "project.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=knox_settings.AUTH_HEADER_PREFIX
        )
