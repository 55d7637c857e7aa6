"""The item page's claim and hand-off actions: start reviewing, take over, release, skip and
escalate. Each is one service call; errors go back to the page through `web_error`."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from moderation.review import handoff, selectors
from moderation.review import services as reviews
from moderation.review.models import ReviewItem
from moderation.review.views import _moderator, _next, moderator_required
from project.errors import AppError, web_error


def _claim_answer(request: HttpRequest, entry: ReviewItem) -> HttpResponse:
    """The item page's claim banner for its script, or the item page itself for a form."""
    if request.htmx:  # type: ignore[attr-defined]
        claim = selectors.claim_state(entry, _moderator(request))
        return render(request, "review/_claim.html", {"entry": entry, "claim": claim})
    return redirect("review-item", review_id=entry.id)


@require_POST
@moderator_required
def claim(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    """Start reviewing: from the item page's button, or its script on the first decision key."""
    try:
        entry = reviews.review_claim(review_id=review_id, moderator=_moderator(request))
    except AppError as exc:
        if request.htmx:  # type: ignore[attr-defined]
            return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
        return web_error(request, exc, "review-item", review_id=review_id)
    return _claim_answer(request, entry)


@require_POST
@moderator_required
def take_over(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    try:
        reviews.review_take_over(review_id=review_id, moderator=_moderator(request))
    except AppError as exc:
        return web_error(request, exc, "review-item", review_id=review_id)
    messages.success(request, gettext("You took this item over."))
    return redirect("review-item", review_id=review_id)


@require_POST
@moderator_required
def release(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    try:
        reviews.review_release(review_id=review_id, moderator=_moderator(request))
    except AppError as exc:
        return web_error(request, exc, "review-item", review_id=review_id)
    messages.success(request, gettext("Released: another moderator can take this item now."))
    return redirect("review-queue")


@require_POST
@moderator_required
def skip(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    """Pass on this item and go to the next one (never straight back to this one)."""
    try:
        entry = handoff.review_skip(review_id=review_id, moderator=_moderator(request))
    except AppError as exc:
        return web_error(request, exc, "review-queue")
    messages.success(request, gettext("Skipped."))
    return _next(request, escalated=entry.escalated_at is not None)


@require_POST
@moderator_required
def escalate(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    """Send this item for a second opinion, then go to the next one."""
    try:
        handoff.review_escalate(
            review_id=review_id, moderator=_moderator(request), note=request.POST.get("note", "")
        )
    except AppError as exc:
        return web_error(request, exc, "review-item", review_id=review_id)
    messages.success(request, gettext("Sent for a second opinion."))
    return _next(request)
