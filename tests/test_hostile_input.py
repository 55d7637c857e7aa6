"""Hostile input at the front doors: the upload and feedback endpoints (API and web forms),
file names, and the query strings and forms of the moderators' pages.

Every property: never a 5xx; a refusal names the field at fault; and a refused input leaves
nothing behind, neither a row nor a file in storage.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from feedback.models import MAX_TEXT_CHARS, Feedback
from moderation.images import services
from moderation.models import ImageUpload, ItemStatus, ReviewItem
from moderation.review.decision_reasons import reason_codes
from tests.factories import ReviewAnalyzer, make_moderator, make_user
from tests.test_reviews import queued_feedback

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MAX_BYTES = 6_000  # small limits, so generated images fall on both sides of them
MAX_PIXELS = 1_200


@pytest.fixture(autouse=True)
def _offline(settings: Any) -> Iterator[None]:
    cache.clear()
    settings.UPLOAD_RATE = settings.FEEDBACK_RATE = "100000/minute"
    settings.UPLOAD_ADDRESS_RATE = settings.FEEDBACK_ADDRESS_RATE = "100000/minute"
    settings.MAX_UPLOAD_BYTES = MAX_BYTES
    settings.MAX_IMAGE_PIXELS = MAX_PIXELS
    with (
        mock.patch("moderation.tasks.analyze_image.delay"),
        mock.patch("feedback.tasks.analyze_feedback.delay"),
        mock.patch("moderation.images.services.get_image_analyzer", return_value=ReviewAnalyzer()),
    ):
        yield


def media_files() -> set[str]:
    """Every file in the storage, wherever it is (the test's own folder, see conftest)."""
    root = Path(django_settings.STORAGES["default"]["OPTIONS"]["location"])
    return {
        str(Path(folder, name).relative_to(root))
        for folder, _, names in os.walk(root)
        for name in names
    }


def snapshot() -> tuple[int, int, int, frozenset[str]]:
    return (
        ImageUpload.objects.count(),
        Feedback.objects.count(),
        ReviewItem.objects.count(),
        frozenset(media_files()),
    )


def signed_in(user: Any = None) -> Client:
    client = Client()
    client.force_login(user or make_user())
    return client


def json_or_none(response: Any) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


# --- Uploads ---------------------------------------------------------------------------------


def encode(fmt: str, size: tuple[int, int], mode: str) -> bytes:
    image = Image.new(mode, size, 200 if mode in ("L", "P") else (20, 120, 200, 255)[: len(mode)])
    if fmt == "JPEG" and mode not in ("L", "RGB"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def small_jpeg() -> bytes:
    return encode("JPEG", (16, 16), "RGB")


valid_images = st.builds(
    encode,
    st.sampled_from(["JPEG", "PNG", "GIF", "WEBP"]),
    st.tuples(st.integers(1, 48), st.integers(1, 48)),
    st.sampled_from(["RGB", "L", "RGBA", "P"]),
)


@st.composite
def damaged_images(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(valid_images))
    how = draw(st.sampled_from(["truncate", "flip", "splice", "prefix"]))
    if how == "truncate":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    if how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
        return bytes(data)
    if how == "splice":
        at = draw(st.integers(0, len(data)))
        return bytes(data[:at]) + draw(st.binary(max_size=64)) + bytes(data[at:])
    return draw(st.binary(min_size=1, max_size=16)) + bytes(data)


contents = st.one_of(
    valid_images.map(lambda data: ("valid", data)),
    damaged_images().map(lambda data: ("damaged", data)),
    st.binary(max_size=2048).map(lambda data: ("random", data)),
)
content_types = st.one_of(
    st.sampled_from(
        ["image/jpeg", "image/png", "image/svg+xml", "application/octet-stream", "text/html", ""]
    ),
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30),
)
# Printable names the test client can send as they are (hostile ones: see HOSTILE_NAMES).
file_names = st.one_of(
    st.sampled_from(["photo.jpg", "photo.png", "photo", "photo.exe", ".jpg"]),
    st.text(
        st.characters(categories=["L", "M", "N", "P", "S"], exclude_characters='/\\"&'),
        min_size=1,
        max_size=60,
    ).filter(lambda n: n.strip(".") != ""),
)
shapes = st.sampled_from(["file", "two-files", "missing", "as-text", "raw"])
raw_types = st.sampled_from(
    ["image/jpeg", "application/octet-stream", "application/json", "text/plain",
     "multipart/form-data", "application/x-www-form-urlencoded"]
)  # fmt: skip


def upload_request(
    client: Client, path: str, shape: str, data: bytes, name: str, ctype: str, raw_type: str
) -> Any:
    def part(content: bytes = data) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, content, ctype or "application/octet-stream")

    if shape == "file":
        return client.post(path, {"image": part()})
    if shape == "two-files":  # the last one counts
        return client.post(path, {"image": [part(), part(encode("PNG", (9, 9), "RGB"))]})
    if shape == "missing":
        return client.post(path, {"picture": part(), "note": "x"})
    if shape == "as-text":
        return client.post(path, {"image": data.decode("latin-1")})
    return client.post(path, data, content_type=raw_type)


