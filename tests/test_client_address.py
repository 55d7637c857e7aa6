"""The client address rate limits and lock-outs count by: X-Forwarded-For is believed only as
far as TRUSTED_PROXY_COUNT proxies wrote it (project/client.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from feedback.models import Feedback
from project.client import client_address
from project.env import env_int
from tests.factories import make_user

PROXY = "172.18.0.5"  # the bundled nginx, as gunicorn sees it
PASSWORD = "pw-for-tests"  # tests.factories.UserFactory's


def address_of(settings: Any, *, trusted: int, remote: str, forwarded: str | None) -> str:
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(request)


def test_without_trusted_proxies_the_header_is_ignored(settings: Any) -> None:
    assert address_of(settings, trusted=0, remote="198.51.100.7", forwarded="1.2.3.4") == (
        "198.51.100.7"
    )


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings: Any) -> None:
    # The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it saw.
    chain = "1.2.3.4, 203.0.113.9"
    assert address_of(settings, trusted=1, remote=PROXY, forwarded=chain) == "203.0.113.9"


def test_behind_two_proxies_one_more_hop_is_skipped(settings: Any) -> None:
    chain = "1.2.3.4, 203.0.113.9, 10.0.0.2"  # spoofed, client, TLS proxy
    assert address_of(settings, trusted=2, remote=PROXY, forwarded=chain) == "203.0.113.9"


def test_ipv6_clients_and_blanks_in_the_header(settings: Any) -> None:
    chain = " , 2001:db8::1 ,"
    assert address_of(settings, trusted=1, remote=PROXY, forwarded=chain) == "2001:db8::1"


def test_a_request_that_bypassed_the_proxy_is_its_peer(settings: Any) -> None:
    # The container health check calls gunicorn directly: no header at all.
    assert address_of(settings, trusted=1, remote="127.0.0.1", forwarded=None) == "127.0.0.1"


def test_garbage_where_the_proxy_writes_falls_back_to_the_peer(settings: Any) -> None:
    chain = "203.0.113.9, not-an-address"
    assert address_of(settings, trusted=1, remote=PROXY, forwarded=chain) == PROXY


def test_no_request_has_no_address(settings: Any) -> None:
    assert client_address(None) == ""


def test_the_setting_is_a_count_of_at_least_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "-1")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXY_COUNT must be at least 0"):
        env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)


# ---- what the limits count ------------------------------------------------------------------


def feedback_post(remote: str, forwarded: str) -> int:
    client = Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    return client.post("/feedback/", {"text": "hello"}).status_code


def api_feedback_post(remote: str, forwarded: str) -> int:
    client = Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    body = json.dumps({"text": "hello"})
    return client.post("/api/v1/feedback/", body, content_type="application/json").status_code


@pytest.mark.django_db
@pytest.mark.parametrize("post", [feedback_post, api_feedback_post])
def test_a_spoofed_header_from_a_direct_client_buys_no_fresh_budget(
    settings: Any, post: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    settings.FEEDBACK_RATE = "1/minute"
    assert post("198.51.100.7", "1.1.1.1") in (202, 302)
    assert post("198.51.100.7", "2.2.2.2") == 429
    assert Feedback.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("post", [feedback_post, api_feedback_post])
def test_behind_the_proxy_each_client_has_its_own_budget(settings: Any, post: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FEEDBACK_RATE = "1/minute"
    assert post(PROXY, "203.0.113.1") in (202, 302)
    # The same client again, with a made-up address in front: still the same client.
    assert post(PROXY, "9.9.9.9, 203.0.113.1") == 429
    # Another client behind the same proxy is not held back by the first.
    assert post(PROXY, "203.0.113.2") in (202, 302)
    assert Feedback.objects.count() == 2


@pytest.mark.django_db
def test_a_locked_out_address_behind_the_proxy_locks_only_that_client(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_LOCKOUT_IP_FAILURES = 2
    settings.LOGIN_LOCKOUT_FAILURES = 100
    make_user(username="ada")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for guess in ("a", "b"):
        attacker.post("/accounts/login/", {"username": "ada", "password": guess})
    locked = attacker.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert locked.status_code == 429
    # Everyone else comes through the same proxy, and still gets in.
    ada = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    response = ada.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_without_trusted_proxies_a_lock_out_ignores_the_header(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    settings.LOGIN_LOCKOUT_IP_FAILURES = 2
    settings.LOGIN_LOCKOUT_FAILURES = 100
    make_user(username="ada")
    for number, guess in enumerate(("a", "b")):
        client = Client(REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
        client.post("/accounts/login/", {"username": "ada", "password": guess})
    fresh_header = Client(REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR="10.0.0.99")
    response = fresh_header.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 429
