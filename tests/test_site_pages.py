"""Branded error pages, the favicon, labelled times and named controls on the review pages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

from moderation.review import services as review_services
from tests.factories import make_moderator, make_user, signed_in
from tests.test_reviews import queued_feedback, queued_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def in_norwegian(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    return client


def test_404_is_a_branded_page_in_the_viewers_language() -> None:
    response = Client().get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="topbar"' in html and 'id="error-page" data-status="404"' in html
    assert "<h1>Page not found</h1>" in html

    norwegian = in_norwegian(Client()).get("/no-such-page/").content.decode()
    assert '<html lang="nb">' in norwegian and "<h1>Fant ikke siden</h1>" in norwegian


def test_403_is_a_branded_page() -> None:
    client = signed_in(make_user())
    # Not a moderator: the review pages refuse with their own branded page.
    response = client.get("/review/")
    assert response.status_code == 403 and 'class="topbar"' in response.content.decode()
    response = client.get("/admin/moderation/policy/propose/")  # staff only: the admin's login
    assert response.status_code == 302


def test_csrf_failure_is_the_branded_403() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="error-page" data-status="403"' in html and 'class="topbar"' in html


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Something went wrong"), ("nb", "Noe gikk galt")]
)
def test_500_is_a_branded_page_without_the_database(
    language: str, heading: str, django_assert_num_queries: object
) -> None:
    request = RequestFactory().get("/")
    with translation.override(language), django_assert_num_queries(0):  # type: ignore[operator]
        response = defaults.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html and 'class="topbar"' in html
    assert f"<h1>{heading}</h1>" in html


def test_the_favicon_is_static_and_favicon_ico_answers() -> None:
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
    home = Client().get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in home
    with open(finders.find("favicon.ico"), "rb") as icon:  # type: ignore[arg-type]
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_history_times_are_machine_readable_and_labelled_utc() -> None:
    moderator = make_moderator()
    entry = queued_image()
    review_services.review_claim(review_id=entry.id, moderator=moderator)
    review_services.review_decide(
        review_id=entry.id, moderator=moderator, decision="reject", reason="violence"
    )
    html = signed_in(moderator).get("/review/history/").content.decode()
    stamps = re.findall(
        r'<time datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^"]*\+00:00)" data-local>'
        r"(\d{4}-\d\d-\d\d \d\d:\d\d) UTC</time>",
        html,
    )
    assert stamps, html
    iso, shown = stamps[0]
    assert iso.replace("T", " ").startswith(shown)


def test_each_queue_checkbox_names_its_item() -> None:
    image, feedback = queued_image(), queued_feedback()
    html = signed_in(make_moderator()).get("/review/").content.decode()
    labels = re.findall(r'name="ids" value="[^"]+" aria-label="([^"]+)"', html)
    assert len(labels) == 2
    assert f"Select image {str(image.item_id)[:8]} (" in " ".join(labels)
    assert f"Select feedback {str(feedback.item_id)[:8]} (" in " ".join(labels)


def test_turning_blur_off_asks_first_and_the_toggle_has_a_state() -> None:
    entry = queued_image()
    html = signed_in(make_moderator()).get(f"/review/{entry.id}/").content.decode()
    assert re.search(r'id="toggle-blur" aria-pressed="false"', html)
    assert re.search(
        r'name="blur_images" checked data-autosubmit data-confirm-uncheck="[^"]+"', html
    )
