"""Security headers on real responses, pages without inline code, and how user files are served."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from feedback.models import Feedback
from moderation.items import retention
from moderation.models import ImageUpload, ItemStatus, Policy
from moderation.review import services as reviews
from tests.conftest import clean_env, run_manage
from tests.factories import image_bytes, make_moderator, make_user, signed_in, upload_file
from tests.test_policy_admin import form_data
from tests.test_reviews import queued_feedback, queued_image
from tests.test_settings_modes import PRODUCTION

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def assert_page_headers(response: Any, csp: str = CSP) -> None:
    assert response["Content-Security-Policy"] == csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


class InlineCode(HTMLParser):
    """Collects what the policy would refuse: inline scripts and styles, handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._script_without_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in {"hx-vals", "hx-vars"} and value and "js:" in value:
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style>")
        # JSON data blocks are never run; anything else without src would be inline code.
        runs = named.get("type") in (None, "", "text/javascript", "module")
        self._script_without_src = tag == "script" and "src" not in named and runs

    def handle_data(self, data: str) -> None:
        if self._script_without_src and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}")

    def handle_endtag(self, tag: str) -> None:
        self._script_without_src = False


def inline_code(html: bytes) -> list[str]:
    parser = InlineCode()
    parser.feed(html.decode())
    return parser.found


def test_inline_code_finder_finds_what_it_looks_for() -> None:
    html = (
        b'<p style="x"></p><a href="javascript:go()">x</a><b onclick="y()"></b><style></style>'
        b'<script>alert(1)</script><script type="application/json">{}</script>'
        b'<script src="/static/ok.js"></script><i hx-on:click="z()"></i>'
    )
    assert len(inline_code(html)) == 6


def pages() -> tuple[dict[str, Client], list[tuple[str, str]]]:
    """Every kind of page, with content that renders bars, meters and htmx attributes."""
    image_entry = queued_image()
    feedback_entry = queued_feedback()
    Feedback.objects.filter(id=feedback_entry.item_id).update(
        redacted_text="Mail me at [EMAIL]",
        pii=[{"type": "EMAIL", "begin": 11, "end": 20, "confidence": 99.0}],
        sentiment_scores={"positive": 10.0, "negative": 70.0, "neutral": 15.0, "mixed": 5.0},
        toxicity=[{"name": "INSULT", "confidence": 66.6}],
    )
    decided = queued_image()
    moderator = make_moderator()
    reviews.review_decide(
        review_id=decided.id, moderator=moderator, decision="reject", reason="violence"
    )
    admin = User.objects.create_superuser("root", "root@example.com", "pw-root-123")
    owner = ImageUpload.objects.get(id=image_entry.item_id).owner
    assert owner is not None
    clients = {
        "anonymous": Client(),
        "submitter": signed_in(owner),
        "moderator": signed_in(moderator),
        "admin": signed_in(admin),
    }
    urls = [
        ("anonymous", "/"),
        ("anonymous", "/accounts/login/"),
        ("anonymous", "/accounts/signup/"),
        ("anonymous", "/feedback/"),
        ("anonymous", "/admin/login/"),
        ("submitter", "/upload/"),
        ("submitter", "/upload/mine/"),
        ("moderator", "/review/"),
        ("moderator", f"/review/{image_entry.id}/"),
        ("moderator", f"/review/{feedback_entry.id}/"),
        ("moderator", "/review/stats/"),
        ("moderator", "/review/history/"),
        ("admin", "/admin/"),
        ("admin", "/admin/moderation/policy/"),
        ("admin", reverse("admin:moderation_policy_propose")),
        ("admin", "/admin/moderation/imageupload/"),
        ("admin", f"/admin/auth/user/{owner.pk}/change/"),
        ("admin", f"/admin/auth/user/{owner.pk}/delete/"),
    ]
    return clients, urls


def test_every_page_carries_the_headers_and_no_inline_code() -> None:
    clients, urls = pages()
    for who, url in urls:
        response = clients[who].get(url)
        assert response.status_code == 200, (who, url, response.status_code)
        assert_page_headers(response)
        assert inline_code(response.content) == [], url


def test_the_policy_preview_has_no_inline_code_either() -> None:
    admin = User.objects.create_superuser("root", "root@example.com", "pw-root-123")
    policy = Policy.objects.order_by("-version").first()
    assert policy is not None
    response = signed_in(admin).post(
        reverse("admin:moderation_policy_propose"), {**form_data(policy), "_preview": "1"}
    )
    assert response.status_code == 200
    assert b'id="preview"' in response.content
    assert_page_headers(response)
    assert inline_code(response.content) == []


def test_json_api_and_errors_carry_the_headers_too() -> None:
    client = signed_in(make_user())
    for response in (
        client.get("/api/v1/images/"),
        Client().get("/api/v1/images/"),  # 401
        client.get("/no-such-page/"),  # 404
        Client().post("/api/v1/feedback/", "[1]", content_type="application/json"),  # 400
    ):
        assert_page_headers(response)


def test_htmx_is_configured_not_to_inject_styles_or_eval() -> None:
    response = Client().get("/")
    config = _meta_content(response.content.decode(), "htmx-config")
    assert json.loads(config) == {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "allowScriptTags": False,
    }


# ---- user files ------------------------------------------------------------------------------


def stored_image(status: str = ItemStatus.IN_REVIEW) -> ImageUpload:
    entry = queued_image()
    image = ImageUpload.objects.get(id=entry.item_id)
    ImageUpload.objects.filter(id=image.id).update(status=status)
    image.refresh_from_db()
    return image


