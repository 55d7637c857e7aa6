"""Leases that name their holder, worker heartbeats, and the job that frees a dead worker's items.

The fault tests (tests/test_faults.py) show the same with real worker processes that are killed
or frozen; here each rule is checked on its own, with holders made alive or dead by hand.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import Feedback
from moderation.images import services
from moderation.items import liveness, pipeline
from moderation.models import AuditEvent, ImageUpload, ItemStatus, ReviewItem
from tests.conftest import clean_env, run_manage
from tests.factories import image_bytes, make_user, upload_file
from tests.test_image_pipeline import VIOLENCE_MID, FakeAnalyzer

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued() -> Iterator[mock.MagicMock]:
    with mock.patch("moderation.tasks.analyze_image.delay") as delay:
        yield delay


@pytest.fixture
def analyzer() -> Iterator[Callable[..., FakeAnalyzer]]:
    with mock.patch("moderation.images.services.get_image_analyzer") as get:

        def install(*script: Any) -> FakeAnalyzer:
            get.return_value = fake = FakeAnalyzer(list(script))
            return fake

        yield install


def broker() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


@pytest.fixture
def holders() -> Iterator[Callable[[bool], str]]:
    """Makes up holder names: alive ones have a heartbeat key, dead ones have none."""
    made: list[str] = []

    def make(alive: bool) -> str:
        name = f"test-{'alive' if alive else 'dead'}-{uuid.uuid4().hex[:8]}"
        if alive:
            broker().set(liveness.KEY_PREFIX + name, "1", ex=60)
        made.append(name)
        return name

    yield make
    for name in made:
        broker().delete(liveness.KEY_PREFIX + name)


@pytest.fixture
def heartbeat() -> Iterator[Callable[..., str]]:
    yield liveness.heartbeat_start
    liveness.heartbeat_stop()


_uploads = itertools.count()


def upload() -> ImageUpload:
    # A colour each, so no image reuses another's analysis.
    content = image_bytes(color=(next(_uploads) % 256, 120, 220))
    return services.image_upload_create(owner=make_user(), upload=upload_file(content))


def lease(item: ImageUpload | Feedback, holder: str, **fields: Any) -> uuid.UUID:
    """Give the item a lease held by `holder`, as a worker's claim would."""
    token = uuid.uuid4()
    fields = {"analysis_started_at": timezone.now(), "attempts": 1, **fields}
    type(item).objects.filter(id=item.id).update(
        analysis_token=token, analysis_holder=holder, **fields
    )
    return token


def test_a_worker_process_announces_itself_and_its_leases_name_it(
    queued: mock.MagicMock, heartbeat: Callable[..., str]
) -> None:
    assert liveness.holder_current() == ""  # not a worker: leases that only expire with time
    holder = heartbeat(node="worker0@host")

    assert holder.startswith(f"worker0@host/{os.getpid()}/")
    assert liveness.holder_current() == holder
    assert liveness.holders_alive([holder, "someone-else"]) == {holder}
    assert 0 < broker().ttl(liveness.KEY_PREFIX + holder) <= settings.WORKER_HEARTBEAT_TTL_SECONDS
    image = upload()
    claimed = pipeline.item_claim(ImageUpload, image.id)
    assert claimed is not None and claimed.item.analysis_holder == holder

    liveness.heartbeat_stop()  # a clean shutdown says goodbye at once
    assert liveness.holders_alive([holder]) == set()
    assert liveness.holder_current() == ""


def test_a_claim_takes_an_item_from_a_dead_holder_at_once(
    queued: mock.MagicMock,
    analyzer: Callable[..., FakeAnalyzer],
    holders: Callable[[bool], str],
) -> None:
    fake = analyzer(VIOLENCE_MID)
    image = upload()
    lease(image, holders(False))  # taken a moment ago, by a process that is gone

    decided = services.image_analyze(image_id=image.id)

    assert decided is not None and decided.status == ItemStatus.IN_REVIEW
    assert len(fake.calls) == 1
    assert decided.attempts == 2
    assert decided.analysis_holder == ""


def test_a_slow_living_worker_is_never_robbed(
    queued: mock.MagicMock,
    analyzer: Callable[..., FakeAnalyzer],
    holders: Callable[[bool], str],
    settings: Any,
) -> None:
    settings.PENDING_REQUEUE_AFTER_SECONDS = 1
    fake = analyzer(VIOLENCE_MID)
    image = upload()
    long_ago = timezone.now() - timedelta(hours=1)  # far past ANALYSIS_LEASE_SECONDS
    lease(image, holders(True), analysis_started_at=long_ago)
    ImageUpload.objects.filter(id=image.id).update(queued_at=long_ago)

    assert services.image_analyze(image_id=image.id) is None
    assert fake.calls == []
    # A duplicate message does not wait for it (the liveness job covers its death) ...
    assert pipeline.item_lease_wait(ImageUpload, image.id) is None
    # ... and neither the liveness job nor the re-queue job touches it.
    assert pipeline.items_release_dead(kind="image") == 0
    assert services.images_requeue_pending() == 0
    queued.assert_not_called()


