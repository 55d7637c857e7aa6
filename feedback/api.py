from __future__ import annotations

import uuid

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback import selectors, services
from feedback.serializers import (
    FeedbackCreatedSerializer,
    FeedbackInputSerializer,
    FeedbackSerializer,
)
from moderation.appeals.api import APPEAL_SCHEMA, appeal_post
from moderation.review.disclosure import disclosure_context
from project import api_errors
from project.budgets import FeedbackThrottle
from project.errors import BadInput, NotFound


class FeedbackCreate(APIView):
    permission_classes = [AllowAny]  # a shop's customers need no account to give feedback
    throttle_classes = [FeedbackThrottle]

    @extend_schema(
        request=FeedbackInputSerializer,
        responses={
            202: FeedbackCreatedSerializer,
            400: api_errors.FIELD_ERRORS,
            415: api_errors.detail("The body is not JSON or form data."),
            429: api_errors.RATE_LIMITED,
        },
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, dict):  # a QueryDict (form data) is a dict too
            message = gettext('expected a JSON object: {"text": "…"}')
            raise BadInput(message, field="non_field_errors")
        if "text" not in data:
            raise BadInput(gettext("This field is required."), field="text")
        author = request.user if request.user.is_authenticated else None
        feedback = services.feedback_create(text=data["text"], author=author)
        selectors.remember_in_session(request, feedback)
        return Response(FeedbackCreatedSerializer(feedback).data, status=status.HTTP_202_ACCEPTED)


class FeedbackDetail(APIView):
    permission_classes = [AllowAny]  # access is decided per message below

    @extend_schema(responses={200: FeedbackSerializer, 404: api_errors.NOT_FOUND})
    def get(self, request: Request, feedback_id: uuid.UUID) -> Response:
        feedback = selectors.feedback_get_for_request(request=request, feedback_id=feedback_id)
        if feedback is None:
            raise NotFound(gettext("Not found."))
        context = disclosure_context(request.user, [feedback])
        return Response(FeedbackSerializer(feedback, context=context).data)


class FeedbackAppeal(APIView):
    """The sender appeals the message's rejection, once: its author, or for an anonymous
    message whoever may see it (the session that sent it, a status token)."""

    permission_classes = [AllowAny]  # access is decided per message, as for reading it

    @extend_schema(**APPEAL_SCHEMA)
    def post(self, request: Request, feedback_id: uuid.UUID) -> Response:
        feedback = selectors.feedback_get_for_request(request=request, feedback_id=feedback_id)
        if feedback is None:
            raise NotFound(gettext("Not found."))
        return appeal_post(request, feedback)
