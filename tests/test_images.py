"""Upload checking and re-encoding (moderation.images). Every input is built here."""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile, PngImagePlugin

from moderation.images.processing import (
    MAX_SIDE,
    NOT_AN_IMAGE,
    POLYGLOT,
    UNDECODABLE,
    ImageRejected,
    ProcessedImage,
    _read_header,
    process_upload,
)

MIB = 1 << 20
MAX_BYTES = 10 * MIB
MAX_PIXELS = 40_000_000
RED = (255, 0, 0)
BLUE = (0, 0, 255)
GREEN = (0, 255, 0)
EXIF_MARKER = b"VAKT-EXIF-MARKER"
GPS_MARKER = b"VAKT-GPS-MARKER"
GPS_IFD = 0x8825
ORIENTATION = 0x0112
X = "\N{MULTIPLICATION SIGN}"  # as the messages write it

# Hypothesis runs many examples in one test; the suite's autouse media fixture is harmless
# to share between them, and a database of examples would litter the working tree.
fuzz_settings = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


# --- Building inputs -------------------------------------------------------------------------


def process(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> ProcessedImage:
    return process_upload(
        io.BytesIO(data), size=len(data), max_bytes=max_bytes, max_pixels=max_pixels
    )


def rejection(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        process(data, max_bytes=max_bytes, max_pixels=max_pixels)
    return caught.value


def halves(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: which way up it ends is visible in the pixels."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image.convert(mode)


def encode(image: Image.Image, image_format: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **params)
    return buffer.getvalue()


def noisy_jpeg(size: tuple[int, int] = (96, 64)) -> bytes:
    # Noise keeps the entropy-coded data long, so cutting the file loses real scan data.
    return encode(Image.effect_noise(size, 80).convert("RGB"), "JPEG", quality=95)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims width by height, with a few bytes of pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + png_chunk(b"IEND", b"")
    )


def gif_declaring(width: int, height: int) -> bytes:
    """A GIF with a 1-pixel screen whose first frame claims width by height."""
    screen = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0, 0, 0)
    comment = b"\x21\xfe\x05hello\x00"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x44\x01\x00"
    return screen + comment + frame + b"\x3b"


def webp_declaring(width: int, height: int) -> bytes:
    """An extended WebP whose canvas claims width by height, with no image data."""
    vp8x = (
        b"VP8X"
        + struct.pack("<I", 10)
        + b"\x00\x00\x00\x00"
        + (width - 1).to_bytes(3, "little")
        + (height - 1).to_bytes(3, "little")
    )
    return b"RIFF" + struct.pack("<I", 4 + len(vp8x)) + b"WEBP" + vp8x


def jpeg_declaring(width: int, height: int) -> bytes:
    """A JPEG frame header claiming width by height, and nothing to decode."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + sof + b"\xff\xd9"


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(document.cookie)</script>")
    return buffer.getvalue()


def exif_with_gps(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010E] = EXIF_MARKER.decode()  # ImageDescription
    exif[GPS_IFD] = {
        1: "N",
        2: (59.0, 19.0, 48.0),
        3: "E",
        4: (18.0, 4.0, 5.0),
        0x12: GPS_MARKER.decode(),  # GPSMapDatum, a string we can search the bytes for
    }
    return exif


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's header segments, up to the first scan."""
    markers, pos = [], 2
    while data[pos + 1] != 0xDA:
        markers.append(data[pos + 1])
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return markers


def png_chunk_types(data: bytes) -> list[bytes]:
    types, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        types.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return types


def decoded(result: ProcessedImage) -> Image.Image:
    image = Image.open(io.BytesIO(result.content))
    image.load()
    return image


def is_reddish(pixel: tuple[int, ...]) -> bool:
    red, green, blue = pixel[:3]
    return red > 200 and green < 60 and blue < 60


def is_bluish(pixel: tuple[int, ...]) -> bool:
    red, green, blue = pixel[:3]
    return blue > 200 and red < 60 and green < 60


def rgb_at(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    pixel = image.convert("RGB").getpixel(xy)
    assert isinstance(pixel, tuple)
    return pixel


def frames(image_format: str, colours: list[tuple[int, int, int]]) -> bytes:
    first, *rest = (Image.new("RGB", (16, 16), colour) for colour in colours)
    return encode(first, image_format, save_all=True, append_images=rest, duration=100, loop=0)


# --- Accepted images -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "source_format", "content_type", "extension", "output_format"),
    [
        (lambda: encode(halves(64, 48), "JPEG"), "JPEG", "image/jpeg", "jpg", "JPEG"),
        (lambda: encode(halves(64, 48), "PNG"), "PNG", "image/png", "png", "PNG"),
        (lambda: encode(halves(64, 48), "WEBP"), "WEBP", "image/jpeg", "jpg", "JPEG"),
        (lambda: encode(halves(64, 48, "P"), "GIF"), "GIF", "image/png", "png", "PNG"),
    ],
    ids=["jpeg", "png", "webp", "gif"],
)
def test_accepted_formats_are_reencoded_as_jpeg_or_png(
    source: Callable[[], bytes],
    source_format: str,
    content_type: str,
    extension: str,
    output_format: str,
) -> None:
    result = process(source())

    assert result.source_format == source_format
    assert result.content_type == content_type
    assert result.extension == extension
    assert (result.width, result.height) == (64, 48)
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()
    image = decoded(result)
    assert image.format == output_format
    assert image.size == (64, 48)
    assert is_reddish(rgb_at(image, (8, 24)))
    assert is_bluish(rgb_at(image, (56, 24)))


def test_the_same_upload_gives_the_same_bytes_and_hash() -> None:
    data = noisy_jpeg()

    first, second = process(data), process(data)

    assert first.content == second.content
    assert first.sha256 == second.sha256


def test_upload_already_read_by_a_validator_is_read_from_the_start() -> None:
    data = encode(halves(32, 32), "PNG")
    stream = io.BytesIO(data)
    stream.read()

    result = process_upload(stream, size=len(data), max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)

    assert (result.width, result.height) == (32, 32)


def test_size_exactly_at_the_limit_is_accepted() -> None:
    data = noisy_jpeg()

    result = process(data, max_bytes=len(data))

    assert result.source_format == "JPEG"


def test_pixels_exactly_at_the_limit_are_accepted() -> None:
    result = process(encode(halves(50, 40), "PNG"), max_pixels=2000)

    assert (result.width, result.height) == (50, 40)


def test_multi_picture_jpeg_from_a_camera_counts_as_jpeg() -> None:
    data = encode(halves(32, 16), "MPO", save_all=True, append_images=[Image.new("RGB", (32, 16))])
    assert Image.open(io.BytesIO(data)).format == "MPO"  # what Pillow calls it

    result = process(data)

    assert result.source_format == "JPEG"
    assert result.content_type == "image/jpeg"
    assert is_reddish(rgb_at(decoded(result), (4, 8)))


# --- Modes and transparency ------------------------------------------------------------------


def test_png_alpha_is_kept() -> None:
    image = halves(20, 10, "RGBA")
    image.putpixel((0, 0), (255, 0, 0, 0))
    image.putpixel((19, 9), (0, 0, 255, 128))

    out = decoded(process(encode(image, "PNG")))

    assert out.mode == "RGBA"
    assert out.getpixel((0, 0)) == (255, 0, 0, 0)
    assert out.getpixel((19, 9)) == (0, 0, 255, 128)
    assert out.getpixel((5, 5)) == (255, 0, 0, 255)


def test_palette_png_with_transparency_becomes_rgba() -> None:
    image = Image.new("P", (8, 8), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.putpixel((7, 7), 1)

    out = decoded(process(encode(image, "PNG", transparency=0)))

    assert out.mode == "RGBA"
    assert out.getpixel((0, 0)) == (255, 0, 0, 0)
    assert out.getpixel((7, 7)) == (0, 0, 255, 255)


def test_palette_png_without_transparency_becomes_rgb() -> None:
    out = decoded(process(encode(halves(8, 8, "P"), "PNG")))

    assert out.mode == "RGB"
    assert is_reddish(rgb_at(out, (0, 0)))


def test_greyscale_png_with_colour_key_keeps_its_transparency() -> None:
    image = Image.new("L", (4, 4), 200)
    image.putpixel((0, 0), 0)

    out = decoded(process(encode(image, "PNG", transparency=0)))

    assert out.mode == "RGBA"
    assert out.getpixel((0, 0)) == (0, 0, 0, 0)
    assert out.getpixel((3, 3)) == (200, 200, 200, 255)


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped() -> None:
    image = Image.new("I;16", (3, 1))
    for x, value in enumerate((0, 32896, 65535)):
        image.putpixel((x, 0), value)

    out = decoded(process(encode(image, "PNG")))

    assert out.mode == "L"
    assert [out.getpixel((x, 0)) for x in range(3)] == [0, 128, 255]


@pytest.mark.parametrize("mode", ["1", "L", "LA"])
def test_png_modes_that_png_can_hold_are_kept(mode: str) -> None:
    out = decoded(process(encode(halves(8, 8, mode), "PNG")))

    assert out.mode == mode


def test_cmyk_jpeg_becomes_rgb_jpeg() -> None:
    out = decoded(process(encode(halves(16, 16, "CMYK"), "JPEG")))

    assert out.format == "JPEG"
    assert out.mode == "RGB"
    assert is_reddish(rgb_at(out, (2, 8)))
    assert is_bluish(rgb_at(out, (13, 8)))


def test_greyscale_jpeg_stays_greyscale() -> None:
    out = decoded(process(encode(halves(16, 16, "L"), "JPEG")))

    assert out.format == "JPEG"
    assert out.mode == "L"


def test_webp_with_transparency_becomes_png_with_alpha() -> None:
    image = halves(16, 16, "RGBA")
    image.putpixel((0, 0), (255, 0, 0, 0))

    result = process(encode(image, "WEBP", lossless=True))

    assert result.content_type == "image/png"
    out = decoded(result)
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0))[3] == 0  # type: ignore[index]


