from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from feedback import selectors, services
from feedback.models import MAX_TEXT_CHARS
from moderation.appeals.models import MAX_MESSAGE_CHARS
from moderation.appeals.selectors import appeals_attach
from moderation.appeals.services import appeal_create
from moderation.items.models import ItemStatus
from moderation.review.disclosure import decisions_attach
from project import ratelimit
from project.budgets import feedback_budget_hit
from project.errors import AppError, web_error


@require_http_methods(["GET", "POST"])
def feedback_form(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("text", "")
    error = ""
    if request.method == "POST":
        if over := feedback_budget_hit(request):
            error = gettext("Too many messages (limit %(rate)s); try again in %(seconds)s s.") % {
                "rate": over.rate,
                "seconds": over.wait,
            }
            context = {"text": text, "error": error, "max_chars": MAX_TEXT_CHARS}
            page = render(request, "feedback/form.html", context, status=429)
            return ratelimit.with_retry_after(page, over.wait)
        author = request.user if request.user.is_authenticated else None
        try:
            feedback = services.feedback_create(text=text, author=author)
        except services.FeedbackRejected as exc:
            error = exc.message
        else:
            selectors.remember_in_session(request, feedback)
            return redirect("feedback-status", feedback_id=feedback.id)
    status = 400 if error else 200
    context = {"text": text, "error": error, "max_chars": MAX_TEXT_CHARS}
    return render(request, "feedback/form.html", context, status=status)


@require_GET
def feedback_status(request: HttpRequest, feedback_id: uuid.UUID) -> HttpResponse:
    feedback = selectors.feedback_get_for_request(request=request, feedback_id=feedback_id)
    if feedback is None:
        raise Http404(gettext("No such message"))
    template = "feedback/_status.html" if request.htmx else "feedback/status.html"  # type: ignore[attr-defined]
    pending = feedback.status == ItemStatus.PENDING
    decisions_attach([feedback])
    appeals_attach([feedback])
    context = {"feedback": feedback, "pending": pending, "max_appeal_chars": MAX_MESSAGE_CHARS}
    return render(request, template, context)


@require_POST
def feedback_appeal(request: HttpRequest, feedback_id: uuid.UUID) -> HttpResponse:
    """The sender appeals a rejection from the status page; anyone else gets the 404 page."""
    feedback = selectors.feedback_get_for_request(request=request, feedback_id=feedback_id)
    if feedback is None:
        raise Http404(gettext("No such message"))
    author = request.user if request.user.is_authenticated else None
    try:
        appeal_create(item=feedback, submitter=author, message=request.POST.get("message", ""))
    except AppError as exc:
        return web_error(request, exc, "feedback-status", feedback_id=feedback.id)
    messages.success(request, gettext("Appeal sent: a moderator will read your message again."))
    url = reverse("feedback-status", args=[feedback.id])
    if token := request.GET.get("token"):  # an anonymous sender's status link
        url += "?" + urlencode({"token": token})
    return redirect(url)
