from __future__ import annotations

from django.urls import path

from moderation.review import api, claim_views, history_views, item_views, views

urlpatterns = [
    path("review/", views.queue, name="review-queue"),
    path("review/next/", views.next_item, name="review-next"),
    path("review/bulk/", views.bulk, name="review-bulk"),
    path("review/bulk/<uuid:bulk_id>/", views.bulk_status, name="review-bulk-status"),
    path("review/bulk/<uuid:bulk_id>/undo/", views.bulk_undo, name="review-bulk-undo"),
    path("review/history/", history_views.history, name="review-history"),
    path("review/preferences/", views.preferences, name="review-preferences"),
    path("review/<uuid:review_id>/", views.item, name="review-item"),
    path("review/<uuid:review_id>/decide/", views.decide, name="review-decide"),
    path("review/<uuid:review_id>/renew/", views.renew, name="review-renew"),
    path("review/<uuid:review_id>/claim/", claim_views.claim, name="review-claim"),
    path("review/<uuid:review_id>/take-over/", claim_views.take_over, name="review-take-over"),
    path("review/<uuid:review_id>/release/", claim_views.release, name="review-release"),
    path("review/<uuid:review_id>/skip/", claim_views.skip, name="review-skip"),
    path("review/<uuid:review_id>/escalate/", claim_views.escalate, name="review-escalate"),
    path("review/<uuid:review_id>/reveal/", views.reveal_pii, name="review-reveal"),
    path("review/<uuid:review_id>/undo/", views.undo, name="review-undo"),
    path(
        "review/<uuid:review_id>/group/",
        item_views.group_decide,
        name="review-group-decide",
    ),
    path(
        "review/items/<str:kind>/<uuid:item_id>/",
        item_views.item_record,
        name="review-record",
    ),
]

api_urlpatterns = [
    path("reviews/", api.ReviewList.as_view(), name="api-reviews"),
    path("reviews/<uuid:review_id>/claim/", api.ReviewClaim.as_view(), name="api-review-claim"),
    path(
        "reviews/<uuid:review_id>/decision/",
        api.ReviewDecision.as_view(),
        name="api-review-decision",
    ),
    path("reviews/<uuid:review_id>/undo/", api.ReviewUndo.as_view(), name="api-review-undo"),
    path(
        "reviews/<uuid:review_id>/release/", api.ReviewRelease.as_view(), name="api-review-release"
    ),
    path(
        "reviews/<uuid:review_id>/take-over/",
        api.ReviewTakeOver.as_view(),
        name="api-review-take-over",
    ),
    path("reviews/<uuid:review_id>/skip/", api.ReviewSkip.as_view(), name="api-review-skip"),
    path(
        "reviews/<uuid:review_id>/escalate/",
        api.ReviewEscalate.as_view(),
        name="api-review-escalate",
    ),
]