def test_webp_whose_first_frame_is_opaque_becomes_jpeg() -> None:
    # Transparency in a later frame makes Pillow open the whole animation as RGBA.
    later = halves(16, 16, "RGBA")
    later.putpixel((0, 0), (0, 0, 0, 0))
    data = encode(halves(16, 16, "RGBA"), "WEBP", save_all=True, append_images=[later])
    assert Image.open(io.BytesIO(data)).mode == "RGBA"

    result = process(data)

    assert result.content_type == "image/jpeg"
    assert decoded(result).mode == "RGB"


def test_gif_transparency_is_kept_as_png_alpha() -> None:
    image = Image.new("P", (8, 8), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.putpixel((7, 7), 1)

    out = decoded(process(encode(image, "GIF", transparency=1)))

    assert out.mode == "RGBA"
    assert out.getpixel((7, 7))[3] == 0  # type: ignore[index]
    assert out.getpixel((0, 0)) == (255, 0, 0, 255)


# --- Animation: first frame only -------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "output_format"),
    [("GIF", "PNG"), ("PNG", "PNG"), ("WEBP", "JPEG")],
    ids=["gif", "apng", "animated-webp"],
)
def test_animated_images_keep_only_their_first_frame(image_format: str, output_format: str) -> None:
    data = frames(image_format, [RED, GREEN, BLUE])
    source = Image.open(io.BytesIO(data))
    assert getattr(source, "n_frames", 1) == 3

    result = process(data)

    out = decoded(result)
    assert out.format == output_format
    assert getattr(out, "n_frames", 1) == 1
    assert is_reddish(rgb_at(out, (8, 8)))
    if output_format == "PNG":
        assert b"acTL" not in png_chunk_types(result.content)


