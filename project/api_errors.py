"""OpenAPI descriptions of the API's error answers, shared by every endpoint's schema.

Bad input is answered with messages keyed by the field at fault (`{"image": ["…"]}`); other
refusals (not signed in, not found, conflict, rate limit, a body that cannot be parsed) with
DRF's `{"detail": "…"}`. The application's errors (project/errors.py) become these answers in
`exception_handler`, the one place that maps them; views just let them through.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from project.errors import AppError

FIELD_ERRORS = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description="Bad input: messages keyed by the field at fault, naming the limit broken.",
)
DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}


def detail(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=DETAIL, description=description)


UNAUTHENTICATED = detail("Not signed in: send `Authorization: Token <key>` or a session.")
NOT_MODERATOR = detail("Signed in, but not a moderator.")
NOT_FOUND = detail("No such item, or not one this user may see.")
RATE_LIMITED = detail("Too many requests; the Retry-After header says when to try again.")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the application's errors: `{field: [message]}` when the error names
    a field, else `{"detail": message}`, with the error's status."""
    if isinstance(exc, AppError):
        return Response(exc.as_body(), status=exc.status)
    return drf_exception_handler(exc, context)
