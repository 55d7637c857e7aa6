"""The application's one error type. Services raise it; one DRF exception handler
(project/api_errors.py) and one web helper (`web_error_message` below) turn it into answers,
so every endpoint and page says the same thing for the same problem.

`field` names the input at fault: the API answers `{field: [message]}`, otherwise
`{"detail": message}`, with `status`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect


class AppError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def as_body(self) -> dict[str, object]:
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message}


class BadInput(AppError):
    """The request is wrong: a 400 (or 413 for too large), naming the field."""


class Forbidden(AppError):
    """The user may not do this to this thing (not a missing permission, a rule): a 403."""

    status = 403


class NotFound(AppError):
    status = 404


class Conflict(AppError):
    """Someone else holds or already changed the thing: a 409."""

    status = 409


class Unavailable(AppError):
    """A service we depend on did not answer; nothing was changed: a 503, worth retrying."""

    status = 503


def web_error(
    request: HttpRequest,
    exc: AppError,
    redirect_to: str,
    *,
    message: str | None = None,
    level: int | None = None,
    **url_kwargs: Any,
) -> HttpResponse:
    """A page's answer to an application error: NotFound is the 404 page, Forbidden the 403
    page with the error's words (templates/403.html); anything else is
    said on the page the user is sent to (`redirect_to`, a URL name), as a warning for a
    conflict, an error otherwise (or `level`). `message` replaces the error's own words."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.message)
    if level is None:
        level = messages.WARNING if isinstance(exc, Conflict) else messages.ERROR
    messages.add_message(request, level, message or exc.message)
    return redirect(redirect_to, **url_kwargs)
