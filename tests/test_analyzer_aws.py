"""RekognitionAnalyzer against botocore's Stubber (moto lacks DetectModerationLabels).

The Stubber checks request parameters and responses against the real service model, so a
mistyped parameter or an invented response field fails here as it would against AWS.
"""

from __future__ import annotations

import io
import os
import socket
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.stub import ANY, Stubber
from PIL import Image

from moderation.images.analyzers.aws import MAX_IMAGE_BYTES, RekognitionAnalyzer
from moderation.images.analyzers.base import (
    AnalyzerError,
    ImageAnalysis,
    ImageAnalyzer,
    ImageSource,
    ModerationLabel,
    TransientAnalyzerError,
)

OPERATION = "detect_moderation_labels"
EVENT = "DetectModerationLabels"
ADAPTER_ARN = (
    "arn:aws:rekognition:eu-west-1:123456789012:project/vakt-moderation/version/vakt-moderation.1/1"
)
EXPLICIT_RESPONSE: dict[str, Any] = {
    "ModerationLabels": [
        {"Name": "Explicit", "ParentName": "", "Confidence": 97.25, "TaxonomyLevel": 1},
        {
            "Name": "Explicit Nudity",
            "ParentName": "Explicit",
            "Confidence": 97.25,
            "TaxonomyLevel": 2,
        },
        {
            "Name": "Exposed Female Nipple",
            "ParentName": "Explicit Nudity",
            "Confidence": 88.5,
            "TaxonomyLevel": 3,
        },
    ],
    "ModerationModelVersion": "7.0",
    "ContentTypes": [{"Name": "Illustrated", "Confidence": 91.0}],
}


@pytest.fixture(autouse=True)
def _aws_environment(aws_environment: None) -> None:
    """Every test here: dummy credentials, no developer AWS config (tests/conftest.py)."""


@pytest.fixture
def client() -> Any:
    return boto3.client("rekognition", region_name="eu-west-1")


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def sent_params(client: Any) -> list[dict[str, Any]]:
    """The parameters of each DetectModerationLabels call, as the analyzer passed them."""
    calls: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **kwargs: Any) -> None:
        calls.append(params)

    client.meta.events.register(f"before-parameter-build.rekognition.{EVENT}", record)
    return calls


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "orange").save(buffer, format=fmt)
    return buffer.getvalue()


def noise(size: tuple[int, int], mode: str, fmt: str, **save: Any) -> bytes:
    """Random pixels: they barely compress, so a modest image is megabytes."""
    pixels = os.urandom(size[0] * size[1] * len(mode))
    buffer = io.BytesIO()
    Image.frombytes(mode, size, pixels).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def source(content: bytes, content_type: str = "image/jpeg", **kwargs: Any) -> ImageSource:
    return ImageSource(
        key="quarantine/3f2a.jpg", content=content, content_type=content_type, **kwargs
    )


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_satisfies_the_analyzer_protocol(client: Any) -> None:
    analyzer: ImageAnalyzer = RekognitionAnalyzer(client=client)
    assert analyzer.name == "aws-rekognition"


