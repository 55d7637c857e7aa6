"""Response headers Django 5.2 does not set itself: the Content-Security-Policy and friends,
and `Cache-Control: no-store` on every answer that depends on who asks.

Pages carry no inline script, no inline style and no event-handler attributes: scripts and
styles come from our own static files, so the policy can be strict on every page, the admin's
included. A response that sets its own policy (user files, which get `sandbox`) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, has_vary_header

# Served user files: nothing in them may run, load or be framed, even when opened directly.
FILE_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def storage_origins() -> list[str]:
    """Where a redirect for a user file may lead: the S3 bucket's presigned-URL host(s)."""
    bucket = settings.AWS_STORAGE_BUCKET_NAME
    if not bucket:
        return []
    if settings.AWS_ENDPOINT_URL:
        # An S3-compatible service or an emulator: path-style or virtual-hosted URLs.
        parts = urlsplit(settings.AWS_ENDPOINT_URL)
        return [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://{bucket}.{parts.netloc}"]
    region = settings.AWS_REGION
    return [f"https://{bucket}.s3.{region}.amazonaws.com", f"https://{bucket}.s3.amazonaws.com"]


def content_security_policy() -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *storage_origins()],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Built per response: cheap, and it follows the storage settings (tests swap them).
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers and is_private(request, response):
            # Queue, item pages, history, CSV, API answers: nothing a shared cache or the
            # browser's back button may keep. A view that chose a policy keeps it.
            add_never_cache_headers(response)
        return response


def is_private(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether the answer depends on who asks: a signed-in user, a token, an API answer, or
    a page that read the session (Django marks it `Vary: Cookie`)."""
    user = getattr(request, "user", None)
    return (
        bool(user is not None and user.is_authenticated)
        or "HTTP_AUTHORIZATION" in request.META
        or request.path.startswith("/api/")
        or has_vary_header(response, "Cookie")
    )
