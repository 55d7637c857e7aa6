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
    try:
        import numpy as np
        import pdqhash

        small = image.convert("RGB")
        small.thumbnail((_HASH_INPUT_SIDE, _HASH_INPUT_SIDE), Image.Resampling.BILINEAR)
        bits, quality = pdqhash.compute(np.asarray(small, dtype=np.uint8))
        # pdqhash gives bit 255 first: read as a binary number, that is ThreatExchange's hex.
        value = int("".join("1" if bit else "0" for bit in bits), 2)
    except Exception as exc:
        raise HashError(f"{type(exc).__name__}: {exc}") from exc
    if len(bits) != HASH_BITS:
        raise HashError(f"PDQ gave {len(bits)} bits instead of {HASH_BITS}")
    return PerceptualHash(hex=f"{value:0{HASH_HEX_LENGTH}x}", quality=int(quality))


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
