from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.utils.translation import gettext
from django.views import i18n as django_i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import renderers, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from moderation import i18n
from project import api_errors, auth, ratelimit, tokens
from project.client import client_address
from project.errors import BadInput
from project.health import broker_status, database_status


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links: send them to the
    static copy, which the static file server caches."""
    return redirect(static("favicon.ico"), permanent=True)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    status = {"database": database_status(), "broker": broker_status()}
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(status, status=200 if healthy else 503)


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form: UserCreationForm[User] = UserCreationForm(request.POST or None)
    # Creating accounts draws on the sign-in budget of the address: no mass sign-ups.
    address = client_address(request)
    if request.method == "POST" and (wait := auth.login_rate_hit(address=address)):
        message = gettext("Too many attempts from your network. Try again in %(seconds)s seconds.")
        form.add_error(None, message % {"seconds": wait})
        response = render(request, "registration/signup.html", {"form": form}, status=429)
        return ratelimit.with_retry_after(response, wait)
    if request.method == "POST" and form.is_valid():
        # Accounts multiply per-user budgets: each address may open only a few a day.
        if wait := auth.signup_rate_hit(address=address):
            message = gettext("Too many new accounts from your network today. Try again later.")
            form.add_error(None, message)
            response = render(request, "registration/signup.html", {"form": form}, status=429)
            return ratelimit.with_retry_after(response, wait)
        user = form.save()
        # A language picked before signing up becomes the account's (its e-mails included).
        if chosen := i18n.supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
            i18n.language_save(user=user, language=chosen)
        login(request, user, backend="project.auth.LockoutBackend")
        message = gettext("Welcome to Vakt, %(username)s.")
        messages.success(request, message % {"username": user.get_username()})
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language picker: Django's view remembers the choice in the language cookie and
    goes back to `next`; a signed-in user's choice is saved on their account too."""
    language = request.POST.get(django_i18n.LANGUAGE_QUERY_PARAMETER, "")
    if i18n.supported(language) is None:
        return HttpResponseBadRequest(gettext("Unknown language."))
    response = django_i18n.set_language(request)
    if request.user.is_authenticated:
        i18n.language_save(user=request.user, language=language)
    return response


def _refused_sign_in(response: ratelimit.Response) -> ratelimit.Response:
    """A sign-in form refused for its rate or a lock-out: 429 with Retry-After, not 200."""
    context = response.context_data if isinstance(response, TemplateResponse) else None
    form = (context or {}).get("form")
    wait = getattr(form, "retry_after", None)
    if wait:
        response.status_code = 429
        ratelimit.with_retry_after(response, wait)
    return response


class LoginView(auth_views.LoginView):
    authentication_form = auth.LockoutAuthenticationForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        return _refused_sign_in(response)


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin's own sign-in page, with the same limits as the site's."""
    return _refused_sign_in(admin.site.login(request, extra_context))


class LoginThrottle(BaseThrottle):
    """Sign-in attempts per client address (LOGIN_RATE), shared with the sign-in pages."""

    wait_seconds: int | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        self.wait_seconds = auth.login_rate_hit(address=client_address(request))
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds


class ObtainedToken(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="After this the token answers 401.")


class ObtainToken(APIView):
    """POST {"username", "password"} → {"token", "expiry"}, behind the sign-in limits. Each
    call makes a new token; the key is shown this once, only its digest is stored."""

    throttle_classes = (LoginThrottle,)
    permission_classes = ()
    # The defaults: JSON nested too deeply is a 400 there (project/parsers.py).
    parser_classes = APIView.parser_classes
    renderer_classes = (renderers.JSONRenderer,)

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: ObtainedToken,
            400: api_errors.FIELD_ERRORS,
            429: api_errors.RATE_LIMITED,
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        address = client_address(request)
        username = request.data.get("username") if hasattr(request.data, "get") else None
        username = username if isinstance(username, str) else None
        if wait := auth.login_locked_for(username=username, address=address):
            return self._locked(wait)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if wait := auth.login_locked_for(username=username, address=address):
                return self._locked(wait)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        key, expiry = tokens.token_create(user=serializer.validated_data["user"])
        return Response(ObtainedToken({"token": key, "expiry": expiry}).data)

    def _locked(self, wait: int) -> Response:
        response = Response(
            {"detail": auth.lockout_message(wait)}, status=status.HTTP_429_TOO_MANY_REQUESTS
        )
        ratelimit.with_retry_after(response, wait)
        return response


def _token_used(request: Request) -> AuthToken:
    """The token the caller signed in with; a session has none to revoke."""
    if isinstance(request.auth, AuthToken):
        return request.auth
    raise BadInput(
        gettext(
            "This signs out an API token: send it as `Authorization: Token <key>`. "
            "A browser session signs out at /accounts/logout/."
        )
    )


TOKEN_REQUIRED = api_errors.detail("Called with a session, not a token: nothing to revoke.")


class Logout(APIView):
    """Revoke the token this request is signed in with: it answers 401 from now on."""

    @extend_schema(
        request=None,
        responses={204: None, 400: TOKEN_REQUIRED, 401: api_errors.UNAUTHENTICATED},
    )
    def post(self, request: Request) -> Response:
        tokens.token_revoke(token=_token_used(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAll(APIView):
    """Revoke every token of the signed-in account, this one included."""

    @extend_schema(
        request=None,
        responses={204: None, 400: TOKEN_REQUIRED, 401: api_errors.UNAUTHENTICATED},
    )
    def post(self, request: Request) -> Response:
        _token_used(request)
        tokens.tokens_revoke(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
