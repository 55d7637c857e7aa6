"""New accounts per client address: a budget per day on top of the sign-in rate, so that one
address cannot multiply the per-account upload and feedback budgets."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"


def sign_up(client: Client, username: str) -> Any:
    form = {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    response = client.post("/accounts/signup/", form)
    client.logout()
    return response


def test_an_address_opens_only_its_daily_share_of_accounts(settings: Any) -> None:
    settings.SIGNUP_RATE = "3/day"
    settings.LOGIN_RATE = "100/minute"
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [sign_up(client, f"shopper{n}").status_code for n in range(3)] == [302] * 3

    refused = sign_up(client, "shopper3")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 86400
    assert "Too many new accounts from your network today" in refused.content.decode()
    assert not User.objects.filter(username="shopper3").exists()
    # Another address has its own budget.
    assert sign_up(Client(REMOTE_ADDR="198.51.100.9"), "elsewhere").status_code == 302


def test_a_form_with_mistakes_spends_nothing_of_the_daily_budget(settings: Any) -> None:
    settings.SIGNUP_RATE = "1/day"
    settings.LOGIN_RATE = "100/minute"
    client = Client(REMOTE_ADDR="203.0.113.8")
    mismatch = {"username": "typo", "password1": PASSWORD, "password2": PASSWORD + "x"}
    assert client.post("/accounts/signup/", mismatch).status_code == 200
    assert sign_up(client, "second-try").status_code == 302
    assert sign_up(client, "third").status_code == 429
