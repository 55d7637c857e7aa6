from __future__ import annotations

from django.urls import path

from feedback import api, views

urlpatterns = [
    path("feedback/", views.feedback_form, name="feedback"),
    path("feedback/<uuid:feedback_id>/", views.feedback_status, name="feedback-status"),
    path("feedback/<uuid:feedback_id>/appeal/", views.feedback_appeal, name="feedback-appeal"),
]

api_urlpatterns = [
    path("feedback/", api.FeedbackCreate.as_view(), name="api-feedback"),
    path("feedback/<uuid:feedback_id>/", api.FeedbackDetail.as_view(), name="api-feedback-detail"),
    path(
        "feedback/<uuid:feedback_id>/appeal/",
        api.FeedbackAppeal.as_view(),
        name="api-feedback-appeal",
    ),
]
