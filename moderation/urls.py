from __future__ import annotations

from django.urls import path

from moderation import api, review_api, review_views, stats_views, views

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("upload/mine/", views.my_uploads, name="my-uploads"),
    path("images/<uuid:image_id>/file", views.image_file, name="image-file"),
    path("review/", review_views.queue, name="review-queue"),
    path("review/next/", review_views.next_item, name="review-next"),
    path("review/bulk/", review_views.bulk, name="review-bulk"),
    path("review/bulk/<uuid:bulk_id>/undo/", review_views.bulk_undo, name="review-bulk-undo"),
    path("review/history/", review_views.history, name="review-history"),
    path("review/preferences/", review_views.preferences, name="review-preferences"),
    path("review/stats/", stats_views.stats, name="review-stats"),
    path("review/<uuid:review_id>/", review_views.item, name="review-item"),
    path("review/<uuid:review_id>/decide/", review_views.decide, name="review-decide"),
    path("review/<uuid:review_id>/renew/", review_views.renew, name="review-renew"),
    path("review/<uuid:review_id>/reveal/", review_views.reveal_pii, name="review-reveal"),
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
