"""What one upload or one feedback message costs against the rate limits: the sender's own
budget, then the client address's, shared by every account and anonymous sender behind it.
SIGNUP_RATE bounds how many accounts one address opens; this bounds what they send together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

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


class PostBudgetThrottle(BaseThrottle):
    """A DRF throttle that counts each POST against `budget` (the same one the web form
    draws on); reading costs nothing."""

    budget: Callable[[Any], OverBudget | None]
    wait_seconds: int | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method != "POST":
            return True
        over = type(self).budget(request)
        self.wait_seconds = over.wait if over else None
        return over is None

    def wait(self) -> float | None:
        return self.wait_seconds


class UploadThrottle(PostBudgetThrottle):
    budget = staticmethod(upload_budget_hit)


class FeedbackThrottle(PostBudgetThrottle):
    budget = staticmethod(feedback_budget_hit)
