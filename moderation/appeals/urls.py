from __future__ import annotations

from django.urls import path

from moderation.appeals import api, views

urlpatterns = [
    path("review/appeals/", views.appeals, name="review-appeals"),
    path("review/appeals/<uuid:appeal_id>/", views.appeal, name="review-appeal"),
    path(
        "review/appeals/<uuid:appeal_id>/decide/",
        views.appeal_decide,
        name="review-appeal-decide",
    ),
]

api_urlpatterns = [
    path("reviews/appeals/", api.AppealList.as_view(), name="api-appeals"),
    path(
        "reviews/appeals/<uuid:appeal_id>/verdict/",
        api.AppealVerdict.as_view(),
        name="api-appeal-verdict",
    ),
]
