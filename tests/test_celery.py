from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import redis
from django.conf import settings

from project.celery import app, ping
from tests.conftest import WorkerFactory
from tests.test_faults import wait_for


def test_celery_is_configured_for_safe_delivery() -> None:
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
    assert {(q.name, q.routing_key) for q in conf.task_queues} == {
        ("default", "default"),
        ("images", "images"),
        ("text", "text"),
    }
    assert app.amqp.router.route({}, "moderation.tasks.analyze_image")["queue"].name == "images"
    assert app.amqp.router.route({}, "feedback.tasks.analyze_feedback")["queue"].name == "text"
    assert app.amqp.router.route({}, "vakt.ping")["queue"].name == "default"


@pytest.mark.e2e
def test_round_trip_through_a_real_worker(celery_worker_process: subprocess.Popen[str]) -> None:
    result = ping.delay()
    try:
        assert result.get(timeout=60) == "pong"
    finally:
        if celery_worker_process.poll() is not None and celery_worker_process.stdout:
            print(celery_worker_process.stdout.read())


def test_every_periodic_job_names_a_registered_task() -> None:
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert "requeue-pending-images" in schedule
    for entry in schedule.values():
        assert entry["task"] in app.tasks


@pytest.mark.e2e
@pytest.mark.parametrize("pool", ["solo", "prefork", "threads"])
def test_a_worker_loads_its_models_before_it_is_ready(
    celery_workers: WorkerFactory, tmp_path: Path, pool: str
) -> None:
    log = tmp_path / "worker.log"
    worker = celery_workers.start(env={"WORKER_WARM_UP": "1"}, pool=pool, log=log)

    assert ping.delay().get(timeout=120) == "pong"  # longer than any model takes to load
    assert worker.poll() is None
    # The worker logs a task's success after it has stored the result the test just read.
    text = wait_for(
        lambda: text if "succeeded in" in (text := log.read_text()) else None,
        "the worker to log the task's success",
        timeout=30,
    )
    # In the process that runs tasks (a prefork child's, too), before it runs the first one.
    for kind in ("image", "feedback"):
        assert re.search(rf"warmed up the {kind} analyzers in \d+\.\d s", text), text
    assert text.index("warmed up the feedback analyzers") < text.index("succeeded in")
    if pool != "prefork":  # the worker itself: before it says it is ready
        assert text.index("warmed up the feedback analyzers") < text.index(" ready.")
    # Every pool's task-running process heartbeats, the threads pool's too (its leases name it).
    holder = re.search(r"worker process (\S+) announced as alive", text)
    assert holder, text
    alive = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert alive.exists(f"vakt:alive:{holder[1]}")
    assert "Timed out waiting for UP message" not in text
    assert "warming up" not in text  # no failure was logged


@pytest.mark.django_db
def test_warming_up_loads_the_local_models_and_survives_a_failing_kind(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from moderation.images.analyzers import get_image_analyzer
    from project.celery import _warm_up

    settings.WORKER_WARM_UP = True
    analyzer = get_image_analyzer()
    analyzer.__dict__.pop("_classifier", None)  # as in a new process
    with (
        mock.patch("feedback.kind.FeedbackKind.warm_up", side_effect=RuntimeError("no models")),
        caplog.at_level(logging.INFO, logger="project.celery"),
    ):
        _warm_up()

    assert "_classifier" in analyzer.__dict__  # the image model is loaded
    assert "warming up the feedback analyzers failed" in caplog.text
    assert "warmed up the image analyzers" in caplog.text


def test_no_warm_up_unless_asked(settings: Any) -> None:
    from project.celery import _warm_up

    settings.WORKER_WARM_UP = False
    with mock.patch("moderation.images.kind.ImageKind.warm_up") as warm:
        _warm_up()
    warm.assert_not_called()
