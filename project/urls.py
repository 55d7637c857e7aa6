from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from feedback import urls as feedback_urls
from moderation import urls as moderation_urls
from project import admin_site, auth, views

# The admin's sign-in page checks the same rate and lock-outs as the site's (see project.auth).
admin.site.login_form = auth.LockoutAdminAuthenticationForm

api_v1 = [
    *moderation_urls.api_urlpatterns,
    *feedback_urls.api_urlpatterns,
    path("auth/token/", views.ObtainToken.as_view(), name="api-token"),
    path("auth/logout/", views.Logout.as_view(), name="api-logout"),
    path("auth/logoutall/", views.LogoutAll.as_view(), name="api-logoutall"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/login/", views.admin_login),  # before the admin's own, which it wraps
    # Before the admin's own "view on site", which answers crafted ids with a 500.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_site.view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include(moderation_urls.urlpatterns)),
    path("", include(feedback_urls.urlpatterns)),
]
