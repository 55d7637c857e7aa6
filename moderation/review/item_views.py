"""A group's decision (grouping.py), and a read-only record of any item, decided or not,
that the history and the submitter panel link to."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from moderation.items.models import AuditEvent
from moderation.kinds import kind_get, kind_names
from moderation.review import bulk as bulk_decisions
from moderation.review import services as reviews
from moderation.review.explain import item_rules
from moderation.review.grouping import group_decidable
from moderation.review.history import history_rows
from moderation.review.models import ReviewItem
from moderation.review.submitter import submitter_context
from moderation.review.views import _moderator, _reason, bulk_done_message, moderator_required
from project.errors import AppError, web_error

RECORD_EVENTS = 50


@require_GET
@moderator_required
def item_record(request: HttpRequest, kind: str, item_id: uuid.UUID) -> HttpResponse:
    """Any item as it is now, read-only: claims nothing, decides nothing."""
    if kind not in kind_names():
        raise Http404(gettext("No such item"))
    content_kind = kind_get(kind)
    item = content_kind.model._default_manager.filter(id=item_id).first()
    if item is None:
        raise Http404(gettext("No such item"))
    entry = ReviewItem.objects.filter(kind=kind, item_id=item_id).first()
    events = AuditEvent.objects.filter(item_kind=kind, item_id=item_id).select_related("actor")
    context = {
        **content_kind.review_context(item, _moderator(request)),
        "entry": entry,
        "item": item,
        "kind": content_kind,
        "reason_rules": item_rules(item.reasons, item.policy_version),
        "events": history_rows(events.order_by("-created_at", "-id")[:RECORD_EVENTS]),
        "submitter": submitter_context(item),
        "read_only": True,
    }
    return render(request, "review/record.html", context)


@require_POST
@moderator_required
def group_decide(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    """One decision for an item and the members of its group the page listed: each decided
    through the bulk service, with its own audit row and e-mail, undone together."""
    entry = get_object_or_404(ReviewItem, id=review_id)
    kind = kind_get(entry.kind)
    details = {name: request.POST.get(name) or None for name in kind.decision_fields()}
    ids = group_decidable(entry, request.POST.getlist("members"))
    ids, own = reviews.review_split_own(review_ids=ids, moderator=_moderator(request))
    if own:
        messages.warning(
            request,
            ngettext(
                "%(count)d item left out: you submitted it.",
                "%(count)d items left out: you submitted them.",
                len(own),
            )
            % {"count": len(own)},
        )
    if not ids:
        return redirect("review-item", review_id=review_id)
    try:
        result = bulk_decisions.review_bulk_decide(
            review_ids=ids,
            moderator=_moderator(request),
            decision=request.POST.get("decision", ""),
            reason=_reason(request),
            note=request.POST.get("note", ""),
            details=details,
        )
    except AppError as exc:
        return web_error(request, exc, "review-item", review_id=review_id)
    if result.action is not None:
        bulk_done_message(request, result.action, len(result.decided))
    if result.conflicts:
        count = len(result.conflicts)
        problems = "; ".join(sorted(set(result.conflicts.values())))
        message = ngettext(
            "%(count)d item not decided: %(problems)s.",
            "%(count)d items not decided: %(problems)s.",
            count,
        )
        messages.warning(request, message % {"count": count, "problems": problems})
    return redirect("review-queue")
