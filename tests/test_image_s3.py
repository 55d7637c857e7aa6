"""The pipeline on S3 (moto) with Rekognition answering through a Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.stub import Stubber
from django.test import Client

from moderation.images import services
from moderation.images.analyzers.aws import RekognitionAnalyzer
from moderation.models import ItemStatus
from tests.conftest import S3_BUCKET, s3_keys
from tests.factories import make_moderator, make_user, upload_file

pytestmark = pytest.mark.django_db
BUCKET = S3_BUCKET


@pytest.fixture
def rekognition(s3: Any) -> Iterator[tuple[RekognitionAnalyzer, Stubber]]:
    analyzer = RekognitionAnalyzer(client=boto3.client("rekognition", region_name="eu-west-1"))
    with (
        Stubber(analyzer.client) as stubber,
        mock.patch("moderation.images.services.get_image_analyzer", return_value=analyzer),
        mock.patch("moderation.tasks.analyze_image.delay"),
    ):
        yield analyzer, stubber
        stubber.assert_no_pending_responses()


def test_rekognition_reads_the_image_from_the_bucket_and_approval_moves_it(
    s3: Any, rekognition: tuple[RekognitionAnalyzer, Stubber]
) -> None:
    _, stubber = rekognition
    image = services.image_upload_create(owner=make_user(), upload=upload_file())
    assert s3_keys(s3) == [f"quarantine/{image.id}.jpg"]
    stubber.add_response(
        "detect_moderation_labels",
        {"ModerationLabels": [], "ModerationModelVersion": "7.0"},
        expected_params={
            "Image": {"S3Object": {"Bucket": BUCKET, "Name": f"quarantine/{image.id}.jpg"}},
            "MinConfidence": 40.0,
        },
    )

    services.image_analyze(image_id=image.id)

    image.refresh_from_db()
    assert image.status == ItemStatus.APPROVED
    assert (image.analyzer, image.model_version) == ("aws-rekognition", "7.0")
    assert s3_keys(s3) == [f"images/approved/{image.id}.jpg"]


def test_invalid_image_format_goes_to_review_and_stays_quarantined(
    s3: Any, rekognition: tuple[RekognitionAnalyzer, Stubber]
) -> None:
    _, stubber = rekognition
    image = services.image_upload_create(owner=make_user(), upload=upload_file())
    stubber.add_client_error(
        "detect_moderation_labels",
        service_error_code="InvalidImageFormatException",
        service_message="Request has invalid image format",
    )

    services.image_analyze(image_id=image.id)

    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW
    assert "InvalidImageFormatException" in image.error
    assert s3_keys(s3) == [f"quarantine/{image.id}.jpg"]


def test_file_view_redirects_moderators_to_a_short_lived_url(
    s3: Any, rekognition: tuple[RekognitionAnalyzer, Stubber]
) -> None:
    owner = make_user()
    image = services.image_upload_create(owner=owner, upload=upload_file())
    moderator = Client()
    moderator.force_login(make_moderator())
    response = moderator.get(f"/images/{image.id}/file")
    assert response.status_code == 302
    assert f"{BUCKET}" in response["Location"] and "X-Amz-Expires=300" in response["Location"]
    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.get(f"/images/{image.id}/file").status_code == 404
    # The object itself is private: no public-read grant.
    grants = s3.get_object_acl(Bucket=BUCKET, Key=image.file_key)["Grants"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)


def test_throttling_is_retried_by_the_task_then_succeeds(
    s3: Any, rekognition: tuple[RekognitionAnalyzer, Stubber], settings: Any
) -> None:
    from moderation.tasks import analyze_image

    settings.ANALYSIS_MAX_RETRIES = 3
    _, stubber = rekognition
    image = services.image_upload_create(owner=make_user(), upload=upload_file())
    for _ in range(2):
        stubber.add_client_error(
            "detect_moderation_labels",
            service_error_code="ThrottlingException",
            service_message="Rate exceeded",
            http_status_code=400,
        )
    stubber.add_response(
        "detect_moderation_labels", {"ModerationLabels": [], "ModerationModelVersion": "7.0"}
    )

    with mock.patch("moderation.items.tasks.backoff_seconds", return_value=0):
        analyze_image.apply(args=(str(image.id),))

    image.refresh_from_db()
    assert image.status == ItemStatus.APPROVED
    assert image.attempts == 3
