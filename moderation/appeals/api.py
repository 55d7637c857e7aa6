"""Appeals in the API: a kind's submitter endpoint calls `appeal_post`; moderators list open
appeals and give verdicts under `/api/v1/reviews/appeals/`."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation.appeals import selectors, services
from moderation.appeals.models import Appeal
from moderation.appeals.serializers import (
    AppealInputSerializer,
    AppealSerializer,
    AppealVerdictSerializer,
    ModeratorAppealSerializer,
)
from moderation.items.models import AnalysedItem
from moderation.review.api import IsModerator
from project import api_errors
from project.errors import BadInput

# The schema of a kind's appeal endpoint (POST /api/v1/<kind>/<id>/appeal/).
APPEAL_SCHEMA: dict[str, Any] = {
    "request": AppealInputSerializer,
    "responses": {
        201: AppealSerializer,
        400: api_errors.FIELD_ERRORS,
        401: api_errors.UNAUTHENTICATED,
        404: api_errors.NOT_FOUND,
        409: api_errors.detail("The item is not rejected, or it has already been appealed."),
    },
}


def appeal_post(request: Request, item: AnalysedItem) -> Response:
    """Appeal `item`, which the kind's view found for this request: 201 with the appeal."""
    data = request.data
    if not isinstance(data, dict):  # a QueryDict (form data) is a dict too
        raise BadInput(gettext('expected a JSON object: {"message": "…"}'), field="message")
    if "message" not in data:
        raise BadInput(gettext("This field is required."), field="message")
    submitter = request.user if request.user.is_authenticated else None
    appeal = services.appeal_create(item=item, submitter=submitter, message=data["message"])
    return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class AppealList(ListAPIView[Appeal]):
    """Open appeals this moderator may handle, oldest first."""

    permission_classes = [IsModerator]
    serializer_class = ModeratorAppealSerializer

    @extend_schema(
        responses={
            200: ModeratorAppealSerializer(many=True),
            401: api_errors.UNAUTHENTICATED,
            403: api_errors.NOT_MODERATOR,
        }
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Appeal]:
        return selectors.appeal_queue(moderator=self.request.user).select_related(  # type: ignore[arg-type]
            "handled_by"
        )


class AppealVerdict(APIView):
    permission_classes = [IsModerator]

    @extend_schema(
        request=AppealVerdictSerializer,
        responses={
            200: ModeratorAppealSerializer,
            400: api_errors.FIELD_ERRORS,
            401: api_errors.UNAUTHENTICATED,
            403: api_errors.detail(
                "Not a moderator, or the one who made the decision appealed or submitted the item."
            ),
            404: api_errors.NOT_FOUND,
            409: api_errors.detail("The appeal has already been decided."),
            503: api_errors.detail("The file store did not answer; nothing was decided."),
        },
    )
    def post(self, request: Request, appeal_id: uuid.UUID) -> Response:
        form = AppealVerdictSerializer(data=request.data)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        appeal = services.appeal_decide(
            appeal_id=appeal_id,
            moderator=request.user,  # type: ignore[arg-type]
            **form.validated_data,
        )
        return Response(ModeratorAppealSerializer(appeal).data)
