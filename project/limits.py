"""Request bodies refused by their declared size, before anything reads them.

Django reads a whole form body the first time anything touches `request.POST`, spooling file
parts to disk, and the CSRF check does that before a view's sign-in check runs: an anonymous
200 MB POST to a form would be read to the end before its 302. This middleware answers 413 from
the `Content-Length` header alone, in `process_view`, which runs before the CSRF check's.

Each view accepts `DATA_UPLOAD_MAX_MEMORY_SIZE` unless it says otherwise with `@body_limit`
(the upload views: the image limit plus room for the multipart framing). A body sent without a
length (chunked) reaches Django as empty under WSGI, and the proxy in front bounds it anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext

# Multipart boundaries, part headers and the form's other fields around an uploaded file.
MULTIPART_SLACK_BYTES = 64 * 1024

View = TypeVar("View", bound=Callable[..., Any])


def upload_body_limit() -> int:
    return settings.MAX_UPLOAD_BYTES + MULTIPART_SLACK_BYTES


def body_limit(limit: Callable[[], int], *, field: str = "") -> Callable[[View], View]:
    """The largest body a view accepts, read from settings per request (tests change them);
    `field` names the form field an API error is keyed by."""

    def decorate(view: View) -> View:
        view.body_limit = (limit, field)  # type: ignore[attr-defined]
        return view

    return decorate


def declared_length(request: HttpRequest) -> int | None:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None  # Django reads such a body as empty
    return declared if declared > 0 else None


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        declared = declared_length(request)
        if declared is None:
            return None
        limit_of, field = _limit_of(view)
        limit = limit_of()
        if declared <= limit:
            return None
        return too_large(request, declared=declared, limit=limit, field=field)


def _limit_of(view: Callable[..., Any]) -> tuple[Callable[[], int], str]:
    # DRF's as_view() keeps the view class on the function it returns.
    own = getattr(view, "body_limit", None) or getattr(
        getattr(view, "cls", None), "body_limit", None
    )
    return own or (_default_limit, "")


def _default_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large(request: HttpRequest, *, declared: int, limit: int, field: str) -> HttpResponse:
    message = gettext(
        "the request body is %(declared)s bytes; the limit here is %(limit)s bytes (%(mib)s MiB)"
    ) % {"declared": declared, "limit": limit, "mib": f"{limit / 1024 / 1024:.1f}"}
    if request.path.startswith("/api/"):
        body: dict[str, Any] = {field: [message]} if field else {"detail": message}
        return JsonResponse(body, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
