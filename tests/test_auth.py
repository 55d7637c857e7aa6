from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

pytestmark = pytest.mark.django_db


def test_moderators_group_carries_the_review_permission() -> None:
    group = Group.objects.get(name="Moderators")
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("moderation", "review_content")
    ]


def test_signup_creates_the_account_and_signs_in(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"username": "ada", "password1": "correct horse 42", "password2": "correct horse 42"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="ada")
    assert not user.is_staff and not user.groups.exists()
    home = client.get("/")
    assert home.context["user"] == user
    assert b"Sign out" in home.content


def test_signup_shows_errors_and_creates_nothing(client: Client) -> None:
    response = client.post(
        "/accounts/signup/", {"username": "ada", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    assert b"The two password fields" in response.content
    assert not User.objects.filter(username="ada").exists()


def test_login_and_logout(client: Client) -> None:
    User.objects.create_user("grace", password="s3cret-enough")
    assert client.get("/accounts/login/").status_code == 200
    wrong = client.post("/accounts/login/", {"username": "grace", "password": "nope"})
    assert wrong.status_code == 200 and b"correct username and password" in wrong.content
    right = client.post("/accounts/login/", {"username": "grace", "password": "s3cret-enough"})
    assert right.status_code == 302 and right["Location"] == "/"
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_nav_shows_admin_only_to_staff(client: Client) -> None:
    user = User.objects.create_user("linus", password="pw-linus-123")
    client.force_login(user)
    assert b'href="/admin/"' not in client.get("/").content
    user.is_staff = True
    user.save()
    assert b'href="/admin/"' in client.get("/").content


def test_forms_are_csrf_protected() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
