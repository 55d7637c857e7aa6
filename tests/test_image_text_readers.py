"""The text readers: Rekognition's DetectText (botocore's Stubber checks each call against the
service model) and the local RapidOCR reader on the generated fixtures (bench/ocr_data.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from PIL import Image

from bench.ocr_data import PHRASES, VARIANTS, char_error_rate, render
from moderation.images.ocr.aws import RekognitionTextReader
from moderation.images.ocr.base import (
    AnalyzerError,
    ImageSource,
    ImageText,
    TextLine,
    TransientAnalyzerError,
)
from moderation.images.ocr.local import LocalTextReader

PNG = render(PHRASES[0], VARIANTS[0])  # "I WILL KILL YOU", 56 px, level, dark on light

DETECT_TEXT_RESPONSE: dict[str, Any] = {
    "TextModelVersion": "3.0",
    "TextDetections": [
        {"DetectedText": "I WILL KILL YOU", "Type": "LINE", "Id": 0, "Confidence": 99.1},
        {"DetectedText": "call 912 34 567", "Type": "LINE", "Id": 1, "Confidence": 88.0},
        {"DetectedText": "I", "Type": "WORD", "Id": 2, "ParentId": 0, "Confidence": 99.0},
        {"DetectedText": "KILL", "Type": "WORD", "Id": 3, "ParentId": 0, "Confidence": 99.3},
    ],
}


@pytest.fixture(autouse=True)
def _aws_environment(aws_environment: None) -> None:
    """Dummy credentials, no developer AWS config (tests/conftest.py)."""


@pytest.fixture
def stubbed() -> Iterator[tuple[RekognitionTextReader, Stubber]]:
    client = boto3.client("rekognition", region_name="eu-west-1")
    with Stubber(client) as stub:
        yield RekognitionTextReader(client=client), stub
        stub.assert_no_pending_responses()


def source(content: bytes = PNG, bucket: str | None = None) -> ImageSource:
    return ImageSource(
        key="quarantine/x.png", content=content, content_type="image/png", s3_bucket=bucket
    )


def test_detect_text_sends_the_bytes_and_the_word_filter(
    stubbed: tuple[RekognitionTextReader, Stubber], settings: Any
) -> None:
    reader, stub = stubbed
    settings.IMAGE_TEXT_MIN_CONFIDENCE = 70
    stub.add_response(
        "detect_text",
        DETECT_TEXT_RESPONSE,
        {"Image": {"Bytes": PNG}, "Filters": {"WordFilter": {"MinConfidence": 70.0}}},
    )
    found = reader.read(source())
    # Lines only (the words repeat them), as dataclasses: no boto dict past the reader.
    assert found == ImageText(
        lines=(TextLine("I WILL KILL YOU", 99.1), TextLine("call 912 34 567", 88.0)),
        reader="aws-rekognition-text",
        model_version="3.0",
        extra={"sent_as": "bytes"},
    )
    assert found.text == "I WILL KILL YOU\ncall 912 34 567"


def test_detect_text_reads_from_s3_when_the_image_is_there(
    stubbed: tuple[RekognitionTextReader, Stubber], settings: Any
) -> None:
    reader, stub = stubbed
    settings.IMAGE_TEXT_MIN_CONFIDENCE = 60
    expected = {
        "Image": {"S3Object": {"Bucket": "vakt-media", "Name": "quarantine/x.png"}},
        "Filters": {"WordFilter": {"MinConfidence": 60.0}},
    }
    stub.add_response("detect_text", {"TextDetections": []}, expected)
    found = reader.read(source(bucket="vakt-media"))
    assert found.lines == () and found.text == "" and found.extra == {"sent_as": "s3"}


def test_detect_text_throttling_is_transient_and_bad_images_are_final(
    stubbed: tuple[RekognitionTextReader, Stubber],
) -> None:
    reader, stub = stubbed
    stub.add_client_error("detect_text", "ThrottlingException", http_status_code=400)
    with pytest.raises(TransientAnalyzerError):
        reader.read(source())
    stub.add_client_error("detect_text", "InvalidImageFormatException", http_status_code=400)
    with pytest.raises(AnalyzerError) as error:
        reader.read(source())
    assert not isinstance(error.value, TransientAnalyzerError)


@pytest.fixture(scope="module")
def local_reader() -> LocalTextReader:
    return LocalTextReader()


@pytest.mark.parametrize(
    ("phrase", "variant"),
    [(0, 0), (4, 3), (6, 6)],  # a threat level; Norwegian at 8°; harmless, light on dark
)
def test_local_reader_reads_the_fixtures(
    local_reader: LocalTextReader, phrase: int, variant: int
) -> None:
    expected = PHRASES[phrase].text
    found = local_reader.read(source(render(PHRASES[phrase], VARIANTS[variant])))
    assert found.reader == "local-rapidocr"
    assert found.model_version.startswith("rapidocr-onnxruntime ")
    assert all(0 <= line.confidence <= 100 for line in found.lines)
    assert char_error_rate(expected, found.text) <= 0.15, found.text


def test_local_reader_decodes_a_large_jpeg_at_the_size_it_reads(
    local_reader: LocalTextReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RapidOCR halves a 4400-pixel-wide image before it reads: the reader decodes it at half
    size instead (libjpeg's DCT scaling), and still reads the words."""
    with Image.open(io.BytesIO(PNG)) as small:
        factor = 4400 / small.width
        large = small.convert("RGB").resize((4400, round(small.height * factor)))
    buffer = io.BytesIO()
    large.save(buffer, "JPEG", quality=90)
    engine, shapes = local_reader._engine, []

    def spy(pixels: Any, **options: Any) -> Any:
        shapes.append(pixels.shape)
        return engine(pixels, **options)

    monkeypatch.setitem(local_reader.__dict__, "_engine", spy)
    found = local_reader.read(source(buffer.getvalue()))
    assert shapes == [(large.height // 2, 2200, 3)]
    assert char_error_rate(PHRASES[0].text, found.text) <= 0.15, found.text
    # An image RapidOCR reads at its own size is decoded whole.
    local_reader.read(source(PNG))
    with Image.open(io.BytesIO(PNG)) as small:
        assert shapes[-1] == (small.height, small.width, 3)


def test_local_reader_finds_nothing_on_a_plain_picture(local_reader: LocalTextReader) -> None:
    from tests.factories import image_bytes

    assert local_reader.read(source(image_bytes("PNG", (320, 240)))).lines == ()


def test_local_reader_refuses_what_is_no_image(local_reader: LocalTextReader) -> None:
    with pytest.raises(AnalyzerError, match="could not be decoded"):
        local_reader.read(source(b"not an image"))


def test_char_error_rate() -> None:
    assert char_error_rate("I WILL KILL YOU", "i will  kill you") == 0
    assert char_error_rate("abcd", "abxd") == 0.25
    assert char_error_rate("abc", "") == 1


def box(x: float, width: float = 10, y: float = 0) -> list[list[float]]:
    return [[x, y], [x + width, y], [x + width, y + 20], [x, y + 20]]


def test_spaces_dropped_between_capitals_are_put_back() -> None:
    from moderation.images.ocr.local import spaced

    # Centres step 14 within a word, 28 where a space was dropped.
    chars = list("KILLYOU")
    xs = [0, 14, 28, 42, 70, 84, 98]
    assert spaced(chars, [box(x) for x in xs]) == "KILL YOU"
    # The same steps on an angled line.
    assert spaced(chars, [box(x * 0.9, y=x * 0.4) for x in xs]) == "KILL YOU"
    # Lower case is left as read, and so is an evenly spaced word.
    assert spaced(list("killyou"), [box(x) for x in xs]) == "killyou"
    assert spaced(list("KILLING"), [box(14 * i) for i in range(7)]) == "KILLING"
