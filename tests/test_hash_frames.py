"""Known-bad images posted again inside a flat frame: the frame is found, the picture inside is
hashed as well, and the bank is searched with both hashes."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from PIL import Image, ImageOps

from moderation.images import hashbank
from moderation.images.hashing import frame_box, hamming, pdq_compute, pdq_compute_framed
from moderation.images.models import HashBankEntry
from moderation.images.selectors import hashbank_lookup
from moderation.models import ImageUpload, ItemStatus

# _not_queued: nothing is queued, as in the hash bank's own tests (an autouse fixture).
from tests.test_hashbank import _not_queued, analysed, encoded, photo, uploaded  # noqa: F401
from tests.test_image_pipeline import EXPLICIT_HIGH, FakeAnalyzer

pytestmark = pytest.mark.django_db


def framed(image: Image.Image, border: int = 16, fill: str = "white") -> Image.Image:
    return ImageOps.expand(image, border=border, fill=fill)


def jpeg_round_trip(image: Image.Image, quality: int = 80) -> Image.Image:
    return Image.open(io.BytesIO(encoded(image, quality=quality))).convert("RGB")


def test_a_border_is_found_through_jpeg_ringing() -> None:
    picture = photo(1)  # 320×240
    box = frame_box(jpeg_round_trip(framed(picture, border=16)))
    assert box is not None
    left, top, right, bottom = box
    # Inside by at most two pixels: the blocks along the border blur its edge.
    assert abs(left - 16) <= 2 and abs(top - 16) <= 2
    assert abs(right - 336) <= 2 and abs(bottom - 256) <= 2


def test_a_band_along_one_edge_is_a_frame_and_a_plain_picture_has_none() -> None:
    picture = photo(2)
    banded = Image.new("RGB", (320, 270), "black")
    banded.paste(picture, (0, 0))
    assert frame_box(banded) == (0, 0, 320, 240)
    assert frame_box(picture) is None
    # A sliver (under 1 % deep) is not a frame; nor is flatness that leaves under half.
    assert frame_box(framed(picture, border=1)) is None
    assert frame_box(Image.new("RGB", (200, 200), (40, 90, 200))) is None


def test_inside_its_frame_a_picture_hashes_as_itself() -> None:
    picture = photo(3)
    original = pdq_compute(picture)
    whole, inside = pdq_compute_framed(jpeg_round_trip(framed(picture)))
    assert hamming(whole.hex, original.hex) > 31  # the frame moves PDQ far
    assert inside is not None and hamming(inside.hex, original.hex) <= 16
    assert pdq_compute_framed(picture) == (original, None)


def test_upload_stores_the_hash_inside_the_frame_only_when_there_is_one() -> None:
    plain = uploaded(encoded(photo(4)))
    plain.refresh_from_db()
    assert plain.pdq_framed == "" and plain.pdq_hash

    boxed = uploaded(encoded(framed(photo(4))))
    boxed.refresh_from_db()
    assert hamming(boxed.pdq_framed, plain.pdq_hash) <= 16
    assert hamming(boxed.pdq_hash, plain.pdq_hash) > 31


def test_a_known_bad_image_inside_a_frame_is_rejected_unseen() -> None:
    fake = FakeAnalyzer([EXPLICIT_HIGH])
    with mock.patch("moderation.images.services.get_image_analyzer", return_value=fake):
        first = analysed(encoded(photo(5)))
        assert first.status == ItemStatus.REJECTED
        entry = HashBankEntry.objects.get(source_item=first)

        again = analysed(encoded(framed(photo(5), border=24, fill="black"), quality=70))
    assert again.status == ItemStatus.REJECTED
    assert len(fake.calls) == 1  # no paid analysis
    reason = again.reasons[0]
    assert reason["label"] == "hash_match" and reason["params"]["source_image"] == str(first.id)
    # Found through the hash inside the frame: the whole picture's is too far.
    assert hamming(again.pdq_hash, entry.pdq_hash) > 31
    assert reason["params"]["distance"] == hamming(again.pdq_framed, entry.pdq_hash)


def test_the_lookup_gives_each_entry_once_at_its_nearer_distance() -> None:
    picture = photo(6)
    original = pdq_compute(picture)
    HashBankEntry.objects.create(reason="test", **hashbank.hash_fields(original))
    whole, inside = pdq_compute_framed(jpeg_round_trip(framed(picture, border=4), quality=95))
    assert inside is not None
    matches = hashbank_lookup(hashes=[whole.hex, inside.hex], max_distance=47)
    assert len(matches) == 1
    assert matches[0].distance == min(
        hamming(whole.hex, original.hex), hamming(inside.hex, original.hex)
    )
    assert hashbank_lookup(hashes=[pdq_compute(photo(7)).hex], max_distance=31) == []


def test_an_image_stored_before_hashing_gets_both_hashes_at_analysis() -> None:
    image = uploaded(encoded(framed(photo(8))))
    ImageUpload.objects.filter(id=image.id).update(pdq_hash="", pdq_framed="")
    image.refresh_from_db()
    hashbank.image_hash_ensure(image)
    image.refresh_from_db()
    assert image.pdq_hash and image.pdq_framed
    assert hamming(image.pdq_framed, pdq_compute(photo(8)).hex) <= 16