# --- Metadata: orientation applied, everything else gone -------------------------------------


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_exif_orientation_is_applied_and_exif_with_gps_is_dropped(image_format: str) -> None:
    # Orientation 6: the camera was turned; viewers rotate 90° clockwise, so the stored
    # left half (red) is the top of the picture.
    data = encode(halves(40, 20), image_format, exif=exif_with_gps(6))
    source_exif = Image.open(io.BytesIO(data)).getexif()
    assert source_exif[ORIENTATION] == 6
    assert source_exif.get_ifd(GPS_IFD)[0x12] == GPS_MARKER.decode()
    assert GPS_MARKER in data

    result = process(data)

    out = decoded(result)
    assert (result.width, result.height) == (20, 40)
    assert out.size == (20, 40)
    assert is_reddish(rgb_at(out, (10, 5)))
    assert is_bluish(rgb_at(out, (10, 35)))
    assert len(out.getexif()) == 0
    assert out.getexif().get_ifd(GPS_IFD) == {}
    assert "exif" not in out.info
    for leaked in (b"Exif", b"eXIf", EXIF_MARKER, GPS_MARKER):
        assert leaked not in result.content


@pytest.mark.parametrize(("orientation", "size"), [(1, (40, 20)), (3, (40, 20)), (8, (20, 40))])
def test_other_orientations(orientation: int, size: tuple[int, int]) -> None:
    data = encode(halves(40, 20), "PNG", exif=exif_with_gps(orientation))

    out = decoded(process(data))

    assert out.size == size
    # 1 leaves red on the left; 3 turns it upside down (red right); 8 puts red at the bottom.
    red_at = {1: (5, 10), 3: (35, 10), 8: (10, 35)}[orientation]
    assert is_reddish(rgb_at(out, red_at))


