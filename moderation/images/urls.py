from __future__ import annotations

from django.urls import path

from moderation.images import api, views

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("upload/mine/", views.my_uploads, name="my-uploads"),
    path("images/<uuid:image_id>/file", views.image_file, name="image-file"),
    path("images/<uuid:image_id>/appeal/", views.image_appeal, name="image-appeal"),
    path("images/<uuid:image_id>/thumbnail", views.image_thumbnail, name="image-thumbnail"),
]

api_urlpatterns = [
    path("images/", api.ImageListCreate.as_view(), name="api-images"),
    path("images/<uuid:image_id>/", api.ImageDetail.as_view(), name="api-image-detail"),
    path("images/<uuid:image_id>/appeal/", api.ImageAppeal.as_view(), name="api-image-appeal"),
]
