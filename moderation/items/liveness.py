"""Which worker processes are alive, and what becomes of the items held by those that are not.

Every worker process that analyses items (the solo worker itself, or each prefork pool process)
keeps a key in Redis, `vakt:alive:<holder>`, that expires WORKER_HEARTBEAT_TTL_SECONDS after it
was last written; a thread writes it every WORKER_HEARTBEAT_SECONDS. A lease records its holder,
so an item leased by a process whose key is gone (killed, frozen, its host lost) is known to be
orphaned within seconds, instead of after the lease or the broker's visibility timeout runs out.

The thread keeps writing while the task waits on a slow analyzer, so a long call keeps every
lease of its process alive; a process that cannot run at all (SIGSTOP, a frozen VM) stops
writing and is treated as dead. Should it wake up, its decision loses to the new lease's
(pipeline.item_decide), so being declared dead by mistake costs a second analysis, never a
second decision.

The key lives on the broker's Redis: every worker and the beat process reach it already, and
without it nothing is analysed anyway.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "vakt:alive:"
# Raised by the liveness queries when Redis cannot answer; callers decide what that means.
LivenessUnknown = redis.RedisError


@dataclass
class _Heartbeat:
    holder: str
    pid: int
    stop: threading.Event
    thread: threading.Thread


_heartbeat: _Heartbeat | None = None
_clients: dict[int, redis.Redis] = {}


def _redis() -> redis.Redis:
    # One client per process: a client inherited through fork shares its sockets with the parent.
    pid = os.getpid()
    if pid not in _clients:
        _clients.clear()
        _clients[pid] = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2
        )
    return _clients[pid]


def _key(holder: str) -> str:
    return KEY_PREFIX + holder


def holder_current() -> str:
    """This process's holder name while its heartbeat runs, else "" (a lease without liveness,
    which only runs out after ANALYSIS_LEASE_SECONDS: a shell, a management command)."""
    beat = _heartbeat
    return beat.holder if beat is not None and beat.pid == os.getpid() else ""


def _beat(holder: str) -> bool:
    try:
        _redis().set(_key(holder), "1", ex=settings.WORKER_HEARTBEAT_TTL_SECONDS)
    except redis.RedisError as exc:
        # Nothing to do but try again: past the TTL this process's items go to other workers,
        # and whatever it decides meanwhile loses to them.
        logger.warning("heartbeat of %s not written: %s", holder, exc)
        return False
    return True


def heartbeat_start(*, node: str | None = None) -> str:
    """Announce this process as alive, now and every WORKER_HEARTBEAT_SECONDS, until it stops
    or dies. Called once per worker process (worker_process_init); a forked child has its own.
    Returns the holder name its leases record."""
    global _heartbeat
    if holder := holder_current():
        return holder
    # The host (Celery's node name) and pid say where to look; the random part tells a new
    # process from an old one that had the same pid.
    holder = f"{node or socket.gethostname()}/{os.getpid()}/{secrets.token_hex(4)}"
    _beat(holder)  # before the first task, so a lease never names a holder not yet announced
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            _beat(holder)

    thread = threading.Thread(target=run, name="vakt-heartbeat", daemon=True)
    _heartbeat = _Heartbeat(holder=holder, pid=os.getpid(), stop=stop, thread=thread)
    thread.start()
    logger.info("worker process %s announced as alive", holder)
    return holder


def heartbeat_stop() -> None:
    """A clean shutdown: the process ran its tasks to the end, so it holds nothing; removing the
    key at once lets a lease it still held (a cold shutdown) go to another worker without
    waiting for the TTL."""
    global _heartbeat
    beat = _heartbeat
    if beat is None or beat.pid != os.getpid():
        return
    _heartbeat = None
    beat.stop.set()
    with contextlib.suppress(redis.RedisError):  # else the key expires by itself
        _redis().delete(_key(beat.holder))


def holders_alive(holders: Iterable[str]) -> set[str]:
    """The holders among `holders` whose heartbeat is current. Raises LivenessUnknown when
    Redis does not answer."""
    names = sorted(set(holders))
    if not names:
        return set()
    pipe = _redis().pipeline(transaction=False)
    for name in names:
        pipe.exists(_key(name))
    return {name for name, exists in zip(names, pipe.execute(), strict=True) if exists}


def holder_alive(holder: str) -> bool:
    """Whether a lease's holder is alive; when Redis cannot tell, assume it is: robbing a live
    worker wastes an analysis, and the beat job decides once Redis answers again."""
    try:
        return holder in holders_alive([holder])
    except LivenessUnknown as exc:
        logger.warning("cannot tell whether %s is alive: %s", holder, exc)
        return True
