from __future__ import annotations

from django.urls import path

from moderation import api, review_api, views

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("upload/mine/", views.my_uploads, name="my-uploads"),
    path("images/<uuid:image_id>/file", views.image_file, name="image-file"),
]

api_urlpatterns = [
    path("images/", api.ImageListCreate.as_view(), name="api-images"),
    path("images/<uuid:image_id>/", api.ImageDetail.as_view(), name="api-image-detail"),
    path("reviews/", review_api.ReviewList.as_view(), name="api-reviews"),
    path(
        "reviews/<uuid:review_id>/claim/", review_api.ReviewClaim.as_view(), name="api-review-claim"
    ),
    path(
        "reviews/<uuid:review_id>/decision/",
        review_api.ReviewDecision.as_view(),
        name="api-review-decision",
    ),
]