def test_jpeg_comment_icc_profile_and_xmp_are_dropped() -> None:
    data = encode(
        halves(16, 16),
        "JPEG",
        comment=b"VAKT-COMMENT-MARKER",
        icc_profile=b"VAKT-ICC-MARKER" * 8,
        xmp=b"<x:xmpmeta>VAKT-XMP-MARKER</x:xmpmeta>",
    )
    assert {"comment", "icc_profile", "xmp"} <= set(Image.open(io.BytesIO(data)).info)

    result = process(data)

    for marker in (b"VAKT-COMMENT-MARKER", b"VAKT-ICC-MARKER", b"VAKT-XMP-MARKER"):
        assert marker not in result.content
    info = decoded(result).info
    assert not {"comment", "icc_profile", "xmp", "exif"} & set(info)
    # Only what a bare baseline JPEG needs: JFIF, tables, frame header.
    assert set(jpeg_markers(result.content)) <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDD}


def test_png_icc_profile_text_and_xmp_are_dropped() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "VAKT-TEXT-MARKER")
    text.add_itxt("XML:com.adobe.xmp", "VAKT-XMP-MARKER")
    data = encode(halves(16, 16), "PNG", icc_profile=b"VAKT-ICC-MARKER" * 8, pnginfo=text)
    assert {"icc_profile", "Comment", "xmp"} <= set(Image.open(io.BytesIO(data)).info)

    result = process(data)

    assert decoded(result).info.get("icc_profile") is None
    assert b"VAKT-TEXT-MARKER" not in result.content
    assert b"VAKT-XMP-MARKER" not in result.content
    assert set(png_chunk_types(result.content)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


# --- Rejected: not an image ------------------------------------------------------------------


def test_empty_file_is_rejected() -> None:
    error = rejection(b"")

    assert (error.status, error.field, error.message) == (400, "image", "image is empty")
    assert str(error) == "image is empty"


@pytest.mark.parametrize(
    "data",
    [
        b"just some text in a file called photo.jpg\n",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>',
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        zip_archive(),
        encode(halves(8, 8), "BMP"),
        encode(halves(8, 8), "TIFF"),
    ],
    ids=["text", "svg", "pdf", "zip", "bmp", "tiff"],
)
def test_files_that_are_not_accepted_images_are_rejected(data: bytes) -> None:
    error = rejection(data)

    assert error.status == 400
    assert error.message == NOT_AN_IMAGE
    assert "JPEG, PNG, WebP or GIF" in error.message


@pytest.mark.parametrize(
    "data",
    [
        noisy_jpeg(),
        encode(Image.effect_noise((64, 64), 80), "PNG"),
        encode(Image.effect_noise((64, 64), 80).convert("P"), "GIF"),
        encode(Image.effect_noise((64, 64), 80).convert("RGB"), "WEBP"),
    ],
    ids=["jpeg", "png", "gif", "webp"],
)
def test_truncated_images_are_rejected(data: bytes) -> None:
    error = rejection(data[: len(data) // 2])

    assert error.status == 400
    assert error.message == UNDECODABLE == "image could not be decoded (truncated or corrupt)"


@pytest.mark.parametrize("where", ["before", "after"])
def test_png_text_chunk_bomb_is_rejected(where: str) -> None:
    # 8 MiB of text squeezed into a few KiB; Pillow refuses to inflate it past its
    # MAX_TEXT_CHUNK with a ValueError, not an OSError, while opening or while loading.
    bomb = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"a" * 8 * MIB))
    data = encode(halves(4, 4), "PNG")
    cut = data.index(b"IDAT" if where == "before" else b"IEND") - 4
    data = data[:cut] + bomb + data[cut:]

    error = rejection(data)

    assert error.status == 400
    assert error.message == UNDECODABLE


def test_image_cut_inside_its_header_is_reported_as_corrupt() -> None:
    assert rejection(b"\xff\xd8\xff").message == UNDECODABLE


def test_truncated_images_are_not_padded_even_if_someone_set_load_truncated_images(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = noisy_jpeg()

    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        process(data[: len(data) // 2])


# --- Rejected: too big -----------------------------------------------------------------------


class UnreadableStream(io.BytesIO):
    def read(self, size: int | None = -1, /) -> bytes:
        raise AssertionError("an oversized upload must be refused before it is read")


def test_declared_size_over_the_limit_is_rejected_with_413_before_reading() -> None:
    with pytest.raises(ImageRejected) as caught:
        process_upload(
            UnreadableStream(), size=12_300_000, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS
        )

    error = caught.value
    assert error.status == 413
    assert error.field == "image"
    assert error.message == (
        "image is 11.7 MiB (12300000 bytes); the limit is 10 MiB (10485760 bytes)"
    )


def test_stream_longer_than_declared_is_cut_off_with_413() -> None:
    data = noisy_jpeg()
    limit = len(data) - 1

    with pytest.raises(ImageRejected) as caught:
        process_upload(io.BytesIO(data), size=100, max_bytes=limit, max_pixels=MAX_PIXELS)

    assert caught.value.status == 413
    assert f"over the limit of {limit / 1024:.1f} KiB ({limit} bytes)" in caught.value.message


class CountingStream(io.BytesIO):
    """Remembers how much was asked of it; returns at most `chunk` bytes a call, like a socket."""

    def __init__(self, data: bytes, chunk: int) -> None:
        super().__init__(data)
        self.chunk = chunk
        self.delivered = 0

    def read(self, size: int | None = -1, /) -> bytes:
        wanted = self.chunk if size is None or size < 0 else min(size, self.chunk)
        data = super().read(wanted)
        self.delivered += len(data)
        return data


def test_a_stream_far_longer_than_declared_is_not_read_to_the_end() -> None:
    limit = 1000
    stream = CountingStream(b"\xff" * 50 * limit, chunk=4096)

    with pytest.raises(ImageRejected) as caught:
        process_upload(stream, size=10, max_bytes=limit, max_pixels=MAX_PIXELS)

    assert caught.value.status == 413
    assert stream.delivered == limit + 1


def test_short_reads_are_put_together() -> None:
    data = noisy_jpeg()
    stream = CountingStream(data, chunk=7)

    result = process_upload(stream, size=len(data), max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)

    assert stream.delivered == len(data)
    assert (result.width, result.height) == (96, 64)


def test_header_declaring_too_many_pixels_is_rejected_without_decoding() -> None:
    error = rejection(png_declaring(20000, 20000))

    assert error.status == 400
    assert error.message == f"image is 20000{X}20000 pixels (400.0 MP); the limit is 40 MP"


@pytest.mark.parametrize(
    "data",
    [
        png_declaring(10000, 10000),
        gif_declaring(10000, 10000),
        webp_declaring(10000, 10000),
        jpeg_declaring(10000, 10000),
    ],
    ids=["png", "gif-first-frame", "webp-canvas", "jpeg"],
)
def test_every_format_is_measured_from_its_header(data: bytes) -> None:
    error = rejection(data)

    assert error.message == f"image is 10000{X}10000 pixels (100.0 MP); the limit is 40 MP"


def test_a_later_frame_header_cannot_smuggle_a_bigger_size_past_the_header_check() -> None:
    # Pillow takes the size from the last frame header before the scan, our sniffer the first.
    data = b"\xff\xd8" + jpeg_declaring(1, 1)[2:-2] + jpeg_declaring(8000, 8000)[2:]

    error = rejection(data)

    assert error.message == f"image is 8000{X}8000 pixels (64.0 MP); the limit is 40 MP"


def test_real_image_over_a_small_pixel_limit_names_the_exact_limit() -> None:
    error = rejection(encode(halves(50, 40), "PNG"), max_pixels=1999)

    assert error.status == 400
    assert error.message == f"image is 50{X}40 pixels (0.0 MP); the limit is 1999 pixels"


def test_limit_that_is_not_a_round_number_of_megapixels_is_given_exactly() -> None:
    error = rejection(png_declaring(2000, 1000), max_pixels=1_234_567)

    assert error.message == (
        f"image is 2000{X}1000 pixels (2.0 MP); the limit is 1.2 MP (1234567 pixels)"
    )


def test_pillows_decompression_bomb_error_becomes_a_400() -> None:
    # Our limit set above Pillow's own: Pillow refuses first, from the header.
    data = png_declaring(20000, 20000)
    assert (Image.MAX_IMAGE_PIXELS or 0) * 2 < 20000 * 20000

    error = rejection(data, max_pixels=10**12)

    assert error.status == 400
    assert error.message.startswith("image has too many pixels to decode safely")
    assert "the limit is 1000000 MP" in error.message


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_pillows_decompression_bomb_warning_as_error_becomes_a_400() -> None:
    error = rejection(png_declaring(10000, 10000), max_pixels=10**12)

    assert error.status == 400
    assert error.message.startswith("image has too many pixels to decode safely")


def test_pillows_decompression_bomb_warning_alone_does_not_let_the_file_through() -> None:
    with pytest.warns(Image.DecompressionBombWarning):
        error = rejection(png_declaring(10000, 10000), max_pixels=10**12)

    assert error.message == UNDECODABLE  # a header with no pixels behind it


@pytest.mark.parametrize(("width", "height"), [(0, 10), (10, 0)])
def test_zero_dimension_is_rejected(width: int, height: int) -> None:
    error = rejection(png_declaring(width, height))

    assert error.status == 400
    assert error.message == (
        f"image is {width}{X}{height} pixels; both sides must be at least 1 pixel"
    )


def test_absurdly_long_side_is_rejected() -> None:
    error = rejection(png_declaring(MAX_SIDE + 1, 1))

    assert error.status == 400
    assert error.message == (
        f"image is {MAX_SIDE + 1}{X}1 pixels; no side may be longer than 30000 pixels"
    )


# --- Rejected: polyglots ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: encode(halves(16, 16), "JPEG") + zip_archive(),
        lambda: encode(halves(16, 16), "PNG") + zip_archive(),
        lambda: encode(halves(16, 16, "P"), "GIF") + zip_archive(),
        lambda: encode(halves(16, 16), "JPEG", comment=zip_archive()),
        lambda: (
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + zip_archive()
        ),
    ],
    ids=["zip-after-jpeg", "zip-after-png", "gifar", "zip-in-jpeg-comment", "jpeg-header-on-zip"],
)
def test_zip_polyglots_are_rejected(build: Callable[[], bytes]) -> None:
    data = build()
    assert zipfile.is_zipfile(io.BytesIO(data))  # a ZIP reader would open it

    error = rejection(data)

    assert error.status == 400
    assert error.message == POLYGLOT
    assert "ZIP" in error.message
    assert "JPEG, PNG, WebP or GIF" in error.message


def test_the_polyglot_itself_would_decode_as_an_image() -> None:
    # Why the check exists: Pillow stops at the JPEG end marker and never sees the archive.
    data = encode(halves(16, 16), "JPEG") + zip_archive()

    image = Image.open(io.BytesIO(data))
    image.load()

    assert image.size == (16, 16)


def test_harmless_trailing_data_is_accepted_and_not_stored() -> None:
    # Phones append real trailers (motion-photo video, maker data) after the end marker.
    data = encode(halves(16, 16), "JPEG") + b"VAKT-TRAILER-MARKER" * 100

    result = process(data)

    assert b"VAKT-TRAILER-MARKER" not in result.content
    assert result.content.endswith(b"\xff\xd9")


# --- Header sniffing agrees with Pillow ------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        encode(halves(33, 17), "JPEG"),
        encode(halves(33, 17), "JPEG", progressive=True, exif=exif_with_gps(6)),
        encode(halves(33, 17, "CMYK"), "JPEG"),
        encode(halves(33, 17), "PNG"),
        encode(halves(33, 17, "P"), "GIF"),
        encode(halves(33, 17, "P"), "GIF", comment=b"x" * 600, transparency=0),
        encode(halves(33, 17), "WEBP"),
        encode(halves(33, 17), "WEBP", lossless=True),
        encode(halves(33, 17, "RGBA"), "WEBP"),
        encode(halves(33, 17), "WEBP", exif=exif_with_gps(1)),
    ],
)
def test_header_size_matches_what_pillow_decodes(data: bytes) -> None:
    header = _read_header(data)

    assert header is not None
    assert header.size == Image.open(io.BytesIO(data)).size == (33, 17)


