"""The shared AWS rate limit: calls to an operation are paced for all workers together through
Redis, each HTTP attempt takes a slot, and without Redis each process keeps to its share."""

from __future__ import annotations

import io
import itertools
import json
import multiprocessing
import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from moderation.images.analyzers.aws import RekognitionAnalyzer
from moderation.images.analyzers.base import ImageSource
from moderation.items import aws_rate
from moderation.items.boto import aws_client
from moderation.items.errors import TransientAnalyzerError
from project.env import env_rates

OPERATION = "rekognition.DetectModerationLabels"


@pytest.fixture
def limited(settings: Any) -> Iterator[str]:
    """A rate of 10 calls a second on a schedule key no other test (or earlier run) uses."""
    settings.AWS_REGION = f"test-{uuid.uuid4().hex}"
    settings.AWS_RATE_LIMITS = {OPERATION: 10}
    settings.AWS_RATE_LIMIT_FALLBACK_PROCESSES = 4
    settings.AWS_RATE_LIMIT_MAX_WAIT_SECONDS = 2
    settings.AWS_RATE_LIMIT_USE_PERCENT = 100
    aws_rate._local.clear()
    yield OPERATION
    aws_rate._local.clear()


def test_calls_are_paced_at_the_rate_through_redis(limited: str) -> None:
    waits = [aws_rate.slot_wait(limited) for _ in range(5)]
    # Slots 0.1 s apart, less the few microseconds between the reservations themselves.
    assert waits[0] == pytest.approx(0, abs=0.01)
    for before, after in itertools.pairwise(waits):
        assert after - before == pytest.approx(0.1, abs=0.01)


def _reserve_in_child(operation: str, results: Any) -> None:
    results.put(aws_rate.slot_wait(operation))


def test_another_process_gets_the_next_slot_not_a_schedule_of_its_own(
    limited: str, settings: Any
) -> None:
    settings.AWS_RATE_LIMITS = {limited: 1}  # a slot a second: starting the child takes time
    settings.AWS_RATE_LIMIT_MAX_WAIT_SECONDS = 10
    for _ in range(3):
        aws_rate.slot_wait(limited)
    results: Any = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(
        target=_reserve_in_child, args=(limited, results)
    )
    child.start()
    child.join(timeout=30)
    # Its own Redis connection, the same schedule: the fourth slot, 3 s after the first (less
    # the time the child took to start), not a first slot of its own.
    assert 2.0 < results.get(timeout=5) <= 3.0


def test_a_wait_beyond_the_longest_is_refused_and_reserves_nothing(limited: str) -> None:
    waits: list[float] = []
    with pytest.raises(TransientAnalyzerError, match="rate limit"):
        for _ in range(40):  # slots 0.1 s apart: the one past 2 s is refused
            waits.append(aws_rate.slot_wait(limited))
    assert 1.8 < waits[-1] <= 2.0
    with pytest.raises(TransientAnalyzerError):
        aws_rate.slot_wait(limited)  # the refused call took no slot: still too far


def test_without_redis_each_process_keeps_to_its_share_never_unlimited(
    limited: str, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.AWS_RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    aws_rate._clients.clear()
    try:
        waits = [aws_rate.slot_wait(limited) for _ in range(4)]
    finally:
        aws_rate._clients.clear()
    # 10/s shared by up to 4 processes: 2.5/s here, one slot every 0.4 s.
    assert waits[0] == pytest.approx(0, abs=0.01)
    for before, after in itertools.pairwise(waits):
        assert after - before == pytest.approx(0.4, abs=0.02)
    assert "Redis unavailable" in caplog.text


def test_calls_are_paced_a_little_under_the_quota(limited: str, settings: Any) -> None:
    settings.AWS_RATE_LIMIT_USE_PERCENT = 80
    waits = [aws_rate.slot_wait(limited) for _ in range(3)]
    assert waits[2] - waits[0] == pytest.approx(2 / 8, abs=0.01)  # 8/s, not 10/s


def test_an_operation_without_a_limit_never_waits(limited: str) -> None:
    assert [aws_rate.slot_wait("rekognition.DetectLabels") for _ in range(50)] == [0.0] * 50


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self.data


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (100, 100), (30, 60, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_every_attempt_of_a_client_call_takes_a_slot_retries_included(
    limited: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The product's client: botocore's own retry after a throttle waits for a slot too."""
    settings.AWS_MAX_ATTEMPTS = 3
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = aws_client("rekognition")
    answers = [
        (400, {"__type": "ThrottlingException", "Message": "Rate exceeded"}),
        (200, {"ModerationLabels": [], "ModerationModelVersion": "7.0"}),
        (200, {"ModerationLabels": [], "ModerationModelVersion": "7.0"}),
    ]
    sent: list[str] = []

    def endpoint(request: Any, event_name: str, **kwargs: Any) -> AWSResponse:
        sent.append(event_name)
        status, body = answers[len(sent) - 1]
        headers = HTTPHeaders()
        headers["x-amzn-RequestId"] = "r"
        headers["Content-Type"] = "application/x-amz-json-1.1"
        return AWSResponse(request.url, status, headers, _Body(json.dumps(body).encode()))

    client.meta.events.register_last("before-send", endpoint)
    analyzer = RekognitionAnalyzer(client=client)
    source = ImageSource(key="quarantine/x.jpg", content=_jpeg(), content_type="image/jpeg")
    with mock.patch.object(aws_rate, "slot_wait", wraps=aws_rate.slot_wait) as reserved:
        analyzer.analyze(source, min_confidence=50)
        analyzer.analyze(source, min_confidence=50)

    assert sent == ["before-send.rekognition.DetectModerationLabels"] * 3
    # Three attempts (a throttled one and its retry, then a second call), three slots taken.
    assert [c.args for c in reserved.call_args_list] == [(limited,)] * 3


def test_rates_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = {"rekognition.DetectModerationLabels": 50.0, "comprehend.DetectSentiment": 20.0}
    monkeypatch.setenv(
        "AWS_RATE_LIMITS", "rekognition.DetectModerationLabels=5, comprehend.DetectSentiment=0"
    )
    assert env_rates("AWS_RATE_LIMITS", defaults) == {"rekognition.DetectModerationLabels": 5.0}
    monkeypatch.setenv("AWS_RATE_LIMITS", "rekognition.DetectModerationLabels=fast")
    with pytest.raises(ImproperlyConfigured, match="AWS_RATE_LIMITS"):
        env_rates("AWS_RATE_LIMITS", defaults)
