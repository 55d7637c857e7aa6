"""The offline analyzer on real pixels, with the model that ships inside its wheel."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

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
