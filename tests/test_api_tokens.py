"""API tokens: they expire, are stored hashed, never shown in the admin, and are revoked by
logout, logout-all, a password change and a deactivation."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from tests.conftest import clean_env, run_manage
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGOUT = "/api/v1/auth/logout/"
LOGOUT_ALL = "/api/v1/auth/logoutall/"


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()  # sign-in rate limits and lock-outs live in the cache


FACTORY_PASSWORD = "pw-for-tests"  # tests.factories gives every user this one


def obtain(username: str, password: str = FACTORY_PASSWORD) -> dict[str, Any]:
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def api(key: str, **extra: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}", **extra)


def works(key: str) -> bool:
    status = api(key).get("/api/v1/images/").status_code
    assert status in (200, 401), status
    return status == 200


# ---- expiry -----------------------------------------------------------------------------


def test_a_token_answers_until_its_expiry_then_401(settings: Any) -> None:
    user = make_user()
    body = obtain(user.username)
    token = AuthToken.objects.get(user=user)
    assert body["expiry"] and token.expiry is not None
    lifetime = token.expiry - token.created
    expected = timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert expected - timedelta(minutes=1) < lifetime <= expected
    assert works(body["token"])

    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    response = api(body["token"]).get("/api/v1/images/")
    assert response.status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()  # an expired token is removed


def test_a_new_sign_in_clears_the_accounts_expired_tokens() -> None:
    user = make_user()
    obtain(user.username)
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))
    key = obtain(user.username)["token"]
    assert AuthToken.objects.filter(user=user).count() == 1
    assert works(key)


def test_the_lifetime_comes_from_API_TOKEN_TTL_HOURS() -> None:
    show = "from knox.settings import knox_settings; print(knox_settings.TOKEN_TTL)"
    result = run_manage("shell", "-c", show, env=clean_env(API_TOKEN_TTL_HOURS="2"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2:00:00"
    refused = run_manage("check", env=clean_env(API_TOKEN_TTL_HOURS="0"))
    assert refused.returncode != 0
    assert "API_TOKEN_TTL_HOURS must be at least 1" in refused.stderr


# ---- storage and the admin --------------------------------------------------------------


def test_the_database_holds_a_digest_never_the_key() -> None:
    user = make_user()
    key = obtain(user.username)["token"]
    row = AuthToken.objects.filter(user=user).values().get()
    assert row["digest"] == hashlib.sha512(key.encode()).hexdigest()
    assert all(key not in str(value) for value in row.values())


def test_the_admin_shows_whose_token_and_until_when_never_the_key(admin_client: Client) -> None:
    user = make_user(username="kari-nordmann")
    key = obtain(user.username)["token"]
    token = AuthToken.objects.get(user=user)
    listing = admin_client.get("/admin/knox/authtoken/")
    change = admin_client.get(f"/admin/knox/authtoken/{token.pk}/change/")
    searched = admin_client.get("/admin/knox/authtoken/", {"q": key[:15]})
    for response in (listing, change):
        page = response.content.decode()
        assert response.status_code == 200 and "kari-nordmann" in page
        assert key[:8] not in page  # neither the key nor knox's stored prefix of it
    # No lookup by the key's first characters either.
    assert "kari-nordmann" not in searched.content.decode()
    # Tokens are made by the API only: an admin form would have to show the new key.
    assert admin_client.get("/admin/knox/authtoken/add/").status_code == 403


def test_the_admin_revokes_a_token_by_deleting_it(admin_client: Client) -> None:
    user = make_user()
    key = obtain(user.username)["token"]
    token = AuthToken.objects.get(user=user)
    response = admin_client.post(f"/admin/knox/authtoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not works(key)


# ---- logout and logout-all --------------------------------------------------------------


def test_logout_revokes_the_token_used_and_only_that_one() -> None:
    user = make_user()
    used, other = obtain(user.username)["token"], obtain(user.username)["token"]
    response = api(used).post(LOGOUT)
    assert response.status_code == 204
    assert api(used).get("/api/v1/images/").status_code == 401
    assert api(used).post(LOGOUT).status_code == 401
    assert works(other)
    assert AuthToken.objects.filter(user=user).count() == 1


def test_logout_all_revokes_every_token_of_the_account_and_no_one_elses() -> None:
    user, someone = make_user(), make_user()
    keys = [obtain(user.username)["token"] for _ in range(3)]
    theirs = obtain(someone.username)["token"]
    assert api(keys[0]).post(LOGOUT_ALL).status_code == 204
    assert not any(works(key) for key in keys)
    assert not AuthToken.objects.filter(user=user).exists()
    assert works(theirs)


@pytest.mark.parametrize("path", [LOGOUT, LOGOUT_ALL])
def test_both_answer_401_without_credentials(path: str) -> None:
    for client in (Client(), api("0" * 64), api("not-a-token")):
        response = client.post(path)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("path", [LOGOUT, LOGOUT_ALL])
def test_a_token_authenticated_post_needs_no_csrf_token(path: str) -> None:
    key = obtain(make_user().username)["token"]
    assert api(key, enforce_csrf_checks=True).post(path).status_code == 204
    assert not works(key)


@pytest.mark.parametrize("path", [LOGOUT, LOGOUT_ALL])
def test_a_session_has_no_token_to_revoke_and_is_told_so(path: str) -> None:
    user = make_user()
    key = obtain(user.username)["token"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/feedback/")  # a page with a form: sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(path, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 400
    assert "Authorization: Token" in response.json()["detail"]
    assert works(key)
    assert "_auth_user_id" in client.session  # the session is not signed out either


@pytest.mark.parametrize(
    "header",
    ["Token \x00" + "a" * 63, "Token " + "é" * 64],
    ids=["nul", "not-utf8"],
)
def test_malformed_keys_are_401_not_500(header: str) -> None:
    response = Client(HTTP_AUTHORIZATION=header).post(LOGOUT)
    assert response.status_code == 401


# ---- revocation by the account's changes ------------------------------------------------


def test_set_password_and_save_revokes_every_token() -> None:
    user = make_user()
    keys = [obtain(user.username)["token"] for _ in range(2)]
    user.set_password("a-new-password-1")
    user.save()
    assert not any(works(key) for key in keys)
    assert works(obtain(user.username, "a-new-password-1")["token"])


def test_a_password_change_in_the_admin_revokes_every_token(admin_client: Client) -> None:
    user = make_user()
    key = obtain(user.username)["token"]
    new = {"password1": "Another-pw-42", "password2": "Another-pw-42"}
    response = admin_client.post(f"/admin/auth/user/{user.pk}/password/", new)
    assert response.status_code == 302, response.content[:500]
    assert not works(key)


def test_changing_ones_own_password_revokes_ones_tokens() -> None:
    user = make_user(is_staff=True)
    key = obtain(user.username)["token"]
    client = Client()
    client.force_login(user)
    change = {
        "old_password": FACTORY_PASSWORD,
        "new_password1": "Another-pw-42",
        "new_password2": "Another-pw-42",
    }
    assert client.post("/admin/password_change/", change).status_code == 302
    assert not works(key)


def test_deactivation_revokes_every_token_for_good() -> None:
    user = make_user()
    keys = [obtain(user.username)["token"] for _ in range(2)]
    user.is_active = False
    user.save()
    assert not AuthToken.objects.filter(user=user).exists()
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert not any(works(key) for key in keys)


def test_other_changes_to_the_account_keep_its_tokens() -> None:
    user = make_user()
    key = obtain(user.username)["token"]
    user.email = "new@example.com"
    user.save()
    obtain(user.username)  # signing in again writes last_login
    user.refresh_from_db()
    user.save(update_fields=["first_name"])
    assert works(key)
    assert AuthToken.objects.filter(user=user).count() == 2


# ---- the schema -------------------------------------------------------------------------


def test_the_schema_describes_both_endpoints() -> None:
    schema = Client().get("/api/v1/schema/?format=json").json()
    for path in (LOGOUT, LOGOUT_ALL):
        post = schema["paths"][path]["post"]
        assert {"204", "401"} <= set(post["responses"]), path
        assert {"tokenAuth": []} in post["security"]
    obtained = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["200"]
    name = obtained["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {"token", "expiry"}
