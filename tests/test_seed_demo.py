from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_three_roles_and_prints_their_passwords(client: Client) -> None:
    output = seed()

    assert "vakt-admin" in output and "vakt-moderator" in output and "vakt-submitter" in output
    admin = User.objects.get(username="admin")
    moderator = User.objects.get(username="moderator")
    submitter = User.objects.get(username="submitter")
    assert admin.is_superuser and admin.is_staff
    assert moderator.has_perm("moderation.review_content") and not moderator.is_staff
    assert not submitter.has_perm("moderation.review_content") and not submitter.is_staff
    assert client.login(username="moderator", password="vakt-moderator")


def test_seed_demo_is_idempotent_and_repairs_the_accounts() -> None:
    seed()
    moderator = User.objects.get(username="moderator")
    moderator.set_password("changed")
    moderator.groups.clear()
    moderator.save()

    output = seed()

    assert User.objects.count() == 3
    moderator.refresh_from_db()
    assert moderator.check_password("vakt-moderator")
    assert moderator.groups.filter(name="Moderators").count() == 1
    assert output.count("(reset)") == 3


def test_seed_demo_refuses_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not in production"):
        seed()
    assert not User.objects.exists()
