from __future__ import annotations

from django.urls import path

from moderation.qa import api, views

urlpatterns = [
    path("review/qa/", views.queue, name="review-qa"),
    path("review/qa/<uuid:sample_id>/", views.item, name="review-qa-item"),
    path("review/qa/<uuid:sample_id>/verdict/", views.verdict, name="review-qa-verdict"),
]

api_urlpatterns = [
    path("reviews/qa/", api.QaList.as_view(), name="api-review-qa"),
    path(
        "reviews/qa/<uuid:sample_id>/verdict/",
        api.QaVerdictView.as_view(),
        name="api-review-qa-verdict",
    ),
]
