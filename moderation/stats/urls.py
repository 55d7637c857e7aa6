from __future__ import annotations

from django.urls import path

from moderation.stats import views

urlpatterns = [path("review/stats/", views.stats, name="review-stats")]
