"""Text inside images through the pipeline: read, judged as feedback text is, decided under the
`text_in_image:*` bands, shown masked to moderators; a failure to read never approves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse

from bench.ocr_data import PHRASES, VARIANTS, render
from moderation.images import services
from moderation.images.analyzers.base import ImageAnalysis, ImageSource, ModerationLabel
from moderation.images.kind import ImageKind
from moderation.images.ocr.base import (
    AnalyzerError,
    ImageText,
    TextLine,
    TransientAnalyzerError,
)
from moderation.models import ImageUpload, ItemStatus, ReviewItem
from moderation.policy.engine import Band
from moderation.policy.forms import BandForm
from moderation.policy.models import HashMatchAction
from moderation.policy.selectors import policy_current
from moderation.policy.taxonomy import CATEGORY_KINDS, IMAGE_TEXT_SIGNALS
from moderation.textsignals import _READER, text_signals
from tests.factories import (
    ReviewAnalyzer,
    image_bytes,
    make_moderator,
    make_user,
    signed_in,
    upload_file,
)
from tests.test_hashbank import set_policy

pytestmark = pytest.mark.django_db

THREAT_PNG = render(PHRASES[0], VARIANTS[0])  # "I WILL KILL YOU" in large letters


class CleanPixels:
    """The image model sees nothing: a low Explicit score, which the policy approves."""

    name = "fake"

    def analyze(self, source: ImageSource, *, min_confidence: float) -> ImageAnalysis:
        label = ModerationLabel("Explicit", 2.0)
        return ImageAnalysis(labels=(label,), analyzer=self.name, model_version="fake-1")


@dataclass
class ScriptedReader:
    answer: ImageText | Exception
    name: str = "scripted"
    calls: list[ImageSource] = field(default_factory=list)

    def read(self, source: ImageSource) -> ImageText:
        self.calls.append(source)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def lines(*texts: str) -> ImageText:
    return ImageText(tuple(TextLine(t, 95.0) for t in texts), "scripted", "s-1")


@pytest.fixture(autouse=True)
def _clean_pixels() -> Iterator[None]:
    with (
        mock.patch("moderation.tasks.analyze_image.delay"),
        mock.patch("moderation.images.services.get_image_analyzer", return_value=CleanPixels()),
    ):
        yield


@pytest.fixture
def reader() -> Iterator[Callable[[ImageText | Exception], ScriptedReader]]:
    with mock.patch("moderation.images.text.get_text_reader") as get:

        def install(answer: ImageText | Exception) -> ScriptedReader:
            get.return_value = ScriptedReader(answer)
            return get.return_value

        yield install


def analysed(content: bytes | None = None) -> ImageUpload:
    image = services.image_upload_create(
        owner=make_user(), upload=upload_file(content or image_bytes())
    )
    services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    return image


def label_names(image: ImageUpload) -> set[str]:
    return {label["name"] for label in image.labels}


def test_a_threat_in_large_letters_is_not_approved() -> None:
    # The real local reader and the real text analysis: the pixels alone would be approved.
    image = analysed(render(PHRASES[0], VARIANTS[0], font="DejaVuSans-Bold.ttf"))
    assert image.status in (ItemStatus.IN_REVIEW, ItemStatus.REJECTED)
    assert "text_in_image:VIOLENCE_OR_THREAT" in label_names(image)
    assert "KILL" in image.found_text.upper()
    assert image.text_analysis["reader"] == "local-rapidocr"
    threat = next(r for r in image.reasons if r["label"] == "text_in_image:VIOLENCE_OR_THREAT")
    assert threat["category"] == "text_in_image:VIOLENCE_OR_THREAT"  # its own band
    assert threat["band"] in ("review", "reject")


def test_a_norwegian_threat_is_read_by_the_nordic_abuse_rules(reader: Any) -> None:
    reader(lines("Jeg skal drepe deg"))
    image = analysed()
    assert image.status != ItemStatus.APPROVED
    assert "text_in_image:VIOLENCE_OR_THREAT" in label_names(image)


def test_harmless_text_is_approved_and_kept(reader: Any) -> None:
    reader(lines("Fresh bread every morning"))
    image = analysed()
    assert image.status == ItemStatus.APPROVED
    assert image.found_text == "Fresh bread every morning"
    assert image.text_analysis["lines"] == 1


def test_a_picture_without_text_is_judged_on_its_pixels(reader: Any) -> None:
    scripted = reader(lines())
    with mock.patch("moderation.textsignals._READER", []):
        image = analysed()  # no text analysis is even asked for
    assert image.status == ItemStatus.APPROVED
    assert image.found_text == "" and len(scripted.calls) == 1
    assert not any(name.startswith("text_in_image:") for name in label_names(image))


def test_personal_data_in_the_text_is_masked(reader: Any) -> None:
    reader(lines("Ring Ola på 912 34 567", "ola.nordmann@example.com"))
    image = analysed()
    assert "ola.nordmann@example.com" not in image.found_text
    assert "912 34 567" not in image.found_text
    assert "[EMAIL]" in image.found_text and "[PHONE]" in image.found_text
    assert {"EMAIL", "PHONE"} <= set(image.text_analysis["pii"])


@pytest.mark.parametrize(
    "failure",
    [AnalyzerError("the model answered nonsense"), RuntimeError("segfault in the decoder")],
)
def test_a_failure_to_read_sends_the_image_to_review_with_the_reason(
    reader: Any, failure: Exception
) -> None:
    reader(failure)
    image = analysed()
    assert image.status == ItemStatus.IN_REVIEW
    unread = next(r for r in image.reasons if r.get("code") == "text_unread")
    assert unread["band"] == "review"
    assert str(failure) in unread["params"]["error"]
    assert str(failure) in image.text_analysis["error"]
    assert ReviewItem.objects.filter(item_id=image.id, kind="image").exists()
    # A replay of the stored result decides the same: the failure is part of it.
    (result,) = [r for i, r in ImageKind().stored_results(10) if i == image.id]
    assert ImageKind().decide(result, policy_current()).outcome == ItemStatus.IN_REVIEW


def test_a_missing_text_analysis_never_approves(reader: Any) -> None:
    reader(lines("anything at all"))
    with mock.patch("moderation.textsignals._READER", []):
        image = analysed()
    assert image.status == ItemStatus.IN_REVIEW
    assert any(r.get("code") == "text_unread" for r in image.reasons)


def test_a_transient_failure_is_retried_and_decides_nothing(reader: Any) -> None:
    reader(TransientAnalyzerError("throttled"))
    image = services.image_upload_create(owner=make_user(), upload=upload_file())
    with pytest.raises(TransientAnalyzerError):
        services.image_analyze(image_id=image.id)
    image.refresh_from_db()
    assert image.status == ItemStatus.PENDING


def test_reading_can_be_switched_off(reader: Any, settings: Any) -> None:
    settings.IMAGE_TEXT_ENABLED = False
    with mock.patch("moderation.images.text.get_text_reader", wraps=None) as get:
        from moderation.images.ocr import get_text_reader

        get.side_effect = get_text_reader
        image = analysed(THREAT_PNG)
    assert image.status == ItemStatus.APPROVED
    assert image.text_analysis == {"enabled": False}


def test_a_twin_reuses_the_text_as_well_as_the_labels(reader: Any) -> None:
    # With the hash bank on, the rejected first image would reject its twin unanalysed.
    set_policy(hash_match_action=HashMatchAction.OFF)
    scripted = reader(lines("You are a fucking idiot"))
    first = analysed(THREAT_PNG)
    second = analysed(THREAT_PNG)
    assert len(scripted.calls) == 1
    assert second.text_analysis["reused_from"] == str(first.id)
    assert label_names(second) == label_names(first)
    assert second.status == first.status != ItemStatus.APPROVED


def test_the_seeded_policy_has_bands_for_text_in_images() -> None:
    policy = policy_current()
    assert set(IMAGE_TEXT_SIGNALS) <= set(policy.bands)
    assert policy.bands["text_in_image:VIOLENCE_OR_THREAT"] == Band(40, 80, True, "text")
    # Text bands do not lower what is asked of Rekognition's moderation model.
    image_bands = [b.review_at for b in policy.bands.values() if b.kind == "image"]
    assert policy.min_confidence == min([policy.default.review_at, *image_bands])


def test_the_policy_editor_treats_text_in_image_bands_as_text() -> None:
    form = BandForm(
        {"category": "text_in_image:INSULT", "review_at": 30, "reject_at": 70, "enabled": "on"}
    )
    assert form.is_valid(), form.errors
    # A text band never lowers Rekognition's MinConfidence, which only image bands set.
    assert CATEGORY_KINDS[form.cleaned_data["category"]] == "text"


def test_the_core_hook_is_filled_by_the_feedback_app() -> None:
    from feedback.image_text import FeedbackTextSignals

    assert isinstance(text_signals(), FeedbackTextSignals)
    assert len(_READER) == 1


def test_moderators_see_the_masked_text_on_the_item_page(reader: Any) -> None:
    reader(lines("Sale on Saturday", "mail ola.nordmann@example.com"))
    # The pixels send it to review (a weapon at 70 %); the text rides along.
    with mock.patch("moderation.images.services.get_image_analyzer", return_value=ReviewAnalyzer()):
        image = analysed()
    entry = ReviewItem.objects.get(item_id=image.id, kind="image")
    page = signed_in(make_moderator()).get(reverse("review-item", args=[entry.id]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sale on Saturday" in body and "mail [EMAIL]" in body
    assert "ola.nordmann@example.com" not in body


def test_moderators_see_why_the_text_could_not_be_read(reader: Any) -> None:
    reader(AnalyzerError("the model answered nonsense"))
    image = analysed()
    entry = ReviewItem.objects.get(item_id=image.id, kind="image")
    body = signed_in(make_moderator()).get(reverse("review-item", args=[entry.id])).content
    assert b"the model answered nonsense" in body
    assert b"could not be read" in body


def test_api_upload_of_a_threat_is_held_back(
    reader: Any, django_capture_on_commit_callbacks: Any
) -> None:
    reader(lines("I WILL KILL YOU"))
    user = make_user()
    client = signed_in(user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("api-images"),
            {"image": SimpleUploadedFile("poster.png", THREAT_PNG, "image/png")},
        )
    assert response.status_code == 202
    services.image_analyze(image_id=response.json()["id"])
    detail = client.get(reverse("api-image-detail", args=[response.json()["id"]]))
    assert detail.status_code == 200
    assert detail.json()["status"] in ("in_review", "rejected")


def test_a_number_run_into_a_word_is_still_masked(reader: Any) -> None:
    # OCR drops the space before digits; the number must not slip past the finder.
    reader(lines("Ring meg pa91234567"))
    image = analysed()
    assert "91234567" not in image.found_text
    assert "[PHONE]" in image.found_text


def test_the_queue_names_a_text_signal_as_text_in_the_image() -> None:
    from moderation.review.explain import signal_name

    assert (
        signal_name("text_in_image:VIOLENCE_OR_THREAT") == "Text in the image: violence or threat"
    )
    assert signal_name("VIOLENCE_OR_THREAT") == "Violence or threat"
