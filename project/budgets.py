"""What one upload or one feedback message costs against the rate limits: the sender's own
budget, then the client address's, shared by every account and anonymous sender behind it.
SIGNUP_RATE bounds how many accounts one address opens; this bounds what they send together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from project import ratelimit
from project.client import client_address


@dataclass(frozen=True)
class OverBudget:
    wait: int  # seconds until the window that refused reopens
    rate: str  # the limit that refused, as configured ("30/minute")


def upload_budget_hit(request: Any) -> OverBudget | None:
    """Count one upload by the signed-in user of `request`."""
    return _hit(
        ("uploads", str(request.user.pk), settings.UPLOAD_RATE),
        ("uploads-address", client_address(request), settings.UPLOAD_ADDRESS_RATE),
    )


def feedback_budget_hit(request: Any) -> OverBudget | None:
    """Count one feedback message: per user, or per address for anonymous senders."""
    address = client_address(request)
    sender = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{address}"
    return _hit(
        ("feedback", sender, settings.FEEDBACK_RATE),
        ("feedback-address", address, settings.FEEDBACK_ADDRESS_RATE),
    )


def _hit(*budgets: tuple[str, str, str]) -> OverBudget | None:
    # In order, stopping at the first refusal: a refused request costs no later budget.
    for scope, ident, rate in budgets:
        wait = ratelimit.hit(scope=scope, ident=ident, rate=rate)
        if wait is not None:
            return OverBudget(wait=wait, rate=rate)
    return None
