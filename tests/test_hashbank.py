"""The hash bank: PDQ at upload, known-bad entries, lookup by multi-index hashing, the policy's
decision on a match, and failures that never approve."""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFilter

from moderation.images import hashbank, services
from moderation.images.hashing import (
    MAX_DISTANCE,
    MIN_QUALITY,
    HashError,
    hamming,
    hash_normalise,
    hash_segments,
    pdq_compute,
    segment_probes,
)
from moderation.images.models import HashBankEntry
from moderation.images.processing import process_upload
from moderation.images.selectors import hash_matches, hashbank_matches, image_near_duplicates
from moderation.models import AuditEvent, ImageUpload, ItemStatus, Policy, ReviewItem
from moderation.policy.models import HashMatchAction
from moderation.policy.selectors import policy_cache_clear
from moderation.review import services as reviews
from moderation.review.reasons import reason_text
from moderation.review.undo import review_undo
from tests.factories import make_moderator, make_user, signed_in, token_header, upload_file
from tests.test_image_pipeline import EXPLICIT_HIGH, VIOLENCE_MID, FakeAnalyzer

pytestmark = pytest.mark.django_db


def photo(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A textured picture, different for every seed (flat test images are too plain for PDQ)."""
    rng = random.Random(seed)
    cells = Image.frombytes("RGB", (6, 5), bytes(rng.randrange(256) for _ in range(6 * 5 * 3)))
    image = cells.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        box = (x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 120))
        draw.ellipse(box, fill=tuple(rng.randrange(256) for _ in range(3)))
    return image


def encoded(image: Image.Image, fmt: str = "JPEG", **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture
def analyzer() -> Iterator[Callable[..., FakeAnalyzer]]:
    with mock.patch("moderation.images.services.get_image_analyzer") as get:

        def install(*script: Any) -> FakeAnalyzer:
            fake = FakeAnalyzer(list(script))
            get.return_value = fake
            return fake

        yield install


@pytest.fixture(autouse=True)
def _not_queued() -> Iterator[None]:
    with mock.patch("moderation.tasks.analyze_image.delay"):
        yield


def uploaded(content: bytes) -> ImageUpload:
    return services.image_upload_create(owner=make_user(), upload=upload_file(content))


def analysed(content: bytes) -> ImageUpload:
    image = uploaded(content)
    services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    return image


def set_policy(**fields: Any) -> None:
    # Changed in place (the editor would publish a new version): the worker's cache must forget.
    Policy.objects.filter(version=Policy.objects.latest("version").version).update(**fields)
    policy_cache_clear()


# --- Hashing and the index, without the database ---------------------------------------------


def test_pdq_is_stable_under_re_encoding_and_far_between_different_pictures() -> None:
    original = pdq_compute(photo(1))
    again = pdq_compute(Image.open(io.BytesIO(encoded(photo(1), quality=50))))
    other = pdq_compute(photo(2))
    assert len(original.hex) == 64 and original.quality >= MIN_QUALITY
    assert hamming(original.hex, again.hex) <= 16
    assert hamming(original.hex, other.hex) > 64


def test_flat_images_are_too_plain_to_match() -> None:
    flat = pdq_compute(Image.new("RGB", (200, 200), (10, 200, 30)))
    assert flat.quality < MIN_QUALITY and not flat.matchable


def test_hash_failure_is_reported_as_hash_error() -> None:
    with (
        mock.patch("pdqhash.compute", side_effect=RuntimeError("boom")),
        pytest.raises(HashError, match="RuntimeError: boom"),
    ):
        pdq_compute(photo(1))


@pytest.mark.parametrize("value", ["", "xyz", "0" * 63, "g" * 64, "0" * 65])
def test_malformed_hashes_are_refused(value: str) -> None:
    with pytest.raises(HashError):
        hash_normalise(value)


def test_segments_read_the_hash_in_order() -> None:
    value = "0001" + "0" * 56 + "ffff"
    segments = hash_segments(value)
    assert segments[0] == 1 and segments[-1] == 0xFFFF and sum(segments[1:-1]) == 0


def test_probes_cover_every_hash_within_the_distance() -> None:
    rng = random.Random(5)
    for distance in (0, 15, 16, 31, 47):
        probes = segment_probes(f"{rng.getrandbits(256):064x}", distance)
        for _ in range(200):
            base = rng.getrandbits(256)
            query = f"{base:064x}"
            flipped = base
            for bit in rng.sample(range(256), distance):
                flipped ^= 1 << bit
            probes = segment_probes(query, distance)
            segments = hash_segments(f"{flipped:064x}")
            assert any(s in p for s, p in zip(segments, probes, strict=True))
    with pytest.raises(ValueError, match="max_distance"):
        segment_probes("0" * 64, MAX_DISTANCE + 1)


# --- Lookup in the database --------------------------------------------------------------------


def test_lookup_finds_exactly_what_a_scan_finds() -> None:
    rng = random.Random(7)
    centre = rng.getrandbits(256)
    hashes = [f"{rng.getrandbits(256):064x}" for _ in range(150)]
    for distance in (3, 15, 16, 29, 31, 32, 40):  # near hashes, some beyond 31
        near = centre
        for bit in rng.sample(range(256), distance):
            near ^= 1 << bit
        hashes.append(f"{near:064x}")
    for value in hashes:
        hashbank.hashbank_entry_add(pdq_hash=value, reason="test")
    query = f"{centre:064x}"
    for max_distance in (0, 15, 31, 47):
        found = hashbank_matches(pdq_hash=query, max_distance=max_distance, limit=1000)
        scan = sorted(hamming(query, v) for v in hashes if hamming(query, v) <= max_distance)
        assert [match.distance for match in found] == scan
    assert [m.distance for m in hashbank_matches(pdq_hash=query, max_distance=31)] == [
        3, 15, 16, 29, 31,
    ]  # fmt: skip


def test_a_lookup_reads_only_the_changes_and_its_matches(
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection

    hashbank.hashbank_entry_add(pdq_hash="ab" * 32, reason="test")
    hashbank_matches(pdq_hash="ab" * 32, max_distance=31)  # builds this process's index
    with django_assert_max_num_queries(2) as captured:
        matches = hashbank_matches(pdq_hash="ab" * 32, max_distance=31)
    assert [match.distance for match in matches] == [0]
    changes = captured.captured_queries[0]["sql"]
    assert '"id" >' in changes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + changes)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        assert "_pkey" in plan and "Seq Scan" not in plan


# --- At upload ---------------------------------------------------------------------------------


def test_upload_stores_the_hash_of_the_re_encoded_image() -> None:
    image = uploaded(encoded(photo(3), "PNG"))
    image.refresh_from_db()
    expected = pdq_compute(photo(3))
    assert image.pdq_hash and image.hash_error == ""
    assert hamming(image.pdq_hash, expected.hex) <= 8
    assert (image.s0, image.s15) == (
        hash_segments(image.pdq_hash)[0],
        hash_segments(image.pdq_hash)[15],
    )


def test_a_hash_failure_at_upload_keeps_the_upload() -> None:
    with mock.patch("pdqhash.compute", side_effect=MemoryError("no memory")):
        processed = process_upload(
            io.BytesIO(encoded(photo(1))), size=10_000, max_bytes=1 << 20, max_pixels=10**7
        )
    assert processed.pdq is None and "MemoryError: no memory" in processed.hash_error


# --- Deciding --------------------------------------------------------------------------------


def test_a_rejected_image_enters_the_bank_and_its_re_upload_is_rejected_unseen(
    analyzer: Callable[..., FakeAnalyzer],
) -> None:
    fake = analyzer(EXPLICIT_HIGH)
    first = analysed(encoded(photo(4)))
    assert first.status == ItemStatus.REJECTED
    entry = HashBankEntry.objects.get(source_item=first)
    assert entry.pdq_hash == first.pdq_hash and entry.added_by is None
    assert entry.reason.startswith("rejected by the policy: Explicit Nudity 97.5 %")

    # Smaller and re-encoded: the same picture.
    again = analysed(encoded(photo(4).resize((200, 150)), quality=60))
    assert again.status == ItemStatus.REJECTED
    assert len(fake.calls) == 1  # no paid analysis for a known-bad image
    reason = again.reasons[0]
    assert reason["label"] == "hash_match" and reason["band"] == "reject"
    assert reason["params"]["source_image"] == str(first.id)
    assert reason["params"]["distance"] <= 31
    assert reason_text(reason).startswith(f"Matches rejected image {first.id}:")
    assert HashBankEntry.objects.count() == 1  # matches do not enter the bank again

    # Someone else's picture goes through.
    analyzer(())
    assert analysed(encoded(photo(5))).status == ItemStatus.APPROVED


def test_the_policy_can_send_matches_to_review_or_ignore_them(
    analyzer: Callable[..., FakeAnalyzer],
) -> None:
    source = uploaded(encoded(photo(6)))
    source.refresh_from_db()
    hashbank.hashbank_entry_add(pdq_hash=source.pdq_hash, reason="known", source_item=source)
    set_policy(hash_match_action=HashMatchAction.REVIEW)
    analyzer(())
    held = analysed(encoded(photo(6), quality=70))
    assert held.status == ItemStatus.IN_REVIEW
    assert ReviewItem.objects.get(item_id=held.id).reason == "hash_match"

    set_policy(hash_match_action=HashMatchAction.OFF)
    assert analysed(encoded(photo(6), quality=70)).status == ItemStatus.APPROVED

    set_policy(hash_match_action=HashMatchAction.REJECT, hash_match_distance=0)
    # Re-encoded at quality 30 it is a few bits away: beyond a distance of 0.
    far = analysed(encoded(photo(6), quality=30))
    assert hamming(far.pdq_hash, source.pdq_hash) > 0
    assert far.status == ItemStatus.APPROVED


def test_a_hash_failure_never_approves(analyzer: Callable[..., FakeAnalyzer]) -> None:
    analyzer(())  # the analyzer finds nothing
    with mock.patch("pdqhash.compute", side_effect=RuntimeError("broken")):
        image = analysed(encoded(photo(7)))
    assert image.status == ItemStatus.IN_REVIEW
    assert image.pdq_hash == "" and "RuntimeError: broken" in image.hash_error
    reason = image.reasons[0]
    assert reason["code"] == "hash_failed" and reason["band"] == "review"
    assert "could not be computed (RuntimeError: broken)" in reason_text(reason)
    assert ReviewItem.objects.get(item_id=image.id).reason == "hash_error"


def test_a_failed_lookup_never_approves(analyzer: Callable[..., FakeAnalyzer]) -> None:
    analyzer(())
    image = uploaded(encoded(photo(8)))
    with mock.patch(
        "moderation.images.hashbank.hashbank_lookup", side_effect=ValueError("bad index")
    ):
        services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW
    assert image.reasons[0]["params"] == {"error": "ValueError: bad index"}


def test_a_malformed_stored_hash_goes_to_review(analyzer: Callable[..., FakeAnalyzer]) -> None:
    analyzer(())
    image = uploaded(encoded(photo(9)))
    ImageUpload.objects.filter(id=image.id).update(pdq_hash="not a hash")
    services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW and image.reasons[0]["code"] == "hash_failed"


def test_an_image_stored_before_hashing_is_hashed_at_analysis(
    analyzer: Callable[..., FakeAnalyzer],
) -> None:
    analyzer(())
    image = uploaded(encoded(photo(10)))
    stored = image.pdq_hash
    ImageUpload.objects.filter(id=image.id).update(pdq_hash="", pdq_quality=None, s0=None)
    services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    assert image.status == ItemStatus.APPROVED
    assert hamming(image.pdq_hash, stored) <= 8 and image.s0 is not None


def test_flat_images_neither_enter_the_bank_nor_match(
    analyzer: Callable[..., FakeAnalyzer],
) -> None:
    flat = Image.new("RGB", (120, 90), (200, 30, 30))
    analyzer(EXPLICIT_HIGH)
    assert analysed(encoded(flat)).status == ItemStatus.REJECTED
    assert not HashBankEntry.objects.exists()
    # Another flat picture hashes alike, but is not matched (an identical file would reuse
    # the first one's labels instead).
    analyzer(())
    other = analysed(encoded(Image.new("RGB", (120, 90), (30, 30, 200))))
    assert other.status == ItemStatus.APPROVED and other.reasons == []


def test_moderator_rejection_enters_the_bank_and_undo_takes_it_out(
    analyzer: Callable[..., FakeAnalyzer],
) -> None:
    analyzer(VIOLENCE_MID)
    image = analysed(encoded(photo(11)))
    entry = ReviewItem.objects.get(item_id=image.id)
    moderator = make_moderator()
    reviews.review_decide(
        review_id=entry.id, moderator=moderator, decision="reject", reason="violence", note="gun"
    )
    bank = HashBankEntry.objects.get(source_item=image)
    assert bank.added_by == moderator and bank.reason == "rejected by a moderator (violence): gun"

    review_undo(review_id=entry.id, moderator=moderator)
    assert not HashBankEntry.objects.filter(source_item=image).exists()


def test_near_duplicates_among_open_items() -> None:
    with mock.patch("moderation.images.services.get_image_analyzer") as get:
        get.return_value = FakeAnalyzer([VIOLENCE_MID])
        first = analysed(encoded(photo(12)))
        second = analysed(encoded(photo(12).filter(ImageFilter.GaussianBlur(1)), quality=60))
        other = analysed(encoded(photo(13)))
    found = image_near_duplicates(item=first, max_distance=31)
    assert [image.id for image, _ in found] == [second.id]
    assert image_near_duplicates(item=other, max_distance=31) == []
    # Decided images leave the group.
    ImageUpload.objects.filter(id=second.id).update(status=ItemStatus.APPROVED)
    assert image_near_duplicates(item=first, max_distance=31) == []
    assert hash_matches(ImageUpload.objects.all(), pdq_hash=first.pdq_hash, max_distance=31)


def test_near_duplicates_waiting_for_review_share_a_group() -> None:
    with mock.patch("moderation.images.services.get_image_analyzer") as get:
        get.return_value = FakeAnalyzer([VIOLENCE_MID])
        first = analysed(encoded(photo(14)))
        resized = analysed(encoded(photo(14).resize((256, 192)), quality=70))
        other = analysed(encoded(photo(15)))
    keys = dict(ReviewItem.objects.values_list("item_id", "group_key"))
    assert keys[first.id] == keys[resized.id] == f"sha256:{first.sha256}"
    assert keys[other.id] == f"sha256:{other.sha256}"


# --- Admin, item page and API ----------------------------------------------------------------


def test_admin_adds_annotates_and_removes_entries(admin_client: Client) -> None:
    add = reverse("admin:moderation_hashbankentry_add")
    response = admin_client.post(add, {"pdq_hash": "AB" * 32, "reason": "shared by a partner"})
    assert response.status_code == 302, response.content
    entry = HashBankEntry.objects.get()
    assert entry.pdq_hash == "ab" * 32 and entry.added_by is not None
    assert entry.s0 == 0xABAB

    picture = upload_file(encoded(photo(14)), name="bad.jpg")
    response = admin_client.post(add, {"image": picture, "reason": "from a report"})
    assert response.status_code == 302, response.content
    from_file = HashBankEntry.objects.get(reason="from a report")
    assert hamming(from_file.pdq_hash, pdq_compute(photo(14)).hex) <= 8
    assert from_file.pdq_quality is not None and from_file.pdq_quality >= MIN_QUALITY

    refused = admin_client.post(add, {"pdq_hash": "12", "reason": "x"})
    assert refused.status_code == 200 and b"64 hexadecimal digits" in refused.content
    both = admin_client.post(add, {"pdq_hash": "ab" * 32, "image": picture, "reason": "x"})
    assert both.status_code == 200 and HashBankEntry.objects.count() == 2

    change = reverse("admin:moderation_hashbankentry_change", args=[entry.id])
    response = admin_client.post(change, {"note": "partner case 7"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.note == "partner case 7" and entry.reason == "shared by a partner"

    delete = reverse("admin:moderation_hashbankentry_delete", args=[entry.id])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert list(HashBankEntry.objects.values_list("id", flat=True)) == [from_file.id]


def test_moderators_see_both_images_side_by_side_blurred(
    analyzer: Callable[..., FakeAnalyzer],
) -> None:
    source = uploaded(encoded(photo(15)))
    source.refresh_from_db()
    hashbank.hashbank_entry_add(
        pdq_hash=source.pdq_hash, reason="known bad", note="case 9", source_item=source
    )
    set_policy(hash_match_action=HashMatchAction.REVIEW)
    analyzer(())
    image = analysed(encoded(photo(15), quality=80))
    entry = ReviewItem.objects.get(item_id=image.id)
    page = signed_in(make_moderator()).get(reverse("review-item", args=[entry.id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Matches a rejected image" in html and "known bad" in html and "case 9" in html
    assert reverse("image-file", args=[image.id]) in html
    assert reverse("image-file", args=[source.id]) in html
    assert html.count('class="preview blurred"') == 3  # the preview and both sides


def test_api_shows_a_hash_match_rejection_to_the_submitter(
    analyzer: Callable[..., FakeAnalyzer],
) -> None:
    analyzer(EXPLICIT_HIGH)
    analysed(encoded(photo(16)))
    owner = make_user()
    client = Client(HTTP_AUTHORIZATION=token_header(owner))
    response = client.post(
        reverse("api-images"), {"image": upload_file(encoded(photo(16), quality=70))}
    )
    assert response.status_code == 202, response.content
    services.image_analyze(image_id=response.json()["id"])
    detail = client.get(response.json()["url"]).json()
    assert detail["status"] == "rejected"
    assert detail["reasons"][0]["label"] == "hash_match"
    assert AuditEvent.objects.filter(item_id=response.json()["id"], to_status="rejected").exists()
