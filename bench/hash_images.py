"""Images for the hash-bank benchmark: photos from Debian packages, their edits, and generated
images unrelated to them. Nothing is downloaded.

- Bank images: the photos and artwork of the Debian packages `mate-backgrounds` and
  `ukui-wallpapers` (installed under /usr/share/backgrounds), each whole and cut into four
  quarters, shrunk to at most 1024 px.
- Edits of each bank image: crops, re-encodes, resizes and small edits (brightness, contrast,
  grey, blur, noise, a caption, a small rotation, a border), made with Pillow.
- Unrelated images: generated from a fixed seed (smooth noise fields, shapes, stripes and
  text), so every run sees the same ones.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

BACKGROUNDS = Path("/usr/share/backgrounds")
DEBIAN_PACKAGES = ("mate-backgrounds", "ukui-wallpapers")
BANK_SIDE = 1024


def bank_photos() -> list[tuple[str, Image.Image]]:
    """(name, image) for every bank image; empty when the Debian packages are missing."""
    files = sorted(
        path
        for path in BACKGROUNDS.rglob("*")
        if path.suffix.lower() in {".jpg", ".jpeg", ".png"}
        # The same photo at other sizes: keep one.
        and "_3840x" not in path.name
        and "_5640x" not in path.name
    )
    photos: list[tuple[str, Image.Image]] = []
    for path in files:
        with Image.open(path) as opened:
            whole = opened.convert("RGB")
        whole.thumbnail((2 * BANK_SIDE, 2 * BANK_SIDE))
        width, height = whole.size
        parts = {"whole": whole}
        for index, (left, top) in enumerate(
            [(0, 0), (width // 2, 0), (0, height // 2), (width // 2, height // 2)]
        ):
            parts[f"q{index}"] = whole.crop((left, top, left + width // 2, top + height // 2))
        for part, image in parts.items():
            shown = image.copy()
            shown.thumbnail((BANK_SIDE, BANK_SIDE))
            photos.append((f"{path.stem}:{part}", shown))
    return photos


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _webp(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _scale(image: Image.Image, factor: float) -> Image.Image:
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _crop(image: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = image.size
    return image.crop(
        (round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom)))
    )


def _caption(image: Image.Image) -> Image.Image:
    edited = image.copy()
    draw = ImageDraw.Draw(edited)
    band = max(12, image.height // 12)
    draw.rectangle((0, image.height - band, image.width, image.height), fill=(0, 0, 0))
    draw.text((8, image.height - band + 2), "vakt.example  #1234", fill=(255, 255, 255))
    return edited


def _noise(image: Image.Image, seed: int) -> Image.Image:
    noise = Image.effect_noise(image.size, 12).convert("RGB")
    random.seed(seed)
    return Image.blend(image, noise, 0.08)


# Each family the issue names, with the edits that stand for it.
TRANSFORMS: dict[str, dict[str, Callable[[Image.Image], Image.Image]]] = {
    "re-encode": {
        "jpeg q75": lambda im: _jpeg(im, 75),
        "jpeg q40": lambda im: _jpeg(im, 40),
        "webp q60": lambda im: _webp(im, 60),
        "png→jpeg q90 twice": lambda im: _jpeg(_jpeg(im, 90), 90),
    },
    "resize": {
        "×0.5": lambda im: _scale(im, 0.5),
        "×0.25": lambda im: _scale(im, 0.25),
        "×1.5": lambda im: _scale(im, 1.5),
        "to 300 px, squeezed": lambda im: im.resize((300, 220), Image.Resampling.BILINEAR),
    },
    "crop": {
        "2 % each side": lambda im: _crop(im, 0.02, 0.02, 0.02, 0.02),
        "5 % each side": lambda im: _crop(im, 0.05, 0.05, 0.05, 0.05),
        "5 % off one side": lambda im: _crop(im, 0.05, 0, 0, 0),
        "10 % off one side": lambda im: _crop(im, 0, 0, 0, 0.10),
    },
    "small edit": {
        "brightness +15 %": lambda im: ImageEnhance.Brightness(im).enhance(1.15),
        "contrast −20 %": lambda im: ImageEnhance.Contrast(im).enhance(0.8),
        "grey": lambda im: ImageOps.grayscale(im).convert("RGB"),
        "blur r=1.5": lambda im: im.filter(ImageFilter.GaussianBlur(1.5)),
        "noise 8 %": lambda im: _noise(im, 1),
        "caption bar": _caption,
        "rotate 2°": lambda im: im.rotate(2, resample=Image.Resampling.BICUBIC, expand=False),
        "5 % border": lambda im: ImageOps.expand(im, border=max(2, im.width // 40), fill="white"),
    },
}


def unrelated_images(count: int, *, seed: int = 16) -> Iterator[Image.Image]:
    """`count` generated images, different each from the other and from the photos."""
    rng = random.Random(seed)
    for _ in range(count):
        side = rng.choice((192, 256, 320))
        size = (side, rng.choice((side * 3 // 4, side, side * 4 // 3)))
        # A smooth field: a few random pixels blown up, in colour.
        cells = rng.randint(2, 9)
        field = Image.frombytes(
            "RGB", (cells, cells), bytes(rng.randrange(256) for _ in range(cells * cells * 3))
        ).resize(size, Image.Resampling.BICUBIC)
        draw = ImageDraw.Draw(field)
        for _ in range(rng.randint(0, 12)):
            x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
            x1, y1 = x0 + rng.randrange(10, size[0]), y0 + rng.randrange(10, size[1])
            colour = tuple(rng.randrange(256) for _ in range(3))
            shape = rng.randrange(4)
            if shape == 0:
                draw.ellipse((x0, y0, x1, y1), fill=colour)
            elif shape == 1:
                draw.rectangle((x0, y0, x1, y1), fill=colour)
            elif shape == 2:
                draw.line((x0, y0, x1, y1), fill=colour, width=rng.randint(1, 12))
            else:
                draw.text((x0, y0), f"{rng.randrange(10**6)}", fill=colour)
        yield field