@pytest.mark.parametrize(("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_small_image_is_sent_as_is_and_labels_are_mapped(
    client: Any, stubber: Stubber, fmt: str, content_type: str
) -> None:
    content = image_bytes(fmt)
    stubber.add_response(
        OPERATION,
        EXPLICIT_RESPONSE,
        expected_params={"Image": {"Bytes": content}, "MinConfidence": 40.0},
    )

    analysis = RekognitionAnalyzer(client=client).analyze(
        source(content, content_type), min_confidence=40
    )

    stubber.assert_no_pending_responses()
    assert analysis == ImageAnalysis(
        labels=(
            ModerationLabel(name="Explicit", confidence=97.25, parent=""),
            ModerationLabel(name="Explicit Nudity", confidence=97.25, parent="Explicit"),
            ModerationLabel(
                name="Exposed Female Nipple", confidence=88.5, parent="Explicit Nudity"
            ),
        ),
        analyzer="aws-rekognition",
        model_version="7.0",
        extra={
            "sent_as": "bytes",
            "content_types": [{"name": "Illustrated", "confidence": 91.0}],
        },
    )


def test_no_labels_and_nameless_labels(client: Any, stubber: Stubber) -> None:
    stubber.add_response(
        OPERATION,
        {
            "ModerationLabels": [
                {"Name": "", "ParentName": "", "Confidence": 55.0},
                {"Name": "Smoking", "Confidence": 61.0},
            ],
            "ModerationModelVersion": "7.0",
        },
    )

    analysis = RekognitionAnalyzer(client=client).analyze(
        source(image_bytes("JPEG")), min_confidence=50
    )

    assert analysis.labels == (ModerationLabel(name="Smoking", confidence=61.0, parent=""),)
    assert "content_types" not in analysis.extra


def test_image_in_s3_is_read_by_rekognition(client: Any, stubber: Stubber) -> None:
    stubber.add_response(
        OPERATION,
        {"ModerationLabels": [], "ModerationModelVersion": "7.0"},
        expected_params={
            "Image": {"S3Object": {"Bucket": "vakt-media", "Name": "quarantine/3f2a.jpg"}},
            "MinConfidence": 60.0,
        },
    )

    analysis = RekognitionAnalyzer(client=client).analyze(
        source(image_bytes("JPEG"), s3_bucket="vakt-media"), min_confidence=60
    )

    assert analysis.labels == ()
    assert analysis.extra == {"sent_as": "s3"}


def test_s3_object_over_15_mb_is_sent_as_bytes_instead(
    client: Any, stubber: Stubber, sent_params: list[dict[str, Any]]
) -> None:
    # A JPEG decoder stops at the end-of-image marker, so padding makes a big but valid file.
    content = image_bytes("JPEG", size=(320, 200)) + b"\0" * (15 * 1024 * 1024)
    stubber.add_response(
        OPERATION,
        {"ModerationLabels": [], "ModerationModelVersion": "7.0"},
        expected_params={"Image": {"Bytes": ANY}, "MinConfidence": 50.0},
    )

    analysis = RekognitionAnalyzer(client=client).analyze(
        source(content, s3_bucket="vakt-media"), min_confidence=50
    )

    sent = sent_params[0]["Image"]["Bytes"]
    assert len(sent) <= MAX_IMAGE_BYTES
    with Image.open(io.BytesIO(sent)) as image:
        assert (image.format, image.size) == ("JPEG", (320, 200))
    assert analysis.extra["sent_as"] == "bytes-reencoded"


def test_project_version_is_sent_only_when_set(
    client: Any, stubber: Stubber, settings: Any
) -> None:
    content = image_bytes("JPEG")
    settings.REKOGNITION_PROJECT_VERSION = ADAPTER_ARN
    stubber.add_response(
        OPERATION,
        {**EXPLICIT_RESPONSE, "ProjectVersion": ADAPTER_ARN},
        expected_params={
            "Image": {"Bytes": content},
            "MinConfidence": 40.0,
            "ProjectVersion": ADAPTER_ARN,
        },
    )
    analyzer = RekognitionAnalyzer(client=client)

    with_adapter = analyzer.analyze(source(content), min_confidence=40)

    assert with_adapter.model_version == ADAPTER_ARN
    assert with_adapter.extra["base_model_version"] == "7.0"

    settings.REKOGNITION_PROJECT_VERSION = None
    # The Stubber also rejects parameters beyond the expected ones.
    stubber.add_response(
        OPERATION,
        EXPLICIT_RESPONSE,
        expected_params={"Image": {"Bytes": content}, "MinConfidence": 40.0},
    )

    without = analyzer.analyze(source(content), min_confidence=40)

    assert without.model_version == "7.0"
    assert "base_model_version" not in without.extra


def test_png_over_5_mb_is_sent_as_a_smaller_jpeg(
    client: Any, stubber: Stubber, sent_params: list[dict[str, Any]]
) -> None:
    # RGBA as well: JPEG has no alpha, so this also proves the conversion to RGB.
    content = noise((1400, 1400), "RGBA", "PNG", compress_level=0)
    assert len(content) > MAX_IMAGE_BYTES
    stubber.add_response(
        OPERATION,
        EXPLICIT_RESPONSE,
        expected_params={"Image": {"Bytes": ANY}, "MinConfidence": 40.0},
    )

    analysis = RekognitionAnalyzer(client=client).analyze(
        source(content, "image/png"), min_confidence=40
    )

    sent = sent_params[0]["Image"]["Bytes"]
    assert sent.startswith(b"\xff\xd8\xff")
    assert len(sent) <= MAX_IMAGE_BYTES
    with Image.open(io.BytesIO(sent)) as image:
        # Lowering the quality was enough: every pixel is still there.
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (1400, 1400))
    assert analysis.extra["sent_as"] == "bytes-reencoded"
    assert len(analysis.labels) == 3


