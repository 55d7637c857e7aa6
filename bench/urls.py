"""The product's URLs plus the synchronous baseline: an upload view that analyses inline and
answers with the decision, as the seed design did. Bench-only."""

from __future__ import annotations

from django.urls import include, path
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from moderation import api, services
from moderation.images import ImageRejected
from moderation.serializers import ImageSerializer, UploadSerializer


class SyncUpload(api.ImageListCreate):
    def post(self, request: Request) -> Response:
        form = UploadSerializer(data=request.data)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            image = services.image_upload_create(
                owner=request.user,  # type: ignore[arg-type]
                upload=form.validated_data["image"],
            )
        except ImageRejected as exc:
            return Response({exc.field: [exc.message]}, status=exc.status)
        # The queued task is never run (no worker in the baseline): analysis happens here.
        decided = services.image_analyze(image_id=image.id)
        return Response(ImageSerializer(decided or image).data, status=status.HTTP_200_OK)


urlpatterns = [
    path("bench/sync/images/", SyncUpload.as_view()),
    path("", include("project.urls")),
]
