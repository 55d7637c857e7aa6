"""The QA pages: the open samples, one sample with its item, and a verdict on it."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from moderation.kinds import kind_get
from moderation.qa import services as qa
from moderation.qa.models import QaVerdict
from moderation.qa.selectors import qa_items_attach, qa_next, qa_queue
from moderation.review.decision_reasons import reason_choices, reason_codes
from moderation.review.explain import item_rules
from moderation.review.submitter import submitter_context
from moderation.review.views import _moderator, moderator_required
from project.errors import AppError, Conflict, web_error

QUEUE_SHOWN = 100


@require_GET
@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    samples = qa_queue(moderator=_moderator(request))
    rows = [
        {"sample": sample, "item": item, "kind": kind_get(sample.kind)}
        for sample, item in qa_items_attach(samples[:QUEUE_SHOWN])
    ]
    return render(request, "review/qa/queue.html", {"rows": rows, "total": samples.count()})


@require_GET
@moderator_required
def item(request: HttpRequest, sample_id: uuid.UUID) -> HttpResponse:
    moderator = _moderator(request)
    try:
        sample, found = qa.qa_sample_get(sample_id)
        qa.qa_refuse_own(sample, found, moderator)
    except AppError as exc:
        return web_error(request, exc, "review-qa")
    kind = kind_get(sample.kind)
    target = qa.OVERTURNED[sample.machine_status]
    overturn_decision = qa.DECISION_FOR[target]
    codes = set(reason_codes(overturn_decision))
    context = {
        **kind.review_context(found, moderator),
        "sample": sample,
        "entry": None,
        "item": found,
        "kind": kind,
        "overturn_to": target,
        "overturn_decision": overturn_decision,
        "reason_choices": [c for c in reason_choices() if c["code"] in codes],
        "reason_rules": item_rules(found.reasons, found.policy_version),
        "submitter": submitter_context(found),
    }
    return render(request, "review/qa/item.html", context)


@require_POST
@moderator_required
def verdict(request: HttpRequest, sample_id: uuid.UUID) -> HttpResponse:
    moderator = _moderator(request)
    given = request.POST.get("verdict", "")
    try:
        sample, _item = qa.qa_sample_get(sample_id)
        details = {
            name: request.POST.get(name) or None for name in kind_get(sample.kind).decision_fields()
        }
        qa.qa_decide(
            sample_id=sample_id,
            moderator=moderator,
            verdict=given,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
            details=details,
        )
    except Conflict as exc:
        problem = gettext("Not recorded: %(problem)s.") % {"problem": exc}
        return web_error(request, exc, "review-qa", message=problem)
    except AppError as exc:
        return web_error(request, exc, "review-qa-item", sample_id=sample_id)
    if given == QaVerdict.OVERTURN:
        messages.success(request, gettext("Overturned; the submitter is told."))
    else:
        messages.success(request, gettext("Recorded: the machine was right."))
    following = qa_next(moderator=moderator)
    if following is not None:
        return redirect("review-qa-item", sample_id=following.id)
    return redirect("review-qa")
