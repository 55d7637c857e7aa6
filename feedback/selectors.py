from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser, User
from django.core.signing import Signer
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from feedback.models import Feedback
from moderation.access import user_is_moderator

SESSION_KEY = "feedback_ids"
# A message's status token is a signature of its id: whoever sent it gets the token in the
# 202 answer and can read the status with it, from any client, with no session or account.
_STATUS_TOKENS = Signer(salt="feedback.status")


def feedback_get_for_request(*, request: HttpRequest, feedback_id: uuid.UUID) -> Feedback | None:
    """The message if this requester may see it: whoever holds its status token, its author, a
    moderator, or (for anonymous messages) the browser session that sent it."""
    feedback = Feedback.objects.filter(id=feedback_id).first()
    if feedback is None:
        return None
    if feedback_status_token_valid(feedback_id=feedback.id, token=request.GET.get("token", "")):
        return feedback
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


def feedback_status_token(*, feedback_id: uuid.UUID) -> str:
    return _STATUS_TOKENS.signature(str(feedback_id))


def feedback_status_token_valid(*, feedback_id: uuid.UUID, token: str) -> bool:
    expected = feedback_status_token(feedback_id=feedback_id)
    return bool(token) and constant_time_compare(token, expected)
