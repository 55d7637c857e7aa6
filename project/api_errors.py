"""OpenAPI descriptions of the API's error answers, shared by every endpoint's schema.

Bad input is answered with messages keyed by the field at fault (`{"image": ["…"]}`); other
refusals (not signed in, not found, conflict, rate limit, a body that cannot be parsed) with
DRF's `{"detail": "…"}`.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

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