def test_image_too_big_at_any_quality_is_downscaled(
    client: Any, stubber: Stubber, sent_params: list[dict[str, Any]], settings: Any
) -> None:
    settings.REKOGNITION_MAX_IMAGE_SIDE = 0  # every image whole: only the 5 MB limit shrinks it
    # 14.4 MP of noise stays above 5 MiB even as a quality-60 JPEG (about 6.8 MB).
    content = noise((4000, 3600), "RGB", "PNG", compress_level=0)
    stubber.add_response(
        OPERATION,
        EXPLICIT_RESPONSE,
        expected_params={"Image": {"Bytes": ANY}, "MinConfidence": 40.0},
    )

    RekognitionAnalyzer(client=client).analyze(source(content), min_confidence=40)

    sent = sent_params[0]["Image"]["Bytes"]
    assert len(sent) <= MAX_IMAGE_BYTES
    with Image.open(io.BytesIO(sent)) as image:
        width, height = image.size
        assert image.format == "JPEG"
    assert width < 4000
    assert width * 2 > 4000  # shrunk to fit, not to a thumbnail
    assert height / width == pytest.approx(3600 / 4000, rel=0.01)


def test_small_image_in_another_format_is_reencoded(
    client: Any, stubber: Stubber, sent_params: list[dict[str, Any]]
) -> None:
    stubber.add_response(
        OPERATION,
        EXPLICIT_RESPONSE,
        expected_params={"Image": {"Bytes": ANY}, "MinConfidence": 40.0},
    )

    RekognitionAnalyzer(client=client).analyze(
        source(image_bytes("WEBP"), "image/jpeg"), min_confidence=40
    )

    assert sent_params[0]["Image"]["Bytes"].startswith(b"\xff\xd8\xff")


def test_undecodable_oversize_content_is_a_final_error(client: Any, stubber: Stubber) -> None:
    with pytest.raises(AnalyzerError, match="Cannot re-encode") as caught:
        RekognitionAnalyzer(client=client).analyze(
            source(b"not an image" * 500_000), min_confidence=40
        )

    assert not isinstance(caught.value, TransientAnalyzerError)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 400),
        ("ProvisionedThroughputExceededException", 400),
        ("TooManyRequestsException", 429),
        ("InternalServerError", 500),
        ("ServiceUnavailableException", 503),
        ("SomethingNewAndUnmodelled", 502),
    ],
)
def test_throttling_and_server_errors_are_transient(
    client: Any, stubber: Stubber, code: str, status: int
) -> None:
    stubber.add_client_error(
        OPERATION, service_error_code=code, service_message="Slow down.", http_status_code=status
    )

    with pytest.raises(TransientAnalyzerError, match=code) as caught:
        RekognitionAnalyzer(client=client).analyze(source(image_bytes("JPEG")), min_confidence=40)

    assert isinstance(caught.value.__cause__, ClientError)


@pytest.mark.parametrize(
    "code",
    [
        "InvalidImageFormatException",
        "ImageTooLargeException",
        "InvalidS3ObjectException",
        "AccessDeniedException",
        "InvalidParameterException",
    ],
)
def test_other_client_errors_are_final(client: Any, stubber: Stubber, code: str) -> None:
    stubber.add_client_error(
        OPERATION, service_error_code=code, service_message="Request has invalid image format."
    )

    with pytest.raises(AnalyzerError) as caught:
        RekognitionAnalyzer(client=client).analyze(source(image_bytes("JPEG")), min_confidence=40)

    assert not isinstance(caught.value, TransientAnalyzerError)
    assert str(caught.value) == (
        f"Rekognition rejected the image: {code}: Request has invalid image format."
    )
    cause = caught.value.__cause__
    assert isinstance(cause, ClientError)
    assert cause.response["Error"]["Code"] == code


def test_stubbed_errors_skip_botocores_retries(settings: Any) -> None:
    settings.AWS_MAX_ATTEMPTS = 3
    analyzer = RekognitionAnalyzer()
    with Stubber(analyzer.client) as stubber:
        stubber.add_client_error(OPERATION, service_error_code="ThrottlingException")
        stubber.add_response(OPERATION, EXPLICIT_RESPONSE)

        with pytest.raises(TransientAnalyzerError):
            analyzer.analyze(source(image_bytes("JPEG")), min_confidence=40)
        # Had botocore retried the throttled call, it would have consumed this response.
        assert len(analyzer.analyze(source(image_bytes("JPEG")), min_confidence=40).labels) == 3
        stubber.assert_no_pending_responses()


