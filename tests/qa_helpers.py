"""Machine-decided items for the QA tests: images approved or rejected by the analyzer."""

from __future__ import annotations

import itertools
from unittest import mock

from django.contrib.auth.models import User

from moderation.images import services
from moderation.images.analyzers.base import ImageAnalysis
from moderation.models import ImageUpload, Policy, QaSample
from moderation.policy.labels import ModerationLabel
from moderation.qa.sampling import qa_sample_recent
from tests.factories import image_bytes, make_user, upload_file

_colors = itertools.count(1)


class FixedAnalyzer:
    name = "fake"

    def __init__(self, *labels: ModerationLabel) -> None:
        self.labels = labels

    def analyze(self, source: object, *, min_confidence: float) -> ImageAnalysis:
        return ImageAnalysis(labels=self.labels, analyzer=self.name, model_version="fake-1")


CLEAN = FixedAnalyzer()
# Above the seeded Explicit band's reject_at (85).
EXPLICIT = FixedAnalyzer(ModerationLabel("Explicit Nudity", 97.0, "Explicit"))


def machine_image(owner: User | None = None, *, reject: bool = False) -> ImageUpload:
    """An image the machine approved (or rejected), as the worker leaves it."""
    owner = owner or make_user(email="owner@example.com")
    with (
        mock.patch("moderation.tasks.analyze_image.delay"),
        mock.patch(
            "moderation.images.services.get_image_analyzer",
            return_value=EXPLICIT if reject else CLEAN,
        ),
    ):
        # A colour of its own: an identical image would take the first one's decision.
        n = next(_colors)
        content = image_bytes(color=(n * 37 % 256, n * 91 % 256, n * 13 % 256))
        image = services.image_upload_create(owner=owner, upload=upload_file(content))
        services.image_analyze(image_id=image.id)
    return ImageUpload.objects.get(id=image.id)


def share_everything() -> None:
    """The current policy samples every machine decision."""
    Policy.objects.filter(id=Policy.objects.order_by("-version")[0].id).update(
        qa_sample_percent=100
    )


def sampled(image: ImageUpload) -> QaSample:
    """`image` sampled for QA (every decision is, under share_everything)."""
    share_everything()
    qa_sample_recent()
    return QaSample.objects.get(item_id=image.id)
