from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token

from feedback import urls as feedback_urls
from moderation import urls as moderation_urls
from project import views

api_v1 = [
    *moderation_urls.api_urlpatterns,
    *feedback_urls.api_urlpatterns,
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include(moderation_urls.urlpatterns)),
    path("", include(feedback_urls.urlpatterns)),
]