def test_a_quarantined_file_is_served_inline_typed_by_the_server_and_never_cached() -> None:
    # A PNG sent as "evil.html" with an HTML type: the server decides what it is.
    upload = upload_file(image_bytes(fmt="PNG"), name="evil.html", content_type="text/html")
    from moderation.images import services

    image = services.image_upload_create(owner=make_user(), upload=upload)
    services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW and image.file_key.startswith("quarantine/")
    response = signed_in(make_moderator()).get(f"/images/{image.id}/file")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="{image.id}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == FILE_CSP
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]


def test_an_approved_file_may_be_cached_privately_for_a_while() -> None:
    entry = queued_image()
    moderator = make_moderator()
    reviews.review_decide(review_id=entry.id, moderator=moderator, decision="approve", reason="ok")
    image = ImageUpload.objects.get(id=entry.item_id)
    assert image.owner is not None
    response = signed_in(image.owner).get(f"/images/{image.id}/file")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="{image.id}.jpg"'
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["Content-Security-Policy"] == FILE_CSP


def test_a_stored_type_we_never_write_is_downloaded_not_shown() -> None:
    image = stored_image()
    ImageUpload.objects.filter(id=image.id).update(content_type="image/svg+xml")
    response = signed_in(make_moderator()).get(f"/images/{image.id}/file")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{image.id}.bin"'


def test_a_purged_file_is_gone() -> None:
    entry = queued_image()
    reviews.review_decide(
        review_id=entry.id, moderator=make_moderator(), decision="reject", reason="violence"
    )
    ImageUpload.objects.filter(id=entry.item_id).update(decided_at="2000-01-01T00:00:00Z")
    assert retention.rejected_purge().by_kind["image"] == 1
    image = ImageUpload.objects.get(id=entry.item_id)
    assert signed_in(make_moderator()).get(f"/images/{image.id}/file").status_code == 410


def test_s3_files_redirect_to_a_presigned_url_that_fixes_the_headers(s3: Any) -> None:
    entry = queued_image()
    image = ImageUpload.objects.get(id=entry.item_id)
    response = signed_in(make_moderator()).get(f"/images/{image.id}/file")
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    query = parse_qs(urlsplit(url).query)
    assert query["response-content-type"] == ["image/jpeg"]
    assert query["response-content-disposition"] == [f'inline; filename="{image.id}.jpg"']
    assert query["response-cache-control"] == ["private, no-store"]
    # What S3 (moto) answers with, following the signature.
    stored = requests.get(url, timeout=10)
    assert stored.status_code == 200
    assert stored.headers["Content-Type"] == "image/jpeg"
    assert stored.headers["Content-Disposition"] == f'inline; filename="{image.id}.jpg"'
    assert stored.headers["Cache-Control"] == "private, no-store"
    # Pages let <img> follow that redirect, and nothing else from the bucket's host.
    page = signed_in(make_moderator()).get(f"/review/{entry.id}/")
    directives = dict(
        part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";")
    )
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    assert origin in directives["img-src"].split()
    assert origin not in directives["default-src"] + directives["script-src"]


def test_quarantined_files_are_not_reachable_under_static_or_media_urls() -> None:
    image = stored_image()
    key = image.file_key
    assert key.startswith("quarantine/")
    client = signed_in(make_moderator())
    for url in (
        f"/{django_settings.STATIC_URL.strip('/')}/{key}",
        f"/{django_settings.MEDIA_URL.strip('/')}/{key}".replace("//", "/"),
        f"/media/{key}",
        f"/{key}",
    ):
        assert client.get(url).status_code == 404, url
    assert finders.find(key) is None
    media = Path(django_settings.STORAGES["default"]["OPTIONS"]["location"]).resolve()
    for static_dir in [*django_settings.STATICFILES_DIRS, django_settings.STATIC_ROOT]:
        if static_dir:
            static = Path(static_dir).resolve()
            assert not media.is_relative_to(static) and not static.is_relative_to(media)
    with pytest.raises(ValueError, match="no public URL"):
        from django.core.files.storage import default_storage

        default_storage.url(key)


# ---- production settings ---------------------------------------------------------------------

PROBE = """
import json
from django.test import Client
client = Client(HTTP_HOST="vakt.example.com", HTTP_X_FORWARDED_PROTO="https")
page = client.get("/accounts/login/")
plain = Client(HTTP_HOST="vakt.example.com").get("/accounts/login/")
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "cookies": {name: dict(morsel) for name, morsel in page.cookies.items()},
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
}))
"""


def test_production_responses_carry_hsts_secure_cookies_and_the_policy(tmp_path: Path) -> None:
    env = clean_env(**PRODUCTION, VAKT_DATA_DIR=str(tmp_path))
    collected = run_manage("collectstatic", "--noinput", "--verbosity", "0", env=env, timeout=180)
    assert collected.returncode == 0, collected.stderr
    result = run_manage("shell", "--verbosity", "0", "-c", PROBE, env=env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csrf = seen["cookies"]["csrftoken"]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
    # Plain HTTP is sent to HTTPS.
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://vakt.example.com/accounts/login/"
    # And the deployment check stays clean with these settings.
    check = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert check.returncode == 0, check.stderr


def _meta_content(html: str, name: str) -> str:
    class Meta(HTMLParser):
        content = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            named = dict(attrs)
            if tag == "meta" and named.get("name") == name:
                Meta.content = named.get("content") or ""

    Meta().feed(html)
    return Meta.content


def test_an_s3_compatible_endpoint_is_allowed_for_images_only(settings: Any) -> None:
    settings.AWS_STORAGE_BUCKET_NAME = "media"
    settings.AWS_ENDPOINT_URL = "http://127.0.0.1:9000"
    policy = Client().get("/api/v1/images/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["img-src"].split() == [
        "'self'", "data:", "blob:", "http://127.0.0.1:9000", "http://media.127.0.0.1:9000",
    ]  # fmt: skip
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