# --- Fuzzing: nothing but ImageRejected escapes ----------------------------------------------

MAGIC_PREFIXES = [
    b"",
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"RIFF\x00\x00\x00\x00WEBPVP8X",
    b"PK\x03\x04",
]

SAMPLES = [
    encode(halves(24, 16), "JPEG", exif=exif_with_gps(6)),
    encode(halves(24, 16), "JPEG", progressive=True),
    encode(halves(24, 16, "RGBA"), "PNG"),
    encode(halves(24, 16, "P"), "GIF"),
    frames("GIF", [RED, GREEN]),
    encode(halves(24, 16), "WEBP"),
    encode(halves(24, 16, "RGBA"), "WEBP", lossless=True),
]


def assert_processed_or_rejected(data: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about some corrupt EXIF; fine here
        try:
            result = process(data, max_bytes=64 * 1024, max_pixels=1_000_000)
        except ImageRejected as error:
            assert error.status in (400, 413)
            assert error.message
            return
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()
    assert decoded(result).size == (result.width, result.height)


@fuzz_settings
@given(prefix=st.sampled_from(MAGIC_PREFIXES), body=st.binary(max_size=2048))
def test_random_bytes_raise_nothing_but_image_rejected(prefix: bytes, body: bytes) -> None:
    assert_processed_or_rejected(prefix + body)


@fuzz_settings
@given(
    sample=st.sampled_from(SAMPLES),
    edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=6),
    keep=st.one_of(st.none(), st.floats(min_value=0, max_value=1)),
)
def test_damaged_images_raise_nothing_but_image_rejected(
    sample: bytes, edits: list[tuple[int, int]], keep: float | None
) -> None:
    data = bytearray(sample)
    for position, value in edits:
        data[position % len(data)] = value
    if keep is not None:
        data = data[: int(len(data) * keep)]

    assert_processed_or_rejected(bytes(data))


@pytest.mark.parametrize("kind", ["memory", "temporary"])
def test_django_uploaded_files_are_read_whole(kind: str) -> None:
    data = encode(halves(30, 20), "PNG")
    upload: SimpleUploadedFile | TemporaryUploadedFile
    if kind == "memory":
        upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
    else:
        upload = TemporaryUploadedFile("photo.jpg", "image/jpeg", len(data), None)
        upload.write(data)
        upload.flush()
    with upload:
        result = process_upload(
            upload, size=upload.size or 0, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS
        )

    # Named .jpg and sent as image/jpeg, but decoded as what it is.
    assert result.source_format == "PNG"
    assert (result.width, result.height) == (30, 20)
