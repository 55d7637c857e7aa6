"""The moderators' dashboard: queue, item, decisions and bulk decisions (history in
history_views.py, claims in claim_views.py, groups and records in item_views.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from moderation.access import user_is_moderator, user_is_senior
from moderation.kinds import kind_get, kind_names, kinds_all
from moderation.policy.selectors import queue_timing
from moderation.review import bulk as bulk_decisions
from moderation.review import bulk_jobs, selectors
from moderation.review import services as reviews
from moderation.review import tasks as review_tasks
from moderation.review.decision_reasons import reason_choices, reason_or_default
from moderation.review.explain import item_rules
from moderation.review.grouping import group_members, group_sizes
from moderation.review.models import BulkAction, ReviewItem
from moderation.review.queue_why import queue_why_all
from moderation.review.submitter import submitter_context
from moderation.review.undo import review_undo, review_undo_deadline
from project.errors import AppError, BadInput, Conflict, Forbidden, web_error

PAGE_SIZE = 50
# The session key of this moderator's last single decision, for its undo bar.
UNDO_DECISION = "undo_review"


def moderator_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed in and holding the review permission; anyone else gets a 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not user_is_moderator(request.user):
            return render(request, "review/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _moderator(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_GET
@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    filters = selectors.QueueFilters.from_query(request.GET).for_moderator(_moderator(request))
    counts = selectors.review_queue_counts()
    paginator = Paginator(selectors.review_queue(filters), PAGE_SIZE)
    if (known := counts.matching(filters)) is not None:
        # Paginator.count is a cached_property: the counters spare it a COUNT(*) of the queue.
        paginator.__dict__["count"] = known
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    sla = queue_timing().sla_seconds
    shown = [kind.name for kind in kinds_all() if kind.queue_template]
    # Every row's item, one query per kind: the "why" reads its reasons and policy version.
    entries = selectors.review_items_attach(page)
    whys = queue_why_all(entries)
    groups = group_sizes(entries)
    rows = [
        {
            "entry": entry,
            "item": entry.item if entry.kind in shown else None,
            "kind": kind_get(entry.kind),
            "why": whys.get(entry.id),
            "group_size": groups.get(entry.group_key, 0),
            "age_seconds": (now - entry.created_at).total_seconds(),
            "overdue": (now - entry.created_at).total_seconds() > sla,
        }
        for entry in entries
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "bulk": _last_bulk(request),
        "undo_decision": _last_decision(request),
        "filters": filters,
        "page": page,
        "rows": rows,
        "counts": counts,
        "reason_choices": reason_choices(),
        "query": query.urlencode(),
        "sla_hours": sla / 3600,
        "senior": user_is_senior(request.user),
    }
    return render(request, "review/queue.html", context)


@require_POST
@moderator_required
def next_item(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind")
    return _next(
        request,
        kind=kind if kind in kind_names() else None,
        escalated=request.POST.get("queue") == "escalated",
    )


def _next(
    request: HttpRequest, *, kind: str | None = None, escalated: bool = False
) -> HttpResponse:
    """Claim the next item for this moderator and open it, or say the queue is empty."""
    entry = reviews.review_claim_next(moderator=_moderator(request), kind=kind, escalated=escalated)
    if entry is None:
        messages.success(request, gettext("The queue is empty. Nice work."))
        if escalated:
            return redirect(reverse("review-queue") + "?queue=escalated")
        return redirect("review-queue")
    return redirect("review-item", review_id=entry.id)


@require_GET
@moderator_required
def item(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    """Looking never claims: the page says who holds the item, and a claim starts with "Start
    reviewing", a decision key, "next" or a take-over."""
    moderator = _moderator(request)
    entry = get_object_or_404(
        ReviewItem.objects.select_related("claimed_by", "escalated_by"), id=review_id
    )
    item = entry.item
    if item is None:
        raise Http404(gettext("No such item"))
    kind = kind_get(entry.kind)
    own_item = waits_for_senior = ""
    if entry.resolved_at is None:
        try:
            reviews.review_refuse(entry, moderator)
        except Forbidden as exc:
            if entry.escalated_at is not None and not user_is_senior(moderator):
                waits_for_senior = exc.message
            else:
                own_item = exc.message
    claim = selectors.claim_state(entry, moderator)
    before, after = selectors.review_neighbours(entry)
    stale_seconds = settings.REVIEW_CLAIM_STALE_SECONDS
    claim_ttl = queue_timing().claim_ttl_seconds
    context = {
        **kind.review_context(item, moderator),
        "entry": entry,
        "item": item,
        "kind": kind,
        "claim": claim,
        "own_item": own_item,
        "waits_for_senior": waits_for_senior,
        "read_only": bool(claim.held_by_other or own_item or waits_for_senior),
        "undo_decision": _last_decision(request),
        "before": before,
        "after": after,
        "reason_choices": reason_choices(),
        "reason_rules": item_rules(item.reasons, item.policy_version),
        "submitter": submitter_context(item),
        "group": group_members(entry),
        # Renewed well within the stale limit, so a holder at work never looks gone; an idle
        # one (no key, pointer or scroll for the claim's length) stops renewing.
        "renew_seconds": max(5, min(stale_seconds, claim_ttl) // 4),
        "idle_seconds": claim_ttl,
    }
    return render(request, "review/item.html", context)


@require_POST
@moderator_required
def decide(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    moderator = _moderator(request)
    entry = ReviewItem.objects.filter(id=review_id).first()
    if entry is None:
        raise Http404(gettext("No such item"))
    # The kind's own inputs (feedback's sentiment) travel under their own names.
    details: dict[str, Any] = {
        name: request.POST.get(name) or None for name in kind_get(entry.kind).decision_fields()
    }
    try:
        reviews.review_decide(
            review_id=review_id,
            moderator=moderator,
            decision=request.POST.get("decision", ""),
            reason=_reason(request),
            note=request.POST.get("note", ""),
            **details,
        )
    except Conflict as exc:
        problem = gettext("Not decided: %(problem)s.") % {"problem": exc}
        return web_error(request, exc, "review-queue", message=problem)
    except AppError as exc:
        return web_error(request, exc, "review-item", review_id=review_id)
    request.session[UNDO_DECISION] = str(review_id)
    if request.POST.get("decision") == reviews.APPROVE:
        messages.success(request, gettext("Approved."))
    else:
        messages.success(request, gettext("Rejected."))
    if request.POST.get("then") == "next":
        return _next(request, escalated=entry.escalated_at is not None)
    return redirect("review-queue")


@require_POST
@moderator_required
def renew(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    """Sent by the item page while it is open and in use, so the holder's claim does not go
    stale. Never starts a claim."""
    try:
        reviews.review_claim_renew(review_id=review_id, moderator=_moderator(request))
    except AppError:  # released, taken over, decided, or gone
        return HttpResponse(status=409)
    return HttpResponse(status=204)


@require_POST
@moderator_required
def reveal_pii(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    try:
        text = reviews.review_reveal(review_id=review_id, moderator=_moderator(request))
    except AppError:  # no such item, or nothing hidden to reveal
        raise Http404(gettext("No such feedback")) from None
    return render(request, "review/_revealed_text.html", {"text": text})


@require_POST
@moderator_required
def undo(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    """This moderator's last single decision, back in the queue (within REVIEW_UNDO_SECONDS)."""
    try:
        review_undo(review_id=review_id, moderator=_moderator(request))
    except AppError as exc:
        problem = f"{capfirst(exc.message)}."
        return web_error(request, exc, "review-queue", message=problem, level=messages.ERROR)
    request.session.pop(UNDO_DECISION, None)
    messages.success(request, gettext("Undone: the item is back in the queue."))
    return redirect("review-item", review_id=review_id)


@require_POST
@moderator_required
def preferences(request: HttpRequest) -> HttpResponse:
    blur = request.POST.get("blur_images") == "on"
    reviews.preference_set_blur(moderator=_moderator(request), blur=blur)
    if blur:
        messages.success(request, gettext("Images will be blurred by default."))
    else:
        messages.success(request, gettext("Images will be shown by default."))
    return redirect(_same_site_path(request, request.POST.get("next", "")) or "review-queue")


@require_POST
@moderator_required
def bulk(request: HttpRequest) -> HttpResponse:
    if request.POST.get("scope") == "filter":
        return _bulk_job(request)
    ids = [uuid.UUID(value) for value in request.POST.getlist("ids") if _is_uuid(value)]
    ids, own = reviews.review_split_own(review_ids=ids, moderator=_moderator(request))
    if own:
        message = ngettext(
            "%(count)d item left out: you submitted it, so another moderator has to decide it.",
            "%(count)d items left out: you submitted them, so another moderator has to decide "
            "them.",
            len(own),
        )
        messages.warning(request, message % {"count": len(own)})
    if not ids:
        if not own:
            messages.error(request, gettext("Select at least one item."))
        return redirect("review-queue")
    try:
        result = bulk_decisions.review_bulk_decide(
            review_ids=ids,
            moderator=_moderator(request),
            decision=request.POST.get("decision", ""),
            reason=_reason(request),
        )
    except BadInput as exc:
        if exc.field == "ids":  # more than one request may decide: refused, not cut short
            return render(request, "review/bulk_refused.html", {"problem": exc}, status=400)
        return web_error(request, exc, "review-queue")
    except AppError as exc:
        return web_error(request, exc, "review-queue")
    if result.action is not None:
        bulk_done_message(request, result.action, len(result.decided))
    if result.conflicts:
        count = len(result.conflicts)
        message = ngettext(
            "%(count)d item skipped: someone else holds or decided it, or feedback needs a "
            "sentiment.",
            "%(count)d items skipped: someone else holds or decided them, or feedback needs a "
            "sentiment.",
            count,
        )
        messages.warning(request, message % {"count": count})
    return redirect(reverse("review-queue") + "?" + request.POST.get("query", ""))


def _bulk_job(request: HttpRequest) -> HttpResponse:
    """Every item in the filter: written here, decided by a job (bulk_jobs.py) whose progress
    the queue page shows."""
    # The bulk form's own "reason" is the decision's; the filter's travels as reason_filter.
    filters = selectors.QueueFilters.from_query(
        {
            "kind": request.POST.get("kind", ""),
            "reason": request.POST.get("reason_filter", ""),
            "older_than": request.POST.get("older_than", ""),
        }
    )
    try:
        with transaction.atomic():
            action = bulk_jobs.review_bulk_start(
                filters=filters,
                moderator=_moderator(request),
                decision=request.POST.get("decision", ""),
                reason=_reason(request),
            )
            job = str(action.id)
            # robust: with the broker down the job is written all the same, and the stall
            # check sends it once the broker is back.
            transaction.on_commit(lambda: review_tasks.bulk_decide.delay(job), robust=True)
    except AppError as exc:
        return web_error(request, exc, "review-queue")
    request.session["undo_bulk"] = str(action.id)
    message = ngettext(
        "Deciding %(count)d item in the background.",
        "Deciding %(count)d items in the background.",
        action.total,
    )
    messages.success(request, message % {"count": action.total})
    return redirect(reverse("review-queue") + "?" + request.POST.get("query", ""))


@require_GET
@moderator_required
def bulk_status(request: HttpRequest, bulk_id: uuid.UUID) -> HttpResponse:
    """The progress or undo bar of this moderator's bulk decision, polled while it runs."""
    action = get_object_or_404(BulkAction, id=bulk_id, moderator=_moderator(request))
    return render(request, "review/_bulk_status.html", _bulk_context(action))


@require_POST
@moderator_required
def bulk_undo(request: HttpRequest, bulk_id: uuid.UUID) -> HttpResponse:
    try:
        count = bulk_decisions.review_bulk_undo(bulk_id=bulk_id, moderator=_moderator(request))
    except AppError as exc:
        problem = f"{capfirst(exc.message)}."
        return web_error(request, exc, "review-queue", message=problem, level=messages.ERROR)
    else:
        request.session.pop("undo_bulk", None)
        message = ngettext(
            "Undone: %(count)d item is back in the queue.",
            "Undone: %(count)d items are back in the queue.",
            count,
        )
        messages.success(request, message % {"count": count})
    return redirect("review-queue")


def bulk_done_message(request: HttpRequest, action: BulkAction, count: int) -> None:
    """The flash after a bulk or group decision, with the undo its bar offers."""
    request.session["undo_bulk"] = str(action.id)
    if action.decision == reviews.APPROVE:
        message = ngettext("%(count)d item approved.", "%(count)d items approved.", count)
    else:
        message = ngettext("%(count)d item rejected.", "%(count)d items rejected.", count)
    messages.success(request, message % {"count": count}, extra_tags="undo")


def _last_bulk(request: HttpRequest) -> dict[str, Any] | None:
    """This moderator's last bulk decision, while it runs or can still be undone."""
    bulk_id = request.session.get("undo_bulk")
    if not bulk_id:
        return None
    action = BulkAction.objects.filter(id=bulk_id, moderator=_moderator(request)).first()
    context = _bulk_context(action) if action is not None else None
    if context is None or not (context["active"] or context["undoable"]):
        del request.session["undo_bulk"]
        return None
    return context


def _last_decision(request: HttpRequest) -> ReviewItem | None:
    """This moderator's last single decision, while it can still be undone."""
    review_id = request.session.get(UNDO_DECISION)
    if not review_id:
        return None
    entry = ReviewItem.objects.filter(id=review_id, claimed_by=_moderator(request)).first()
    deadline = review_undo_deadline(entry) if entry is not None else None
    if entry is None or deadline is None or deadline < timezone.now() or entry.item is None:
        del request.session[UNDO_DECISION]
        return None
    return entry


def _bulk_context(action: BulkAction) -> dict[str, Any]:
    deadline = bulk_decisions.bulk_undo_deadline(action)
    return {
        "bulk": action,
        "active": action.state in bulk_jobs.ACTIVE and action.undone_at is None,
        "undoable": deadline is not None and deadline >= timezone.now(),
    }


def _same_site_path(request: HttpRequest, target: str) -> str:
    """`target` if it is a path on this site, else "": never an open redirect elsewhere, nor
    a view name for redirect() to resolve, nor a header with a line break in it."""
    if not target.startswith("/") or any(char in target for char in "\r\n\x00"):
        return ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return target


def _reason(request: HttpRequest) -> str:
    decision = request.POST.get("decision", "")
    return reason_or_default(decision=decision, reason=request.POST.get("reason", ""))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
