"""Generated images with text in them, for the OCR tests and bench scenario 10.

Each fixture is a phrase rendered with a Debian font (fonts-dejavu-core) onto a photo-like
background (gradients, soft blobs and grain, drawn from a fixed seed) at a given text size,
angle and contrast. Nothing is downloaded; the same seed gives the same pixels.

`abusive` says what the text analysis should flag: the signal the found text must raise
(`VIOLENCE_OR_THREAT`, …) or "" for a harmless phrase.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "DejaVuSerif-Bold.ttf")
SIZE = (640, 420)


@dataclass(frozen=True)
class Phrase:
    text: str
    language: str  # "en" or "nb"
    signal: str  # the toxicity signal the text must raise, "" for a harmless one


PHRASES: tuple[Phrase, ...] = (
    Phrase("I WILL KILL YOU", "en", "VIOLENCE_OR_THREAT"),
    Phrase("I am going to kill you", "en", "VIOLENCE_OR_THREAT"),
    Phrase("You are a fucking idiot", "en", "TOXICITY"),
    Phrase("Shut up you stupid bitch", "en", "TOXICITY"),
    Phrase("Jeg skal drepe deg", "nb", "VIOLENCE_OR_THREAT"),
    Phrase("Du er en jævla idiot", "nb", "TOXICITY"),
    Phrase("Fresh bread every morning", "en", ""),
    Phrase("Summer sale 20% off", "en", ""),
    Phrase("Velkommen til butikken", "nb", ""),
    Phrase("God tur i fjellet", "nb", ""),
)


@dataclass(frozen=True)
class Variant:
    size: int  # font size in pixels
    angle: float  # degrees, counter-clockwise
    contrast: str  # "high" (dark on light) or "low" (close tones) or "inverse" (light on dark)


VARIANTS: tuple[Variant, ...] = (
    Variant(56, 0, "high"),
    Variant(32, 0, "high"),
    Variant(22, 0, "high"),
    Variant(48, 8, "high"),
    Variant(48, -15, "high"),
    Variant(48, 0, "low"),
    Variant(40, 0, "inverse"),
    Variant(36, 5, "low"),
)

_TONES = {
    # contrast: (background tone range, text colour)
    "high": ((170, 240), (20, 20, 20)),
    "low": ((120, 170), (60, 60, 70)),
    "inverse": ((20, 70), (245, 245, 235)),
}


@dataclass(frozen=True)
class Fixture:
    name: str
    phrase: Phrase
    variant: Variant
    png: bytes


def background(rng: random.Random, tones: tuple[int, int], width: int) -> Image.Image:
    """A photo-like backdrop: a sky-to-ground gradient, blurred blobs and sensor grain."""
    height = SIZE[1]
    low, high = tones
    top = tuple(rng.randint(low, high) for _ in range(3))
    bottom = tuple(rng.randint(low, high) for _ in range(3))
    gradient = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / (height - 1)
        gradient.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    image = gradient.resize((width, height))
    blobs = ImageDraw.Draw(image)
    for _ in range(14):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(20, 110)
        colour = tuple(rng.randint(low, high) for _ in range(3))
        blobs.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(18))
    noise = Image.effect_noise((width, height), 12).convert("RGB")
    return Image.blend(image, noise, 0.08)


def render(phrase: Phrase, variant: Variant, *, seed: int = 0, font: str = FONTS[0]) -> bytes:
    """The phrase on a backdrop, as PNG bytes."""
    rng = random.Random(f"{seed}:{phrase.text}:{variant}")
    tones, colour = _TONES[variant.contrast]
    typeface = ImageFont.truetype(str(FONT_DIR / font), variant.size)
    left, top, right, bottom = (int(edge) for edge in typeface.getbbox(phrase.text))
    pad = variant.size // 3
    layer = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((pad - left, pad - top), phrase.text, font=typeface, fill=colour)
    layer = layer.rotate(variant.angle, expand=True, resample=Image.Resampling.BICUBIC)
    # The whole text is in the picture: a wide line widens the picture, as a banner would.
    image = background(rng, tones, max(SIZE[0], layer.width + 40))
    x = (image.width - layer.width) // 2
    y = max(0, (image.height - layer.height) // 2)
    image.paste(layer, (x, y), layer)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def fixtures(*, seed: int = 0) -> Iterator[Fixture]:
    """Every phrase in every variant, fonts taken in turn."""
    for p, phrase in enumerate(PHRASES):
        for v, variant in enumerate(VARIANTS):
            font = FONTS[(p + v) % len(FONTS)]
            yield Fixture(
                name=f"{p:02d}-{v}-{variant.size}px-{variant.angle:+.0f}deg-{variant.contrast}",
                phrase=phrase,
                variant=variant,
                png=render(phrase, variant, seed=seed, font=font),
            )


def char_error_rate(expected: str, found: str) -> float:
    """Levenshtein distance over the expected length, case and spacing normalised."""
    a, b = _normal(expected), _normal(found)
    if not a:
        return 0.0 if not b else 1.0
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1] / len(a)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())
