"""The product's URLs plus the synchronous baseline: an upload view that analyses inline and
answers with the decision, as the seed design did. Bench-only."""

from __future__ import annotations

import uuid

from django.urls import include, path
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from moderation.images import api, services
from moderation.images.serializers import ImageSerializer
from moderation.models import ImageUpload


class SyncUpload(api.ImageListCreate):
    def post(self, request: Request) -> Response:
        stored = super().post(request)
        if stored.status_code != status.HTTP_202_ACCEPTED:
            return stored
        # The queued task is never run (no worker in the baseline): analysis happens here.
        image_id = uuid.UUID(str(stored.data["id"]))
        services.image_analyze(image_id=image_id)
        image = ImageUpload.objects.get(id=image_id)
        return Response(ImageSerializer(image).data, status=status.HTTP_200_OK)


urlpatterns = [
    path("bench/sync/images/", SyncUpload.as_view()),
    path("", include("project.urls")),
]
