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

from moderation.appeals.api import APPEAL_SCHEMA, appeal_post
from moderation.appeals.selectors import appeals_attach
from moderation.images import selectors, services
from moderation.images.models import ImageUpload
from moderation.images.serializers import ImageCreatedSerializer, ImageSerializer, UploadSerializer
from moderation.review.disclosure import disclosure_context
from project import api_errors
from project.budgets import UploadThrottle
from project.errors import NotFound
from project.limits import upload_body_limit


class ImageListCreate(ListAPIView[ImageUpload]):
    serializer_class = ImageSerializer
    throttle_classes = [UploadThrottle]
    # A declared body over this is refused before anything reads it (project/limits.py).
    body_limit = (upload_body_limit, "image")

    def get_queryset(self) -> QuerySet[ImageUpload]:
        return selectors.image_list_for_owner(user=self.request.user)  # type: ignore[arg-type]

    def paginate_queryset(self, queryset: Any) -> Any:
        self._page = super().paginate_queryset(queryset)
        return self._page

    def get_serializer_context(self) -> dict[str, Any]:
        # The page's moderator decisions, read in one query for all of it.
        page = getattr(self, "_page", None) or []
        appeals_attach(page)
        return {**super().get_serializer_context(), **disclosure_context(self.request.user, page)}

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={
            202: ImageCreatedSerializer,
            400: api_errors.FIELD_ERRORS,
            401: api_errors.UNAUTHENTICATED,
            413: api_errors.FIELD_ERRORS,
            415: api_errors.detail("The body is not multipart/form-data."),
            429: api_errors.RATE_LIMITED,
        },
    )
    def post(self, request: Request) -> Response:
        form = UploadSerializer(data=request.data)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        image = services.image_upload_create(
            owner=request.user,  # type: ignore[arg-type]
            upload=form.validated_data["image"],
        )
        return Response(ImageCreatedSerializer(image).data, status=status.HTTP_202_ACCEPTED)


class ImageDetail(APIView):
    @extend_schema(
        responses={
            200: ImageSerializer,
            401: api_errors.UNAUTHENTICATED,
            404: api_errors.NOT_FOUND,
        }
    )
    def get(self, request: Request, image_id: uuid.UUID) -> Response:
        image = selectors.image_get_for_user(user=request.user, image_id=image_id)
        if image is None:
            raise NotFound(gettext("Not found."))
        context = disclosure_context(request.user, [image])
        return Response(ImageSerializer(image, context=context).data)


class ImageAppeal(APIView):
    """The owner appeals the image's rejection, once, with a message."""

    @extend_schema(**APPEAL_SCHEMA)
    def post(self, request: Request, image_id: uuid.UUID) -> Response:
        image = selectors.image_get_for_user(user=request.user, image_id=image_id)
        if image is None:
            raise NotFound(gettext("Not found."))
        return appeal_post(request, image)
