"""Perceptual hashes of images (PDQ) and the arithmetic of looking them up.

Pure functions on pixels and hex strings: no models, no storage. PDQ is the 256-bit hash that
industry hash-sharing uses (ThreatExchange); its hex form here is ThreatExchange's, so hashes
can be exchanged with other systems as they are.

Lookup is multi-index hashing: the 256 bits are cut into 16 segments of 16 bits, each stored
in an indexed column. Two hashes at most d bits apart differ, by the pigeonhole principle, in
at most ⌊d / 16⌋ bits of at least one segment; so the candidates are the rows where some
segment equals one of the query's segment values flipped in up to that many bits. Their exact
distance is then checked in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import Final

from PIL import Image

HASH_BITS: Final = 256
HASH_HEX_LENGTH: Final = HASH_BITS // 4
SEGMENTS: Final = 16
SEGMENT_BITS: Final = HASH_BITS // SEGMENTS
SEGMENT_MASK: Final = (1 << SEGMENT_BITS) - 1
# Each extra flipped bit per segment multiplies the probes by ~16/r (17 per segment at r = 1,
# 137 at r = 2): beyond 47 bits a lookup stops being an index lookup.
MAX_DISTANCE: Final = 3 * SEGMENTS - 1
# PDQ scores its own hash 0–100 from the image's gradients; below 50 (flat, blank, nearly
# uniform images) ThreatExchange advises not to match, as such hashes are close to each other.
MIN_QUALITY: Final = 50
# PDQ looks at a 64×64 luminance grid; the reference hasher shrinks photos to 512 px first.
_HASH_INPUT_SIDE: Final = 512
# A flat frame (frame_box): lines whose pixels are at least 90 % within 24 (of 255, per
# channel) of the edge's colour, so JPEG's ringing along the frame does not end it; at least
# 1 % of the picture deep.
FRAME_TOLERANCE: Final = 24
FRAME_SHARE: Final = 0.9
FRAME_MIN: Final = 0.01


class HashError(Exception):
    """The hash could not be computed (or a stored one is malformed)."""


@dataclass(frozen=True)
class PerceptualHash:
    hex: str  # 64 lower-case hex digits, ThreatExchange's order
    quality: int  # PDQ's own 0–100 score

    @property
    def matchable(self) -> bool:
        return self.quality >= MIN_QUALITY

    def segments(self) -> tuple[int, ...]:
        return hash_segments(self.hex)


def pdq_compute(image: Image.Image) -> PerceptualHash:
    """The PDQ hash of decoded pixels. Raises HashError whatever goes wrong inside."""
    return _pdq(_hash_input(image))


def pdq_compute_framed(image: Image.Image) -> tuple[PerceptualHash, PerceptualHash | None]:
    """The PDQ hash of the whole picture, and of what lies inside its flat frame when it has
    one (a border, or a band of one colour along an edge; `frame_box`), else None. A known-bad
    image posted again inside a frame is far from its banked hash as a whole (a 5 % border
    moves PDQ by 60 bits or more), and near it inside. Raises HashError."""
    small = _hash_input(image)
    try:
        box = frame_box(small)
    except Exception as exc:
        raise HashError(f"{type(exc).__name__}: {exc}") from exc
    return _pdq(small), (_pdq(small.crop(box)) if box else None)


def _hash_input(image: Image.Image) -> Image.Image:
    try:
        small = image.convert("RGB")
        small.thumbnail((_HASH_INPUT_SIDE, _HASH_INPUT_SIDE), Image.Resampling.BILINEAR)
    except Exception as exc:
        raise HashError(f"{type(exc).__name__}: {exc}") from exc
    return small


def _pdq(small: Image.Image) -> PerceptualHash:
    try:
        import numpy as np
        import pdqhash

        bits, quality = pdqhash.compute(np.asarray(small, dtype=np.uint8))
        # pdqhash gives bit 255 first: read as a binary number, that is ThreatExchange's hex.
        value = int("".join("1" if bit else "0" for bit in bits), 2)
    except Exception as exc:
        raise HashError(f"{type(exc).__name__}: {exc}") from exc
    if len(bits) != HASH_BITS:
        raise HashError(f"PDQ gave {len(bits)} bits instead of {HASH_BITS}")
    return PerceptualHash(hex=f"{value:0{HASH_HEX_LENGTH}x}", quality=int(quality))


def frame_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) inside the picture's flat frame, or None when it has
    none. A line of pixels (row or column) belongs to the frame when FRAME_SHARE of its pixels
    are within FRAME_TOLERANCE of the median colour of the outermost line on its side, and so
    do all the lines between it and that edge. A side whose frame is thinner than FRAME_MIN
    of the picture keeps it (a sliver is noise, not a frame); a frame that would leave less
    than half the picture either way is not one (a flat picture)."""
    import numpy as np

    pixels = np.asarray(image.convert("RGB"))
    height, width, _ = pixels.shape
    if height < 8 or width < 8:
        return None

    def depth(lines: np.ndarray) -> int:
        # lines: the picture seen from one side, outermost line first (lines × pixels × 3).
        # Read a few lines at a time: most pictures have no frame, and show it at once.
        edge = np.median(lines[0], axis=0).astype(np.int16)
        found, step, limit = 0, 4, len(lines) // 2
        while found < limit:
            chunk = np.abs(lines[found : found + step].astype(np.int16) - edge) <= FRAME_TOLERANCE
            flat = (chunk[..., 0] & chunk[..., 1] & chunk[..., 2]).mean(axis=-1)
            inside = np.flatnonzero(flat < FRAME_SHARE)
            if inside.size:
                found += int(inside[0])
                break
            found, step = found + len(flat), 32
        return found if found >= FRAME_MIN * len(lines) else 0

    columns = pixels.transpose(1, 0, 2)
    top, bottom = depth(pixels), depth(pixels[::-1])
    left, right = depth(columns), depth(columns[::-1])
    if not top + bottom + left + right:
        return None
    if height - top - bottom < height / 2 or width - left - right < width / 2:
        return None
    return left, top, width - right, height - bottom


