from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from feedback.models import Feedback
from moderation.access import user_is_moderator

SESSION_KEY = "feedback_ids"


def feedback_get_for_request(*, request: HttpRequest, feedback_id: uuid.UUID) -> Feedback | None:
    """The message if this requester may see it: its author, a moderator, or (for anonymous
    messages) the browser session that sent it."""
    feedback = Feedback.objects.filter(id=feedback_id).first()
    if feedback is None:
        return None
    user: User | AnonymousUser = request.user
    if user_is_moderator(user):
        return feedback
    if feedback.author_id is not None:
        return feedback if feedback.author_id == user.pk else None
    return feedback if str(feedback.id) in request.session.get(SESSION_KEY, []) else None


def remember_in_session(request: HttpRequest, feedback: Feedback) -> None:
    """Let an anonymous sender come back to their message's status page (last 20 kept)."""
    ids = [*request.session.get(SESSION_KEY, []), str(feedback.id)]
    request.session[SESSION_KEY] = ids[-20:]