def within_limits(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return len(data) <= MAX_BYTES and image.width * image.height <= MAX_PIXELS


@FUZZ
@given(content=contents, name=file_names, ctype=content_types, shape=shapes, raw_type=raw_types)
def test_upload_api_answers_hostile_files_with_a_4xx_naming_the_field(
    content: tuple[str, bytes], name: str, ctype: str, shape: str, raw_type: str
) -> None:
    kind, data = content
    client = signed_in()
    before = snapshot()
    response = upload_request(client, "/api/v1/images/", shape, data, name, ctype, raw_type)
    body = json_or_none(response)

    assert response.status_code < 500
    if response.status_code == 202:
        image = ImageUpload.objects.get(id=body["id"])
        assert image.file_key == f"quarantine/{image.id}.{image.file_key.rsplit('.', 1)[-1]}"
        assert media_files() == before[3] | {image.file_key}
        return
    assert response.status_code in (400, 413, 415), response.content
    assert snapshot() == before, "a refused upload left something behind"
    if response.status_code in (400, 413) and "detail" not in body:
        assert "image" in body  # keyed by the field at fault
    else:
        assert body["detail"]  # the body itself was unreadable: no field to blame
    # Content decides, not the name or the declared type: a sound image within the limits
    # sent as the one file part is always accepted.
    if kind == "valid" and shape == "file":
        assert not within_limits(data)
        assert "limit" in " ".join(body["image"])


@FUZZ
@given(content=contents, name=file_names, ctype=content_types, shape=shapes, raw_type=raw_types)
def test_upload_form_answers_hostile_files_with_a_message_naming_the_field(
    content: tuple[str, bytes], name: str, ctype: str, shape: str, raw_type: str
) -> None:
    kind, data = content
    client = signed_in()
    before = snapshot()
    response = upload_request(client, "/upload/", shape, data, name, ctype, raw_type)

    if response.status_code == 400:  # Django's own answer to a body it cannot parse
        assert shape == "raw" and raw_type == "multipart/form-data"
        assert snapshot() == before
        return
    assert response.status_code == 302 and response["Location"] == "/upload/"
    [message] = list(get_messages(response.wsgi_request))
    if message.level_tag == "success":
        assert ImageUpload.objects.count() == before[0] + 1
        return
    assert "image" in str(message)
    assert snapshot() == before, "a refused upload left something behind"
    assert not (kind == "valid" and shape in ("file", "two-files") and within_limits(data))


def test_an_image_just_over_the_byte_limit_is_413_and_leaves_nothing() -> None:
    big = encode("PNG", (30, 30), "RGB") + b"\0" * MAX_BYTES
    before = snapshot()
    response = signed_in().post(
        "/api/v1/images/", {"image": SimpleUploadedFile("big.png", big, "image/png")}
    )
    assert response.status_code == 413
    assert f"{MAX_BYTES} bytes" in response.json()["image"][0]
    assert snapshot() == before


# --- File names ------------------------------------------------------------------------------

BOUNDARY = "vakt-boundary-7b3f"
HOSTILE_NAMES: dict[str, bytes] = {
    "traversal": b'filename="../../etc/passwd.jpg"',
    "absolute": b'filename="/etc/passwd.jpg"',
    "windows-absolute": b'filename="C:\\Windows\\System32\\evil.jpg"',
    "backslashes": b'filename="..\\..\\..\\evil.jpg"',
    "nul": b'filename="evil\x00.jpg"',
    "percent-encoded-literal": b'filename="%2e%2e%2f%2e%2e%2fetc%2fpasswd.jpg"',
    "rfc2231-traversal": b"filename*=UTF-8''%2e%2e%2f%2e%2e%2fetc%2fpasswd.jpg",
    "rfc2231-nul": b"filename*=UTF-8''evil%00.jpg",
    "html-entities": b'filename="..&#x2f;..&#x2f;&lt;script&gt;.jpg"',
    # Django refuses a part whose headers pass 1 KiB: ~900 characters is as long as it gets.
    "very-long": b'filename="' + b"a" * 900 + b'.jpg"',
    "very-long-traversal": b'filename="' + b"../" * 300 + b'x.jpg"',
    "rtl-override": 'filename="invoice\u202egpj.exe"'.encode(),
    "rtl-marks": 'filename="\u200f\u05e9\u05dc\u05d5\u05dd\u200e.jpg"'.encode(),
    "emoji": 'filename="😀🎉 holiday 🏖️.jpg"'.encode(),
    "control-chars": b'filename="a\x01\x1b[31mred\x7f.jpg"',
    "dot-dot": b'filename=".."',
    "empty": b'filename=""',
}


def multipart(disposition_tail: bytes, content: bytes) -> bytes:
    return b"\r\n".join(
        [
            b"--" + BOUNDARY.encode(),
            b'Content-Disposition: form-data; name="image"; ' + disposition_tail,
            b"Content-Type: image/jpeg",
            b"",
            content,
            b"--" + BOUNDARY.encode() + b"--",
            b"",
        ]
    )


def assert_safe_display_name(name: str) -> None:
    assert len(name) <= 255
    assert "/" not in name and "\\" not in name and name not in (".", "..")
    assert all(char.isprintable() for char in name), repr(name)


@pytest.mark.parametrize("path", ["/api/v1/images/", "/upload/"])
@pytest.mark.parametrize("header", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_hostile_file_names_never_choose_the_storage_key(header: bytes, path: str) -> None:
    client = signed_in()
    response = client.post(
        path,
        multipart(header, small_jpeg()),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    images = list(ImageUpload.objects.all())
    if header in (HOSTILE_NAMES["dot-dot"], HOSTILE_NAMES["empty"]):
        # Django drops a file part named nothing but "." or "..": no file was sent.
        if path.startswith("/api/"):
            assert response.status_code == 400 and "image" in response.json()
        else:
            assert response.status_code == 302
            assert [str(m) for m in get_messages(response.wsgi_request)] == [
                "Choose an image to upload."
            ]
        assert images == [] and media_files() == set()
        return
    assert response.status_code == (202 if path.startswith("/api/") else 302)
    [image] = images
    # The key is the server's own; the client's name is kept only for showing back.
    assert image.file_key == f"quarantine/{image.id}.jpg"
    assert media_files() == {image.file_key}
    assert_safe_display_name(image.original_name)
    page = client.get("/upload/")
    assert page.status_code == 200
    assert f'title="{escape(image.original_name)}"'.encode() in page.content


def test_very_long_names_keep_their_extension() -> None:
    client = signed_in()
    client.post(
        "/api/v1/images/",
        multipart(HOSTILE_NAMES["very-long"], small_jpeg()),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    name = ImageUpload.objects.get().original_name
    assert len(name) == 255 and name.endswith(".jpg")


@pytest.mark.parametrize("path", ["/api/v1/images/", "/upload/"])
def test_a_name_too_long_for_the_part_header_is_a_400_and_stores_nothing(path: str) -> None:
    response = signed_in().post(
        path,
        multipart(b'filename="' + b"a" * 1500 + b'.jpg"', small_jpeg()),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert "header size" in response.json()["detail"]
    assert not ImageUpload.objects.exists() and media_files() == set()


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\x\\evil.jpg", "evil.jpg"),
        ("evil\x00.jpg", "evil.jpg"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("😀.jpg", "😀.jpg"),
        ("..", ""),
        (None, ""),
        ("x" * 300 + ".jpg", "x" * 251 + ".jpg"),
    ],
)
def test_display_names_are_sanitised_whoever_builds_the_upload(
    given: str | None, shown: str
) -> None:
    assert services.upload_display_name(given) == shown


def test_an_upload_object_with_a_nul_in_its_name_is_stored_without_it() -> None:
    """Code other than Django's multipart parser can hand the service any name."""
    upload = SimpleUploadedFile("evil\x00.jpg", small_jpeg(), "image/jpeg")
    image = services.image_upload_create(owner=make_user(), upload=upload)
    image.refresh_from_db()
    assert image.original_name == "evil.jpg"


# --- Feedback --------------------------------------------------------------------------------

special_chars = st.sampled_from(
    ["\x00", "\x01", "\x1b", "\x7f", "\u202e", "\u202d", "\u200f", "\u200e", "\u2066", "\ufeff",
     "\u200b", "\r\n", "\t", "\u2028", "\u0085", "😀", "👩‍👩‍👧", "\U0010ffff", "<", "&", "'"]
)  # fmt: skip
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(special_chars, st.text(max_size=5)), max_size=30).map("".join),
    st.builds(
        lambda pad, char, n: pad + char * n + pad,
        st.sampled_from(["", " ", "\n \t"]),
        st.sampled_from(["a", "é", "😀", "\u202e", " "]),
        st.integers(MAX_TEXT_CHARS - 3, MAX_TEXT_CHARS + 3),
    ),
)
values = st.one_of(
    texts,
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
json_bodies = st.one_of(
    st.fixed_dictionaries({"text": values}, optional={"extra": values, "author": values}),
    st.dictionaries(st.text(max_size=8), values, max_size=3),
    values,
)


def text_is_acceptable(value: object) -> bool:
    return (
        isinstance(value, str) and "\x00" not in value and 1 <= len(value.strip()) <= MAX_TEXT_CHARS
    )


def assert_feedback_outcome(response: Any, text: object, has_text: bool, before: Any) -> None:
    assert response.status_code < 500
    body = json_or_none(response)
    if has_text and text_is_acceptable(text):
        assert response.status_code == 202, response.content[:300]
        assert Feedback.objects.get(id=body["id"]).text == str(text).strip()
        return
    assert response.status_code == 400, response.content[:300]
    assert "text" in json.dumps(body)  # the field at fault, or the shape expected
    assert snapshot() == before


@FUZZ
@given(body=json_bodies, anonymous=st.booleans())
def test_feedback_api_json_bodies(body: object, anonymous: bool) -> None:
    client = Client() if anonymous else signed_in()
    before = snapshot()
    response = client.post("/api/v1/feedback/", json.dumps(body), content_type="application/json")
    text = body.get("text") if isinstance(body, dict) else None
    has_text = isinstance(body, dict) and "text" in body
    assert_feedback_outcome(response, text, has_text, before)


@FUZZ
@given(text=texts, encoding=st.sampled_from(["form", "multipart"]), extra=st.booleans())
def test_feedback_api_form_bodies(text: str, encoding: str, extra: bool) -> None:
    client = Client()
    before = snapshot()
    data = {"text": text, **({"other": "x"} if extra else {})}
    if encoding == "form":
        from urllib.parse import urlencode

        response = client.post(
            "/api/v1/feedback/", urlencode(data), "application/x-www-form-urlencoded"
        )
    else:
        response = client.post("/api/v1/feedback/", data)
    assert_feedback_outcome(response, text, True, before)


@FUZZ
@given(
    raw=st.one_of(st.binary(max_size=200), st.just(b'{"text": "\\ud800"}')),
    ctype=st.sampled_from(
        ["application/json", "text/plain", "application/xml", "multipart/form-data", ""]
    ),
)
def test_feedback_api_unreadable_bodies(raw: bytes, ctype: str) -> None:
    before = snapshot()
    response = Client().post("/api/v1/feedback/", raw, content_type=ctype)
    assert response.status_code < 500
    if response.status_code != 202:
        assert response.status_code in (400, 415)
        assert snapshot() == before
        body = response.json()
        assert "text" in json.dumps(body) or body["detail"]


@FUZZ
@given(text=texts, anonymous=st.booleans())
def test_feedback_form(text: str, anonymous: bool) -> None:
    client = Client() if anonymous else signed_in()
    before = snapshot()
    response = client.post("/feedback/", {"text": text})
    if text_is_acceptable(text):
        assert response.status_code == 302
        assert Feedback.objects.count() == before[1] + 1
        return
    assert response.status_code == 400
    assert snapshot() == before
    assert b'<div class="error" role="alert">text ' in response.content


# --- The moderators' pages -------------------------------------------------------------------

params = st.dictionaries(
    st.sampled_from(
        ["kind", "reason", "older_than", "sort", "page", "moderator", "item", "action",
         "format", "days", "q"]
    ),
    st.one_of(st.text(max_size=40), st.sampled_from(["\x00", "-1", "1e9", "image", "csv"])),
    max_size=4,
)  # fmt: skip
GET_PAGES = [
    "/review/",
    "/review/history/",
    "/review/stats/",
    "/upload/",
    "/upload/mine/",
    "/feedback/",
    "/api/v1/reviews/",
    "/api/v1/images/",
]


@FUZZ
@given(path=st.sampled_from(GET_PAGES), query=params)
def test_query_strings_never_cause_a_server_error(path: str, query: dict[str, str]) -> None:
    response = signed_in(make_moderator()).get(path, query)
    assert response.status_code < 500
    if response.streaming:
        b"".join(response)


@pytest.mark.parametrize(
    "path",
    [
        "/review/?reason=a%00b",
        "/review/history/?moderator=%00",
        "/review/history/?action=x%00",
        "/api/v1/reviews/?reason=%00",
    ],
)
def test_nul_in_a_filter_finds_nothing_instead_of_crashing(path: str) -> None:
    queued_feedback()
    response = signed_in(make_moderator()).get(path)
    assert response.status_code == 200
    if path.startswith("/api/"):
        assert response.json()["count"] == 0


form_text = st.one_of(st.text(max_size=30), st.sampled_from(["\x00", "approve", "reject", "ok"]))


@FUZZ
@given(
    decision=form_text, reason=form_text, note=st.one_of(form_text, st.just("x" * 2500)),
    sentiment=form_text, then=form_text,
)  # fmt: skip
def test_decide_form_never_crashes_and_never_decides_on_bad_input(
    decision: str, reason: str, note: str, sentiment: str, then: str
) -> None:
    entry = queued_feedback()
    client = signed_in(make_moderator())
    data = {"decision": decision, "reason": reason, "note": note, "sentiment": sentiment}
    response = client.post(f"/review/{entry.id}/decide/", {**data, "then": then})
    assert response.status_code == 302
    entry.refresh_from_db()
    sentiments = ("positive", "negative", "neutral", "mixed")
    valid = (
        decision in ("approve", "reject")
        and (reason in reason_codes(decision) or (decision == "approve" and not reason))
        and "\x00" not in note
        and len(note) <= 2000
        and (sentiment in sentiments or (decision == "reject" and not sentiment))
    )
    assert (entry.resolved_at is not None) == valid
    feedback = Feedback.objects.get(id=entry.item_id)
    assert feedback.sentiment in ("", *sentiments)
    if not valid:
        assert feedback.status == ItemStatus.IN_REVIEW


def test_api_decision_refuses_a_bad_note_or_sentiment_naming_it() -> None:
    entry = queued_feedback()
    client = signed_in(make_moderator())
    url = f"/api/v1/reviews/{entry.id}/decision/"
    for field, value in (("note", "a\x00b"), ("sentiment", "ecstatic"), ("reason", "\x00")):
        data = {"decision": "approve", "reason": "ok", "sentiment": "positive", field: value}
        response = client.post(url, data, content_type="application/json")
        assert response.status_code == 400
        assert field in response.json()
    entry.refresh_from_db()
    assert entry.resolved_at is None


@FUZZ
@given(
    kind=form_text,
    scope=form_text,
    ids=st.lists(st.one_of(st.uuids().map(str), form_text), max_size=3),
    decision=form_text,
    reason=form_text,
    query=form_text,
    filters=st.fixed_dictionaries({"reason_filter": form_text, "older_than": form_text}),
)
def test_queue_forms_never_crash(
    kind: str, scope: str, ids: list[str], decision: str, reason: str, query: str,
    filters: dict[str, str],
) -> None:  # fmt: skip
    client = signed_in(make_moderator())
    response = client.post("/review/next/", {"kind": kind})
    assert response.status_code == 302
    response = client.post(
        "/review/bulk/",
        {"scope": scope, "kind": kind, "ids": ids, "decision": decision, "reason": reason,
         "query": query, **filters},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"].startswith("/review/")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("https://evil.example/", "/review/"),
        ("//evil.example/x", "/review/"),
        ("/\\evil.example", "/review/"),
        ("javascript:alert(1)", "/review/"),
        ("review-history", "/review/"),  # a view name: redirect() would have resolved it
        ("/review/x\r\nSet-Cookie: a=b", "/review/"),
        ("/review/history/?item=1", "/review/history/?item=1"),
    ],
)
def test_preferences_redirect_only_to_this_site(target: str, expected: str) -> None:
    client = signed_in(make_moderator())
    response = client.post("/review/preferences/", {"blur_images": "on", "next": target})
    assert response.status_code == 302
    assert response["Location"] == expected
