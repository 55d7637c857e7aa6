from __future__ import annotations

import logging
import os
import time
from typing import Any

from celery import Celery, signals
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

logger = logging.getLogger(__name__)

app = Celery("vakt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_process_init.connect
def _announce_alive(sender: Any = None, **kwargs: Any) -> None:
    # Sent in each prefork pool process, and in the solo pool's worker itself: wherever tasks run.
    from moderation.items import liveness

    liveness.heartbeat_start(node=str(sender) if sender else None)
    _warm_up()


# Pools that send worker_process_init in the process that runs the tasks.
_POOLS_WITH_PROCESS_INIT = ("celery.concurrency.prefork", "celery.concurrency.solo")


@signals.worker_ready.connect
def _announce_alive_in_the_worker(sender: Any = None, **kwargs: Any) -> None:
    # The threads pool (and gevent's, eventlet's) runs tasks in the worker's own process and
    # sends no worker_process_init: without this its leases would have no heartbeat, and a
    # dead worker's items would wait ANALYSIS_LEASE_SECONDS instead of the heartbeat's TTL.
    pool = getattr(sender, "pool", None)
    if pool is None or type(pool).__module__ in _POOLS_WITH_PROCESS_INIT:
        return
    _announce_alive(sender=getattr(sender, "hostname", None))


def _warm_up() -> None:
    """Load every kind's analyzers now, before the process takes a task (WORKER_WARM_UP)."""
    from django.conf import settings

    from moderation.kinds import kinds_all

    if not settings.WORKER_WARM_UP:
        return
    for kind in kinds_all():
        started = time.perf_counter()
        try:
            kind.warm_up()
        except Exception:
            # Not fatal: the first task loads what it needs, or fails and sends its item to review.
            logger.exception("warming up the %s analyzers failed", kind.name)
            continue
        seconds = time.perf_counter() - started
        logger.info("warmed up the %s analyzers in %.1f s", kind.name, seconds)


@signals.worker_process_shutdown.connect
@signals.worker_shutdown.connect
def _announce_gone(**kwargs: Any) -> None:
    from moderation.items import liveness

    liveness.heartbeat_stop()


_connparams = kombu_redis.Channel._connparams  # type: ignore[attr-defined]


def _connparams_of_open_transport(self: Any, asynchronous: bool = False) -> Any:
    # When the broker goes away while a task's message is unacknowledged, the worker (Celery
    # 5.7) first collects the broken connection, which detaches its transport, then closes it;
    # closing the channel tries to put the message back through the detached transport and
    # fails with an AttributeError that kills the worker ("Unrecoverable error"). Raise the
    # connection error the close ignores instead: the message stays among Redis's unacked ones
    # and is handed out again after the visibility timeout. (tests/test_faults.py, broker down)
    if self.connection.client is None:
        raise RedisConnectionError("the broker connection is already closed")
    return _connparams(self, asynchronous=asynchronous)


kombu_redis.Channel._connparams = _connparams_of_open_transport  # type: ignore[attr-defined]


@app.task(name="vakt.ping", ignore_result=False)
def ping() -> str:
    """Round trip through the broker and a worker, for health checks and tests."""
    return "pong"
