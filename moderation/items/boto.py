"""What the AWS analyzers share: a client as the settings want it, and error translation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from django.conf import settings

from moderation.items.aws_rate import limiter_install
from moderation.items.errors import AnalyzerError, TransientAnalyzerError

# Codes that say "not now" rather than "never": the task retries these with backoff.
TRANSIENT_ERROR_CODES = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "TooManyRequestsException",
        "InternalServerError",  # Rekognition's name for it
        "InternalServerException",  # Comprehend's
        "ServiceUnavailableException",
    }
)


def aws_client(service: str) -> Any:
    """A client whose calls keep to the operations' shared rate limits (aws_rate.py)."""
    client = boto3.client(  # type: ignore[call-overload]  # stubs want a literal service name
        service,
        region_name=settings.AWS_REGION,
        endpoint_url=settings.AWS_ENDPOINT_URL,
        config=Config(
            connect_timeout=settings.AWS_CONNECT_TIMEOUT,
            read_timeout=settings.AWS_READ_TIMEOUT,
            # Config's "max_attempts" counts retries after the first call; "total_max_attempts"
            # counts calls, as AWS_MAX_ATTEMPTS does everywhere.
            retries={"mode": "standard", "total_max_attempts": settings.AWS_MAX_ATTEMPTS},
        ),
    )
    return limiter_install(client)


def is_transient(code: str, status: int) -> bool:
    # Any 5xx is the service's trouble, whatever code it comes with; 429 asks us to slow down.
    return code in TRANSIENT_ERROR_CODES or status >= 500 or status == 429


@contextmanager
def translated_errors(service: str, subject: str) -> Iterator[None]:
    """botocore's exceptions as ours: TransientAnalyzerError to retry later, AnalyzerError for
    good. `subject` says what was sent, for the message ("the image", "detect_sentiment")."""
    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code", "Unknown")
        message = error.get("Message", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if is_transient(code, status):
            raise TransientAnalyzerError(
                f"{service} is busy or unavailable: {code}: {message}"
            ) from exc
        raise AnalyzerError(f"{service} rejected {subject}: {code}: {message}") from exc
    except (BotoConnectionError, HTTPClientError) as exc:
        # Raised once botocore's own retries are spent: the network, not the input.
        raise TransientAnalyzerError(f"{service} could not be reached: {exc}") from exc
    except BotoCoreError as exc:
        raise AnalyzerError(f"{service} call failed ({subject}): {exc}") from exc
