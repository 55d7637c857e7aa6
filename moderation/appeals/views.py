"""The moderators' appeals pages: the queue of open appeals and one appeal with its verdict."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from moderation.appeals import selectors, services
from moderation.appeals.models import Appeal, AppealState
from moderation.items.models import AuditEvent
from moderation.kinds import kind_get
from moderation.policy.selectors import appeal_sla_seconds
from moderation.review.explain import item_rules
from moderation.review.history import history_rows
from moderation.review.submitter import submitter_context
from moderation.review.views import PAGE_SIZE, _moderator, moderator_required
from project.errors import AppError, Forbidden, web_error

RECORD_EVENTS = 50


@require_GET
@moderator_required
def appeals(request: HttpRequest) -> HttpResponse:
    moderator = _moderator(request)
    page = Paginator(selectors.appeal_queue(moderator=moderator), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    sla = appeal_sla_seconds()
    rows = [
        {
            "appeal": appeal,
            "kind": kind_get(appeal.kind),
            "overdue": (now - appeal.created_at).total_seconds() > sla,
        }
        for appeal in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "sla_hours": sla / 3600,
        "hidden": selectors.appeals_hidden_count(moderator=moderator),
    }
    return render(request, "review/appeals.html", context)


def _appeal_or_404(appeal_id: uuid.UUID) -> Appeal:
    appeal = (
        Appeal.objects.select_related("rejected_by_moderator", "handled_by")
        .filter(id=appeal_id)
        .first()
    )
    if appeal is None:
        raise Http404(gettext("No such appeal"))
    return appeal


@require_GET
@moderator_required
def appeal(request: HttpRequest, appeal_id: uuid.UUID) -> HttpResponse:
    """One appeal beside its item, read-only for a moderator who may not handle it."""
    moderator = _moderator(request)
    appeal = _appeal_or_404(appeal_id)
    item = services.appeal_item(appeal)
    if item is None:
        raise Http404(gettext("No such item"))
    kind = kind_get(appeal.kind)
    refused = ""
    try:
        services.appeal_refuse(appeal, moderator)
    except Forbidden as exc:
        refused = exc.message
    events = AuditEvent.objects.filter(item_kind=appeal.kind, item_id=appeal.item_id)
    context = {
        **kind.review_context(item, moderator),
        "appeal": appeal,
        "entry": None,
        "item": item,
        "kind": kind,
        "refused": refused,
        "open": appeal.state == AppealState.OPEN,
        "reason_rules": item_rules(item.reasons, item.policy_version),
        "events": history_rows(
            events.select_related("actor").order_by("-created_at", "-id")[:RECORD_EVENTS]
        ),
        "submitter": submitter_context(item),
        "read_only": True,
        "max_note_chars": services.MAX_NOTE_CHARS,
    }
    return render(request, "review/appeal.html", context)


@require_POST
@moderator_required
def appeal_decide(request: HttpRequest, appeal_id: uuid.UUID) -> HttpResponse:
    appeal = _appeal_or_404(appeal_id)
    kind = kind_get(appeal.kind)
    details = {name: request.POST.get(name) or None for name in kind.decision_fields()}
    try:
        decided = services.appeal_decide(
            appeal_id=appeal.id,
            moderator=_moderator(request),
            verdict=request.POST.get("verdict", ""),
            note=request.POST.get("note", ""),
            **details,
        )
    except AppError as exc:
        return web_error(request, exc, "review-appeal", appeal_id=appeal.id)
    if decided.state == AppealState.OVERTURNED:
        messages.success(request, gettext("Appeal accepted: the item is approved."))
    else:
        messages.success(request, gettext("Appeal turned down: the rejection stands."))
    return redirect("review-appeals")
