"""The client's address, the one place every rate limit and lock-out asks for it.

Behind `TRUSTED_PROXY_COUNT` reverse proxies, each of which appends the address it was
connected from to `X-Forwarded-For`, the client is the right-most address none of them added:
counting from the right, skip one entry per trusted proxy (the last proxy's own address is
REMOTE_ADDR). Everything further left was written by the client and can be anything, so it is
never read. With no trusted proxy (the default) the header is ignored altogether: a client
that talks to the application directly could put any address there.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.conf import settings

logger = logging.getLogger("vakt.security")


def client_address(request: Any) -> str:
    """The address of the client that sent `request` (an HttpRequest or a DRF Request)."""
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [
        hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    ]
    chain = [hop for hop in forwarded if hop] + [remote]
    # A chain shorter than the proxies configured came past some of them (a health check
    # straight to the application): its left-most address is the nearest to a client there is.
    candidate = chain[max(0, len(chain) - 1 - trusted)]
    if not _is_address(candidate):
        # Only a proxy writes this entry, so garbage here means a misconfigured proxy.
        logger.warning("X-Forwarded-For entry %r is not an address; using REMOTE_ADDR", candidate)
        return remote
    return candidate


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