def hash_normalise(value: str) -> str:
    """A PDQ hash as stored: 64 lower-case hex digits. Raises HashError for anything else."""
    cleaned = value.strip().lower()
    if len(cleaned) != HASH_HEX_LENGTH or any(c not in "0123456789abcdef" for c in cleaned):
        raise HashError(f"a PDQ hash is {HASH_HEX_LENGTH} hexadecimal digits")
    return cleaned


def hamming(first: str, second: str) -> int:
    """How many of the 256 bits differ between two hashes in hex."""
    return (int(first, 16) ^ int(second, 16)).bit_count()


def hash_segments(hex_hash: str) -> tuple[int, ...]:
    """The 16 segments, most significant first: the values of the indexed columns s0…s15."""
    value = int(hex_hash, 16)
    return tuple(
        (value >> (SEGMENT_BITS * (SEGMENTS - 1 - index))) & SEGMENT_MASK
        for index in range(SEGMENTS)
    )


def segment_radius(max_distance: int) -> int:
    return max(0, max_distance) // SEGMENTS


@cache
def _flip_masks(radius: int) -> tuple[int, ...]:
    masks = [0]
    for flipped in range(1, radius + 1):
        for bits in combinations(range(SEGMENT_BITS), flipped):
            masks.append(sum(1 << bit for bit in bits))
    return tuple(masks)


def segment_probes(hex_hash: str, max_distance: int) -> list[list[int]]:
    """For each segment, the values a hash within `max_distance` may have there; at least one
    segment of every such hash holds one of them."""
    if not 0 <= max_distance <= MAX_DISTANCE:
        raise ValueError(f"max_distance must be from 0 to {MAX_DISTANCE}")
    masks = _flip_masks(segment_radius(max_distance))
    return [sorted({value ^ mask for mask in masks}) for value in hash_segments(hex_hash)]
