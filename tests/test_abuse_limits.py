"""Abuse limits: 429 with Retry-After on uploads, feedback and sign-in; sign-in lock-outs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.test import Client

from feedback.models import Feedback
from moderation.models import AuditEvent, ImageUpload
from project import auth, ratelimit
from tests.conftest import clean_env, run_manage
from tests.factories import image_bytes, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests.factories.UserFactory's
LOCKED = "Too many failed sign-in attempts for this account or from your network."


def retry_after(response: Any) -> int:
    value = int(response["Retry-After"])
    assert value >= 1
    return value


def signed_in(user: User | None = None) -> Client:
    client = Client()
    client.force_login(user or make_user())
    return client


# ---- uploads and feedback -------------------------------------------------------------------


def test_api_upload_over_the_rate_is_429_with_retry_after(settings: Any) -> None:
    settings.UPLOAD_RATE = "1/minute"
    client = signed_in()
    post = lambda: client.post("/api/v1/images/", {"image": _jpeg()}, format="multipart")  # noqa: E731
    assert post().status_code == 202
    response = post()
    assert response.status_code == 429
    assert retry_after(response) <= 60
    assert ImageUpload.objects.count() == 1


def test_web_upload_over_the_rate_is_429_with_retry_after_and_says_why(settings: Any) -> None:
    settings.UPLOAD_RATE = "1/minute"
    client = signed_in()
    assert client.post("/upload/", {"image": _jpeg()}).status_code == 302
    response = client.post("/upload/", {"image": _jpeg()})
    assert response.status_code == 429
    assert retry_after(response) <= 60
    assert b"Too many uploads (limit 1/minute)" in response.content
    assert ImageUpload.objects.count() == 1


def test_web_and_api_uploads_share_one_budget(settings: Any) -> None:
    settings.UPLOAD_RATE = "1/hour"
    client = signed_in()
    assert client.post("/upload/", {"image": _jpeg()}).status_code == 302
    response = client.post("/api/v1/images/", {"image": _jpeg()}, format="multipart")
    assert response.status_code == 429
    assert retry_after(response) <= 3600


def test_api_feedback_over_the_rate_is_429_with_retry_after(settings: Any) -> None:
    settings.FEEDBACK_RATE = "1/minute"
    client = Client()
    post = lambda: client.post(  # noqa: E731
        "/api/v1/feedback/", {"text": "hello"}, content_type="application/json"
    )
    assert post().status_code == 202
    response = post()
    assert response.status_code == 429
    assert retry_after(response) <= 60
    assert Feedback.objects.count() == 1


def test_web_feedback_over_the_rate_is_429_with_retry_after_and_keeps_the_text(
    settings: Any,
) -> None:
    settings.FEEDBACK_RATE = "1/minute"
    client = Client()
    assert client.post("/feedback/", {"text": "first"}).status_code == 302
    response = client.post("/feedback/", {"text": "second thoughts"})
    assert response.status_code == 429
    assert retry_after(response) <= 60
    assert b"Too many messages (limit 1/minute)" in response.content
    assert b"second thoughts" in response.content
    assert Feedback.objects.count() == 1


def test_anonymous_feedback_counts_per_client_address(settings: Any) -> None:
    settings.FEEDBACK_RATE = "1/minute"
    assert Client(REMOTE_ADDR="10.0.0.1").post("/feedback/", {"text": "a"}).status_code == 302
    assert Client(REMOTE_ADDR="10.0.0.1").post("/feedback/", {"text": "b"}).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.2").post("/feedback/", {"text": "c"}).status_code == 302


# ---- sign-in: the three doors ---------------------------------------------------------------


def web_login(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def admin_login(client: Client, username: str, password: str) -> Any:
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def token_login(client: Client, username: str, password: str) -> Any:
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
    )


DOORS = {"web": web_login, "admin": admin_login, "token": token_login}
Door = Callable[[Client, str, str], Any]


def signed_in_by(door: str, response: Any, client: Client) -> bool:
    if door == "token":
        return response.status_code == 200 and "token" in response.json()
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize("door", DOORS)
def test_sign_in_attempts_over_the_rate_are_429_with_retry_after(door: str, settings: Any) -> None:
    settings.LOGIN_RATE = "3/minute"
    settings.LOGIN_LOCKOUT_IP_FAILURES = 100
    make_user(username="ada", is_staff=True)
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(3):
        assert DOORS[door](client, "nobody", "wrong").status_code in (200, 400)
    response = DOORS[door](client, "ada", PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert retry_after(response) <= 60
    assert "_auth_user_id" not in client.session
    # Another address has its own budget.
    other = Client(REMOTE_ADDR="10.1.1.2")
    assert signed_in_by(door, DOORS[door](other, "ada", PASSWORD), other)


@pytest.mark.parametrize("door", DOORS)
def test_five_failures_lock_the_username_for_fifteen_minutes(door: str) -> None:
    make_user(username="ada", is_staff=True)
    client = Client(REMOTE_ADDR="10.2.2.2")
    for _ in range(4):
        response = DOORS[door](client, "ada", "wrong")
        assert response.status_code in (200, 400)
        assert LOCKED.encode() not in response.content
    fifth = DOORS[door](client, "ada", "wrong")
    assert fifth.status_code == 429
    assert LOCKED.encode() in fifth.content
    assert 890 <= retry_after(fifth) <= 900

    # The right password is refused too, from anywhere, without being checked.
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    response = DOORS[door](elsewhere, "ada", PASSWORD)
    assert response.status_code == 429
    assert LOCKED.encode() in response.content
    assert "_auth_user_id" not in elsewhere.session


def test_a_locked_attempt_never_reaches_the_password_check(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOGIN_LOCKOUT_FAILURES = 2
    make_user(username="ada")
    client = Client(REMOTE_ADDR="10.3.3.3")
    for _ in range(2):
        web_login(client, "ada", "wrong")
    checked: list[str] = []
    original = ModelBackend.authenticate

    def spy(self: ModelBackend, request: Any, username: Any = None, **kwargs: Any) -> Any:
        checked.append(username)
        return original(self, request, username=username, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", spy)
    for door in DOORS.values():
        assert door(client, "ada", PASSWORD).status_code == 429
    # Even a direct call (any future door) is refused by the backend before the check.
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    request = RequestFactory().post("/", REMOTE_ADDR="10.4.4.4")
    assert authenticate(request, username="ada", password=PASSWORD) is None
    assert checked == []


def test_the_lock_out_does_not_tell_whether_the_username_exists(settings: Any) -> None:
    settings.LOGIN_LOCKOUT_FAILURES = 3
    make_user(username="ada")
    answers: dict[str, tuple[int, object]] = {}
    for username in ("ada", "no-such-user"):
        client = Client(REMOTE_ADDR=f"10.5.5.{len(answers) + 1}")
        for _ in range(3):
            response = web_login(client, username, "wrong")
        answers[username] = (response.status_code, _error_text(response))
        locked = token_login(client, username, "whatever")
        answers[username + " api"] = (locked.status_code, locked.json())
    assert answers["ada"] == answers["no-such-user"]
    assert answers["ada api"] == answers["no-such-user api"]
    assert answers["ada"][0] == 429


def test_the_lock_counts_every_door_and_every_spelling(settings: Any) -> None:
    settings.LOGIN_LOCKOUT_FAILURES = 3
    make_user(username="ada")
    client = Client(REMOTE_ADDR="10.6.6.6")
    web_login(client, "ada", "wrong")
    token_login(client, "ADA", "wrong")
    assert admin_login(client, "Ada", "wrong").status_code == 429
    assert web_login(Client(), "ada", PASSWORD).status_code == 429


def test_the_lock_ends_after_its_time(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.LOGIN_LOCKOUT_FAILURES = 2
    make_user(username="ada")
    client = Client(REMOTE_ADDR="10.7.7.7")
    for _ in range(2):
        web_login(client, "ada", "wrong")
    assert web_login(client, "ada", PASSWORD).status_code == 429
    later = time.time() + settings.LOGIN_LOCKOUT_SECONDS + 1
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: later))
    response = web_login(client, "ada", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_success_clears_the_username_count_but_not_the_address_count(settings: Any) -> None:
    settings.LOGIN_LOCKOUT_FAILURES = 3
    settings.LOGIN_LOCKOUT_IP_FAILURES = 4
    make_user(username="ada")
    make_user(username="mallory")
    attacker = Client(REMOTE_ADDR="10.8.8.8")
    # Two failures on ada, then ada signs in from home: her count starts again.
    web_login(attacker, "ada", "wrong")
    web_login(attacker, "ada", "wrong")
    assert web_login(Client(REMOTE_ADDR="10.8.8.9"), "ada", PASSWORD).status_code == 302
    # The attacker signs in to their own account between guesses: the address's count stays.
    assert web_login(Client(REMOTE_ADDR="10.8.8.8"), "mallory", PASSWORD).status_code == 302
    assert web_login(attacker, "ada", "wrong").status_code == 200  # ada: 1, address: 3
    response = web_login(attacker, "bob", "wrong")  # address: 4 → locked
    assert response.status_code == 429
    assert LOCKED.encode() in response.content
    # The address is locked for every username, even a right password…
    assert web_login(attacker, "mallory", PASSWORD).status_code == 429
    # …while ada is not locked from elsewhere.
    assert web_login(Client(REMOTE_ADDR="10.8.8.9"), "ada", PASSWORD).status_code == 302


def test_lock_outs_are_audited_and_logged(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings.LOGIN_LOCKOUT_FAILURES = 2
    settings.LOGIN_LOCKOUT_IP_FAILURES = 3
    client = Client(REMOTE_ADDR="10.10.10.10")
    with caplog.at_level(logging.WARNING, logger="vakt.security"):
        web_login(client, "ada", "wrong")
        web_login(client, "ada", "wrong")  # username locked
        web_login(client, "bob", "wrong")  # address locked
    events = list(AuditEvent.objects.filter(action="login_lockout").order_by("id"))
    assert [(e.item_kind, e.actor, e.actor_kind) for e in events] == [
        ("account", None, "machine"),
        ("account", None, "machine"),
    ]
    assert events[0].reasons == [
        {"username": "ada", "client": "10.10.10.10", "failures": 2, "locked_seconds": 900}
    ]
    assert events[1].reasons[0]["username"] == "" and events[1].reasons[0]["failures"] == 3
    messages = [r.getMessage() for r in caplog.records if r.name == "vakt.security"]
    assert any("username 'ada' after 2 failed attempts" in m for m in messages)
    assert any("client 10.10.10.10 after 3 failed attempts" in m for m in messages)


def test_signup_signs_in_with_the_guarded_backend(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"username": "ada", "password1": "correct horse 42", "password2": "correct horse 42"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "project.auth.LockoutBackend"
    assert client.get("/upload/").status_code == 200  # the session holds on the next request


def test_sign_ups_over_the_address_rate_are_429_and_create_no_account(settings: Any) -> None:
    settings.LOGIN_RATE = "2/minute"
    client = Client()
    for n in range(2):
        password = "correct horse 42"
        form = {"username": f"user{n}", "password1": password, "password2": password}
        assert client.post("/accounts/signup/", form).status_code == 302
        client.logout()

    refused = client.post(
        "/accounts/signup/",
        {"username": "user9", "password1": "correct horse 42", "password2": "correct horse 42"},
    )
    assert refused.status_code == 429
    assert retry_after(refused) > 0
    assert b"Too many attempts from your network" in refused.content
    assert not User.objects.filter(username="user9").exists()


def test_lockout_message_rounds_to_minutes() -> None:
    assert auth.lockout_message(900).endswith("Try again in 15 minutes.")
    assert auth.lockout_message(20).endswith("Try again in 1 minute.")


def test_limits_are_read_from_the_environment() -> None:
    script = (
        "from django.conf import settings as s; print(s.LOGIN_RATE, s.LOGIN_LOCKOUT_FAILURES, "
        "s.LOGIN_LOCKOUT_IP_FAILURES, s.LOGIN_LOCKOUT_SECONDS, s.UPLOAD_RATE, s.FEEDBACK_RATE)"
    )
    env = clean_env(
        LOGIN_RATE="7/hour",
        LOGIN_LOCKOUT_FAILURES="3",
        LOGIN_LOCKOUT_IP_FAILURES="11",
        LOGIN_LOCKOUT_SECONDS="600",
        UPLOAD_RATE="5/minute",
        FEEDBACK_RATE="2/minute",
    )
    result = run_manage("shell", "--verbosity", "0", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["7/hour", "3", "11", "600", "5/minute", "2/minute"]
    bad = run_manage("check", env=clean_env(LOGIN_LOCKOUT_FAILURES="0"))
    assert bad.returncode != 0
    assert "LOGIN_LOCKOUT_FAILURES must be at least 1, got 0" in bad.stderr


def _jpeg() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", image_bytes(), "image/jpeg")


def _error_text(response: Any) -> str:
    """The page's error message alone (the form echoes the username, which differs)."""
    import re

    found = re.search(rb'role="alert">(.*?)</div>', response.content, re.S)
    assert found, response.content
    return found.group(1).decode()


def test_the_async_sign_in_is_guarded_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """ModelBackend has an async password check of its own; ours goes through the lock."""
    import asyncio

    from django.contrib.auth import aauthenticate
    from django.test import RequestFactory

    for _ in range(5):
        auth.login_failed(username="ada", address="")
    checked: list[str] = []

    async def spy(self: ModelBackend, request: Any, **kwargs: Any) -> None:
        checked.append(kwargs.get("username", ""))

    monkeypatch.setattr(ModelBackend, "aauthenticate", spy)
    request = RequestFactory().post("/", REMOTE_ADDR="10.11.11.11")
    assert asyncio.run(aauthenticate(request, username="ada", password=PASSWORD)) is None
    assert checked == []