def test_a_lease_without_heartbeat_still_runs_out_with_time(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer]
) -> None:
    analyzer(VIOLENCE_MID)
    image = upload()
    lease(image, "")  # taken by a shell or a management command

    assert services.image_analyze(image_id=image.id) is None
    wait = pipeline.item_lease_wait(ImageUpload, image.id)
    assert wait is not None and wait > settings.ANALYSIS_LEASE_SECONDS - 60
    ImageUpload.objects.filter(id=image.id).update(
        analysis_started_at=timezone.now() - timedelta(hours=1)
    )
    assert services.image_analyze(image_id=image.id) is not None


def test_the_liveness_job_queues_again_only_the_items_of_dead_holders(
    queued: mock.MagicMock,
    holders: Callable[[bool], str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    dead, alive = holders(False), holders(True)
    orphan, busy, timed, free, decided = (upload() for _ in range(5))
    lease(orphan, dead)
    lease(busy, alive)
    lease(timed, "", analysis_started_at=timezone.now() - timedelta(hours=1))
    lease(decided, dead)
    ImageUpload.objects.filter(id=decided.id).update(status=ItemStatus.APPROVED)
    queued.reset_mock()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert pipeline.items_release_dead(kind="image") == 1

    assert len(callbacks) == 1  # published only once the release committed
    queued.assert_called_once_with(str(orphan.id))
    orphan.refresh_from_db()
    assert orphan.analysis_token is None and orphan.analysis_holder == ""
    assert orphan.queued_at is not None
    assert ImageUpload.objects.get(id=busy.id).analysis_holder == alive
    assert ImageUpload.objects.get(id=free.id).analysis_token is None
    # A second run (or a second beat) finds nothing left to do.
    assert pipeline.items_release_dead(kind="image") == 0


def test_a_late_answer_from_a_worker_thought_dead_loses_cleanly(
    queued: mock.MagicMock,
    analyzer: Callable[..., FakeAnalyzer],
    holders: Callable[[bool], str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    analyzer(VIOLENCE_MID)
    image = upload()
    frozen = holders(False)  # frozen, so it missed its heartbeats
    with mock.patch.object(liveness, "holder_current", return_value=frozen):
        late = pipeline.item_claim(ImageUpload, image.id)
    assert late is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.items_release_dead(kind="image") == 1
    winner = services.image_analyze(image_id=image.id)  # the re-queued message, elsewhere
    assert winner is not None and winner.status == ItemStatus.IN_REVIEW

    # It wakes up and tries to write its own answer.
    assert (
        pipeline.item_decide(late, outcome=ItemStatus.APPROVED, reasons=[], policy_version=1)
        is None
    )
    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW
    assert AuditEvent.objects.filter(item_id=image.id).count() == 1
    assert ReviewItem.objects.filter(kind="image", item_id=image.id).count() == 1


def test_an_item_whose_every_attempt_was_interrupted_goes_to_review(
    queued: mock.MagicMock, holders: Callable[[bool], str], settings: Any
) -> None:
    # An image that gets every worker it reaches killed must not go round the fleet forever.
    settings.ANALYSIS_MAX_RETRIES = 2
    image = upload()
    lease(image, holders(False), attempts=3)
    queued.reset_mock()

    assert pipeline.items_release_dead(kind="image") == 1

    image.refresh_from_db()
    assert image.status == ItemStatus.IN_REVIEW  # never approved on an error
    assert image.error.startswith("analysis interrupted 3 times")
    assert ReviewItem.objects.filter(kind="image", item_id=image.id, reason="error").exists()
    queued.assert_not_called()


def test_when_redis_cannot_tell_a_holder_counts_as_alive(
    queued: mock.MagicMock, analyzer: Callable[..., FakeAnalyzer], holders: Callable[[bool], str]
) -> None:
    fake = analyzer(VIOLENCE_MID)
    image = upload()
    lease(image, holders(False))
    with mock.patch.object(liveness, "holders_alive", side_effect=redis.ConnectionError("down")):
        assert services.image_analyze(image_id=image.id) is None
    assert fake.calls == []


def test_the_liveness_job_frees_feedback_too(
    holders: Callable[[bool], str], django_capture_on_commit_callbacks: Any
) -> None:
    with mock.patch("feedback.tasks.analyze_feedback.delay") as delay:
        message = feedback_services.feedback_create(text="Fast delivery, thanks!", author=None)
        lease(message, holders(False))
        delay.reset_mock()
        with django_capture_on_commit_callbacks(execute=True):
            assert pipeline.items_release_dead(kind="feedback") == 1
    delay.assert_called_once_with(str(message.id))


def test_a_heartbeat_ttl_not_above_its_interval_stops_start_up() -> None:
    env = clean_env(WORKER_HEARTBEAT_SECONDS="30", WORKER_HEARTBEAT_TTL_SECONDS="30")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "WORKER_HEARTBEAT_TTL_SECONDS must be above WORKER_HEARTBEAT_SECONDS" in result.stderr
