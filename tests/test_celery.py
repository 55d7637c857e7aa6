from __future__ import annotations

import subprocess

import pytest

from project.celery import app, ping


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
