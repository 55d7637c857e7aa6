"""Checking and re-encoding uploaded images.

Everything here works on bytes in memory: no models, no storage. An upload is decoded with
Pillow (never trusted by its name or MIME type), limited in bytes and in pixels, and stored as
a fresh JPEG or PNG built from its pixels alone, so no metadata (EXIF/GPS, ICC, comments, XMP)
and no smuggled payload survives.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from dataclasses import dataclass
from typing import IO, Final, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from PIL import Image, ImageFile, ImageOps

from moderation.images.hashing import HashError, PerceptualHash, pdq_compute_framed
from project.errors import BadInput

ACCEPTED_FORMATS: Final = ("JPEG", "PNG", "WEBP", "GIF")
# A pixel budget alone would allow a strip 1 pixel by 40 million; nothing real is that long.
MAX_SIDE: Final = 30_000
JPEG_QUALITY: Final = 90

NOT_AN_IMAGE: Final = gettext_lazy("image must be a JPEG, PNG, WebP or GIF file")
UNDECODABLE: Final = gettext_lazy("image could not be decoded (truncated or corrupt)")
POLYGLOT: Final = gettext_lazy(
    "image is also a ZIP archive (a polyglot file); upload a plain JPEG, PNG, WebP or GIF file"
)

OutputFormat = Literal["JPEG", "PNG"]

_MIB: Final = 1 << 20
_KIB: Final = 1 << 10
_READ_CHUNK: Final = _MIB
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
# Start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
_JPEG_SOF_MARKERS: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field: TEM and the restart markers.
_JPEG_STANDALONE_MARKERS: Final = frozenset({0x01, *range(0xD0, 0xD8)})


class ImageRejected(BadInput):
    """An upload we refuse, with the message and HTTP status (400, 413) to answer it with."""

    def __init__(self, message: str | Promise, *, status: int = 400, field: str = "image") -> None:
        # Worded in the language of the request that sent the upload.
        super().__init__(str(message), field=field, status=status)


@dataclass(frozen=True)
class ProcessedImage:
    """An accepted upload, re-encoded: `content` is what to store, `sha256` its digest."""

    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str
    source_format: str
    # PDQ of the stored pixels, or why it failed (the upload is kept, and goes to review).
    pdq: PerceptualHash | None = None
    hash_error: str = ""
    # PDQ of what lies inside a flat frame, when the picture has one and it can be matched.
    pdq_framed: PerceptualHash | None = None


@dataclass(frozen=True)
class _Header:
    """What the first bytes claim, read before Pillow sees the file."""

    format: str
    size: tuple[int, int] | None


def process_upload(
    fileobj: IO[bytes], *, size: int, max_bytes: int, max_pixels: int
) -> ProcessedImage:
    """Decode an upload, check it and return clean bytes to store.

    Raises ImageRejected (a 4xx for the client) for anything we will not store.
    """
    data = _read_upload(fileobj, size=size, max_bytes=max_bytes)
    image, source_format = _open_image(data, max_pixels=max_pixels)
    try:
        _decode_first_frame(image)
        output_format = _output_format(source_format, image)
        clean = _rebuild_from_pixels(_normalise_mode(image, output_format))
    finally:
        image.close()
    content = _encode(clean, output_format)
    pdq, pdq_framed, hash_error = image_pdq(clean)
    is_jpeg = output_format == "JPEG"
    return ProcessedImage(
        content=content,
        content_type="image/jpeg" if is_jpeg else "image/png",
        extension="jpg" if is_jpeg else "png",
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(content).hexdigest(),
        source_format=source_format,
        pdq=pdq,
        hash_error=hash_error,
        pdq_framed=pdq_framed,
    )


def image_pdq(
    image: Image.Image,
) -> tuple[PerceptualHash | None, PerceptualHash | None, str]:
    """The PDQ hash of the pixels that are stored and, when the picture has a flat frame, of
    what lies inside it (if matchable: too flat a hash would match every other flat one); or
    why they could not be computed."""
    try:
        whole, framed = pdq_compute_framed(image)
    except HashError as exc:
        return None, None, str(exc)
    return whole, (framed if framed and framed.matchable else None), ""


# --- Bytes -----------------------------------------------------------------------------------


def _read_upload(fileobj: IO[bytes], *, size: int, max_bytes: int) -> bytes:
    if size > max_bytes:
        raise ImageRejected(
            gettext("image is %(size)s; the limit is %(limit)s")
            % {"size": _describe_bytes(size), "limit": _describe_bytes(max_bytes)},
            status=413,
        )
    # A form or serializer may already have read the upload to validate it.
    if fileobj.seekable():
        fileobj.seek(0)
    # The declared size comes from the client; never read more than one byte past the limit.
    data = _read_at_most(fileobj, max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRejected(
            gettext("image is larger than declared and over the limit of %(limit)s")
            % {"limit": _describe_bytes(max_bytes)},
            status=413,
        )
    if not data:
        raise ImageRejected(gettext("image is empty"))
    return data


def _read_at_most(fileobj: IO[bytes], limit: int) -> bytes:
    # Raw streams may return short reads before the end, so loop until EOF or the limit.
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = fileobj.read(min(remaining, _READ_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _describe_bytes(count: int) -> str:
    if count >= _MIB:
        return gettext("%(number)s MiB (%(bytes)d bytes)") % {
            "number": _one_decimal(count / _MIB),
            "bytes": count,
        }
    if count >= _KIB:
        return gettext("%(number)s KiB (%(bytes)d bytes)") % {
            "number": _one_decimal(count / _KIB),
            "bytes": count,
        }
    return gettext("%(bytes)d bytes") % {"bytes": count}


def _one_decimal(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


# --- Identification and limits ---------------------------------------------------------------


def _open_image(data: bytes, *, max_pixels: int) -> tuple[ImageFile.ImageFile, str]:
    header = _read_header(data)
    if header is not None:
        # Only files that claim to be images can be polyglots; a bare archive is simply
        # "not an image". Checked before any of Pillow's parsers see the crafted file.
        _reject_zip_polyglot(data)
    # Check what the header declares before Pillow builds anything: its WebP decoder
    # allocates the whole canvas as soon as the file is opened.
    if header is not None and header.size is not None:
        _check_dimensions(header.size, max_pixels)
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own ceiling (or its warning, where a filter turns it into an error)
        # fired first; the header did not tell us the size. We install no such filter
        # ourselves: warnings.catch_warnings() swaps process-wide state and is not
        # thread-safe before Python 3.14, and our own limit, checked above and below, decides.
        raise ImageRejected(
            gettext("image has too many pixels to decode safely; the limit is %(limit)s")
            % {"limit": _describe_megapixels(max_pixels)}
        ) from exc
    except Exception as exc:
        # Pillow's parsers meet hostile input here and have raised OSError, SyntaxError,
        # ValueError, struct.error, IndexError, TypeError...; the block holds no code of ours,
        # so any failure means "not an image we can read".
        raise ImageRejected(UNDECODABLE if header is not None else NOT_AN_IMAGE) from exc
    # Authoritative: Pillow's idea of the size (a GIF frame can outgrow its screen, a JPEG
    # can carry several frame headers).
    _check_dimensions(image.size, max_pixels)
    # Pillow promotes a JPEG with a Multi-Picture index (many phone cameras) to "MPO";
    # its first picture is an ordinary JPEG.
    source_format = "JPEG" if image.format == "MPO" else str(image.format)
    return image, source_format


def _check_dimensions(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    shown = gettext("%(width)d×%(height)d pixels") % {"width": width, "height": height}
    if width < 1 or height < 1:
        raise ImageRejected(
            gettext("image is %(size)s; both sides must be at least 1 pixel") % {"size": shown}
        )
    pixels = width * height
    if pixels > max_pixels:
        raise ImageRejected(
            gettext("image is %(size)s (%(megapixels)s MP); the limit is %(limit)s")
            % {
                "size": shown,
                "megapixels": f"{pixels / 1e6:.1f}",
                "limit": _describe_megapixels(max_pixels),
            }
        )
    if max(width, height) > MAX_SIDE:
        raise ImageRejected(
            gettext("image is %(size)s; no side may be longer than %(limit)d pixels")
            % {"size": shown, "limit": MAX_SIDE}
        )


def _describe_megapixels(count: int) -> str:
    if count < 100_000:
        # Rounded to megapixels, a limit this small would read "0 MP".
        return gettext("%(pixels)d pixels") % {"pixels": count}
    described = gettext("%(number)s MP") % {"number": _one_decimal(count / 1e6)}
    if count % 100_000 == 0:
        return described
    return gettext("%(megapixels)s (%(pixels)d pixels)") % {
        "megapixels": described,
        "pixels": count,
    }


def _read_header(data: bytes) -> _Header | None:
    """The format and declared size the magic bytes claim, if they claim one we accept.

    Only used to check limits before decoding and to tell "corrupt" from "not an image";
    acceptance is always decided by Pillow actually decoding the file.
    """
    if data.startswith(b"\xff\xd8\xff"):
        return _Header("JPEG", _jpeg_size(data))
    if data.startswith(_PNG_SIGNATURE):
        return _Header("PNG", _png_size(data))
    if data.startswith((b"GIF87a", b"GIF89a")):
        return _Header("GIF", _gif_size(data))
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _Header("WEBP", _webp_size(data))
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack_from(">II", data, 16)
    return width, height


def _gif_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 13:
        return None
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    pos = 13
    if flags & 0x80:  # global colour table
        pos += 3 << ((flags & 0x07) + 1)
    # Pillow grows the canvas to fit the first frame, so find that frame's descriptor.
    while pos < len(data):
        block = data[pos]
        if block == 0x2C and pos + 9 <= len(data):
            left, top, frame_width, frame_height = struct.unpack_from("<HHHH", data, pos + 1)
            return max(width, left + frame_width), max(height, top + frame_height)
        if block != 0x21:
            break
        pos += 2  # introducer and label, then length-prefixed sub-blocks up to a 0
        while pos < len(data) and data[pos]:
            pos += data[pos] + 1
        pos += 1
    return width, height


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8X" and len(data) >= 30:
        return (
            int.from_bytes(data[24:27], "little") + 1,
            int.from_bytes(data[27:30], "little") + 1,
        )
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in _JPEG_STANDALONE_MARKERS:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        if marker in _JPEG_SOF_MARKERS:
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack_from(">HH", data, pos + 5)
            return width, height
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            return None
        pos += 2 + length
    return None


def _reject_zip_polyglot(data: bytes) -> None:
    """Refuse files that are also ZIP archives (GIFAR-style JPEG+ZIP, PNG+ZIP, ...).

    We store pixels re-encoded from scratch, so the archive could never reach storage or
    be served; refusing it is about telling the uploader plainly, and about not spending a
    paid analysis on a file that was crafted. Both orders of the classic polyglot—an archive
    appended after the image's end marker, or an image prepended to an archive (and an
    archive tucked into a JPEG comment)—leave a ZIP end-of-central-directory record near the
    end of the file, which is what ZIP readers look for, so that is what we test.

    Other data after the image's end is *not* refused: phones append real payloads there
    (Multi-Picture JPEG frames, motion-photo videos, maker trailers) and re-encoding drops it.
    """
    if _is_zip_archive(data):
        raise ImageRejected(POLYGLOT)


def _is_zip_archive(data: bytes) -> bool:
    buffer = io.BytesIO(data)
    # is_zipfile only looks for the end record's signature, which four random bytes of
    # compressed image data can spell; opening the central directory confirms it.
    if not zipfile.is_zipfile(buffer):
        return False
    try:
        with zipfile.ZipFile(buffer):
            return True
    except Exception:
        # The signature matched but no archive parses behind it: a chance match in image
        # data. Whatever is there, re-encoding keeps it out of storage.
        return False


# --- Decoding and re-encoding ----------------------------------------------------------------


def _decode_first_frame(image: ImageFile.ImageFile) -> None:
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # With this global set, Pillow pads a truncated file with grey instead of failing,
        # and we would store a half image as if it were whole. Fail loudly instead.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False for uploads")
    try:
        # Image.open() leaves animated files (GIF, APNG, WebP) on their first frame.
        image.load()
    except Exception as exc:
        # Decoders report truncation and corruption as OSError, SyntaxError, ValueError,
        # EOFError, ...; whichever it is, it is the file's fault, not ours.
        raise ImageRejected(UNDECODABLE) from exc
    _apply_orientation(image)


def _apply_orientation(image: Image.Image) -> None:
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except Exception:
        # A malformed EXIF block only costs us the rotation hint; the pixels are sound,
        # and the moderation result does not depend on which way up the image is.
        return


def _output_format(source_format: str, image: Image.Image) -> OutputFormat:
    # Rekognition takes only JPEG and PNG. Photos stay JPEG; anything that may rely on
    # exact pixels or transparency (PNG, GIF, WebP with alpha) becomes PNG.
    if source_format == "JPEG":
        return "JPEG"
    if source_format == "WEBP" and not _uses_alpha(image):
        return "JPEG"
    return "PNG"


def _uses_alpha(image: Image.Image) -> bool:
    if "transparency" in image.info:
        return True
    if "A" not in image.getbands():
        return False
    # Pillow opens a WebP as RGBA when any of it has alpha; for an animation that may be a
    # later frame, and the first frame, the one we keep, can still be fully opaque.
    alpha = image.getchannel("A")
    fully_opaque = alpha.histogram()[255]
    return fully_opaque < alpha.width * alpha.height


def _normalise_mode(image: Image.Image, output_format: OutputFormat) -> Image.Image:
    if output_format == "JPEG":
        # CMYK (Adobe files), YCbCr and opaque RGBA all become RGB; greyscale stays grey.
        return image if image.mode in ("L", "RGB") else image.convert("RGB")
    if image.mode in ("I", "I;16"):
        # 16-bit greyscale PNG: convert("L") would clip everything above 255 to white.
        return image.point(lambda value: value * (1 / 257)).convert("L")
    if "transparency" in image.info:
        # Palette or colour-key transparency lives in metadata we are about to drop.
        return image.convert("RGBA")
    if image.mode in ("1", "L", "LA", "RGB", "RGBA"):
        return image
    return image.convert("RGBA" if "A" in image.getbands() else "RGB")


def _rebuild_from_pixels(image: Image.Image) -> Image.Image:
    # convert() and copy() carry `info` (ICC profile, comments, XMP, EXIF) along, and the
    # encoders write some of it back out; a new image holding only the pixels carries nothing.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def _encode(image: Image.Image, output_format: OutputFormat) -> bytes:
    buffer = io.BytesIO()
    if output_format == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()