def test_client_is_built_from_settings(settings: Any) -> None:
    settings.AWS_REGION = "eu-north-1"
    settings.AWS_ENDPOINT_URL = "http://localhost:4566"
    settings.AWS_CONNECT_TIMEOUT = 2
    settings.AWS_READ_TIMEOUT = 11
    settings.AWS_MAX_ATTEMPTS = 4

    client = RekognitionAnalyzer().client

    assert client.meta.region_name == "eu-north-1"
    assert client.meta.endpoint_url == "http://localhost:4566"
    assert client.meta.config.connect_timeout == 2
    assert client.meta.config.read_timeout == 11
    assert client.meta.config.retries["mode"] == "standard"
    # Config's "max_attempts" counts retries (4 would mean 5 calls); the setting counts calls.
    assert client.meta.config.retries["total_max_attempts"] == 4


def test_unreachable_endpoint_is_transient_after_botocores_retries(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.AWS_ENDPOINT_URL = closed_port_url()
    settings.AWS_MAX_ATTEMPTS = 3
    sleeps: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=sleeps.append))
    analyzer = RekognitionAnalyzer()
    attempts: list[object] = []
    analyzer.client.meta.events.register(
        f"before-send.rekognition.{EVENT}", lambda request, **kwargs: attempts.append(request)
    )

    with pytest.raises(TransientAnalyzerError, match="could not be reached") as caught:
        analyzer.analyze(source(image_bytes("JPEG")), min_confidence=40)

    assert isinstance(caught.value.__cause__, EndpointConnectionError)
    assert len(attempts) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="https://rekognition.eu-west-1.amazonaws.com"),
        ConnectTimeoutError(endpoint_url="https://rekognition.eu-west-1.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://rekognition.eu-west-1.amazonaws.com"),
        ConnectionClosedError(endpoint_url="https://rekognition.eu-west-1.amazonaws.com"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_connection_errors_are_transient(settings: Any, error: BotoCoreError) -> None:
    settings.AWS_MAX_ATTEMPTS = 1
    analyzer = RekognitionAnalyzer()

    def fail(**kwargs: Any) -> None:
        raise error

    # before-send is where botocore lets a handler stand in for the HTTP layer.
    analyzer.client.meta.events.register(f"before-send.rekognition.{EVENT}", fail)

    with pytest.raises(TransientAnalyzerError) as caught:
        analyzer.analyze(source(image_bytes("JPEG")), min_confidence=40)

    assert caught.value.__cause__ is error


def test_an_image_larger_than_needed_is_sent_as_one_downscaled_copy(
    client: Any, stubber: Stubber, sent_params: list[dict[str, Any]], settings: Any
) -> None:
    settings.REKOGNITION_MAX_IMAGE_SIDE = 2048
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (200, 120, 90)).save(buffer, "JPEG", quality=90)
    stubber.add_response(
        OPERATION,
        EXPLICIT_RESPONSE,
        expected_params={"Image": {"Bytes": ANY}, "MinConfidence": 40.0},
    )
    large = ImageSource(
        key="quarantine/x.jpg",
        content=buffer.getvalue(),
        content_type="image/jpeg",
        width=4000,
        height=3000,
    )

    analysis = RekognitionAnalyzer(client=client).analyze(large, min_confidence=40)

    with Image.open(io.BytesIO(sent_params[0]["Image"]["Bytes"])) as image:
        assert (image.format, image.size) == ("JPEG", (2048, 1536))
    assert analysis.extra["sent_as"] == "bytes-downscaled"


def test_an_image_within_the_size_goes_whole_and_s3_objects_are_never_downscaled(
    client: Any, stubber: Stubber, sent_params: list[dict[str, Any]], settings: Any
) -> None:
    settings.REKOGNITION_MAX_IMAGE_SIDE = 2048
    content = image_bytes("JPEG", size=(2048, 1000))
    for expected in (
        {"Bytes": content},
        {"S3Object": {"Bucket": "vakt-b", "Name": "quarantine/x.jpg"}},
    ):
        stubber.add_response(
            OPERATION, EXPLICIT_RESPONSE, expected_params={"Image": expected, "MinConfidence": 40.0}
        )
    analyzer = RekognitionAnalyzer(client=client)

    assert analyzer.analyze(source(content), min_confidence=40).extra["sent_as"] == "bytes"
    big = image_bytes("JPEG", size=(4000, 3000))
    in_s3 = ImageSource(
        "quarantine/x.jpg", big, "image/jpeg", s3_bucket="vakt-b", width=4000, height=3000
    )
    assert analyzer.analyze(in_s3, min_confidence=40).extra["sent_as"] == "s3"
