"""Fault tests: real workers, real Redis and PostgreSQL, and something breaking mid-way.

Each test counts the items that went in and the items decided, and checks every item was
decided exactly once (one machine decision in the audit log) with its file in exactly one place.
The analyzer is tests.faults.GatedImageAnalyzer: deterministic, and able to hold an analysis
until the test has killed its worker or dropped its database connection.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
import redis
from django.db import connection
from django.test import Client

from feedback.models import Feedback
from moderation.models import AnalysedItem, AuditEvent, ImageUpload, ItemStatus, ReviewItem
from moderation.tasks import requeue_pending_images
from project.celery import app as celery_app
from tests.conftest import WorkerFactory
from tests.factories import image_bytes, make_user
from tests.faults import FLAKY_STORAGE_ENV, GATE_DIR_ENV, analyses_started, failures_spent

pytestmark = pytest.mark.e2e

T = TypeVar("T")
Item = TypeVar("Item", bound=AnalysedItem)


def wait_for(check: Callable[[], T | None], what: str, timeout: float = 60) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (found := check()) is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what} after {timeout} s")


def all_decided(model: type[Item], ids: list[str], timeout: float = 60) -> list[Item]:
    """Wait until none of the items is pending; they come back in the order of `ids`."""

    def check() -> list[Item] | None:
        items = {str(item.id): item for item in model._default_manager.filter(id__in=ids)}
        if len(items) != len(ids) or any(i.status == ItemStatus.PENDING for i in items.values()):
            return None
        return [items[item_id] for item_id in ids]

    return wait_for(check, f"{len(ids)} {model.KIND} items to be decided", timeout)


def assert_decided_once(item: AnalysedItem) -> None:
    events = AuditEvent.objects.filter(item_id=item.id)
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("analysis", ItemStatus.PENDING, item.status)
    ]


def stored_copies(media: Path, item_id: object) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob(f"{item_id}*"))


def assert_one_whole_copy(media: Path, image: ImageUpload) -> None:
    """The row points at the only copy of the image, and it is the whole file."""
    assert stored_copies(media, image.id) == [image.file_key]
    assert hashlib.sha256((media / image.file_key).read_bytes()).hexdigest() == image.sha256


def wait_for_one_copy(media: Path, image: ImageUpload) -> None:
    # The quarantined copy goes after the decision commits; a failed delete is retried later.
    wait_for(
        lambda: True if stored_copies(media, image.id) == [image.file_key] else None,
        f"image {image.id} to be in one place",
    )


def approved_once_each(ids: list[str], media: Path) -> list[ImageUpload]:
    """Every upload in, approved, decided exactly once, with one whole file in one place."""
    images = all_decided(ImageUpload, ids)
    assert len(images) == len(ids)
    for image in images:
        assert image.status == ItemStatus.APPROVED
        assert_decided_once(image)
        wait_for_one_copy(media, image)
        assert_one_whole_copy(media, image)
    return images


def upload(client: Client, color: tuple[int, int, int]) -> str:
    image = image_bytes(size=(64, 48), color=color)  # a colour each: no analysis is reused
    response = client.post("/api/v1/images/", {"image": _file(image)})
    assert response.status_code == 202, response.content
    return str(response.json()["id"])


def _file(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("p.jpg", content, "image/jpeg")


def held_analysis(gate: Path) -> dict[str, Any]:
    return wait_for(
        lambda: next((r for r in analyses_started(gate) if r["held"]), None),
        "the held analysis to start",
    )


def runs_of(gate: Path, key: str) -> list[dict[str, Any]]:
    return [record for record in analyses_started(gate) if record["key"] == key]


@pytest.fixture
def client() -> Client:
    client = Client()
    client.force_login(make_user())
    return client


@pytest.fixture
def gate(tmp_path: Path) -> Path:
    folder = tmp_path / "gate"
    folder.mkdir()
    return folder


@pytest.fixture
def media(tmp_path: Path) -> Path:
    return tmp_path / "media"


def worker_log(tmp_path: Path, name: str) -> Path:
    return tmp_path / f"{name}.log"


# --- 1. A worker killed or frozen mid-analysis ------------------------------------------------

# Worker processes announce themselves every second and count as dead 3 s after the last time;
# beat looks for their items every second. (Production: 10 s, 30 s and 15 s.)
FAST_LIVENESS = {
    "WORKER_HEARTBEAT_SECONDS": "1",
    "WORKER_HEARTBEAT_TTL_SECONDS": "3",
    "DEAD_WORKER_CHECK_SECONDS": "1",
}


def task_finished(log: Path, task_id: str) -> bool | None:
    return f"[{task_id}] succeeded" in log.read_text(errors="replace") or None


def test_a_whole_worker_killed_mid_analysis_has_its_item_finished_by_another(
    celery_workers: WorkerFactory, client: Client, gate: Path, media: Path, tmp_path: Path
) -> None:
    # A lost host: the worker and its pool process die together, with no word to anyone. The
    # beat job sees the pool process's heartbeat stop and queues its item again at once; the
    # broker hands the dead worker's own message out again much later (here after 20 s), and
    # by then it finds the item decided and does nothing.
    env = {GATE_DIR_ENV: str(gate), **FAST_LIVENESS, "BROKER_VISIBILITY_TIMEOUT": "20"}
    logs = [worker_log(tmp_path, f"w{n}") for n in (1, 2)]
    workers = [
        celery_workers.start(env=env, pool="prefork", log=log, own_group=True) for log in logs
    ]
    celery_workers.start_beat(env=env, log=worker_log(tmp_path, "beat"))
    (gate / "hold").touch()
    ids = [upload(client, (40 * n, 90, 160)) for n in range(3)]

    held = held_analysis(gate)
    [victim] = [w for w in workers if held["pid"] in pool_pids(w.pid)]
    [survivor] = [w for w in workers if w is not victim]
    os.killpg(victim.pid, signal.SIGKILL)  # the worker and its pool: the whole group
    victim.wait()
    (gate / "hold").unlink()

    images = approved_once_each(ids, media)
    [image] = [image for image in images if held["key"] == f"quarantine/{image.id}.jpg"]
    # Analysed twice, decided once: by the dead worker (no decision), then by the other one.
    runs = runs_of(gate, held["key"])
    assert [run["pid"] in pool_pids(survivor.pid) for run in runs] == [False, True]
    assert image.attempts == 2
    assert image.file_key == f"images/approved/{image.id}.jpg"

    # The dead worker's message comes back from the broker: a harmless duplicate.
    survivor_log = logs[workers.index(survivor)]
    wait_for(lambda: task_finished(survivor_log, held["task_id"]), "the old message to return")
    assert len(runs_of(gate, held["key"])) == 2
    approved_once_each(ids, media)
    assert survivor.poll() is None


def test_a_frozen_worker_that_wakes_up_late_does_not_decide_twice(
    celery_workers: WorkerFactory, client: Client, gate: Path, media: Path, tmp_path: Path
) -> None:
    # SIGSTOP: the process is there but runs nothing, its heartbeat included, so it counts as
    # dead and its item goes to the other worker. Woken up after that, it finishes its own
    # analysis and tries to decide: the lease is no longer its, so it changes nothing.
    env = {GATE_DIR_ENV: str(gate), **FAST_LIVENESS}
    logs = [worker_log(tmp_path, f"w{n}") for n in (1, 2)]
    workers = [celery_workers.start(env=env, log=log) for log in logs]
    celery_workers.start_beat(env=env, log=worker_log(tmp_path, "beat"))
    (gate / "hold").touch()
    ids = [upload(client, (200, 90, 40 * n)) for n in range(3)]

    held = held_analysis(gate)
    [victim] = [worker for worker in workers if worker.pid == held["pid"]]
    [survivor] = [worker for worker in workers if worker is not victim]
    os.kill(victim.pid, signal.SIGSTOP)
    try:
        (gate / "hold").unlink()  # the frozen analysis cannot see it go
        [image] = [
            image
            for image in all_decided(ImageUpload, ids)
            if held["key"] == f"quarantine/{image.id}.jpg"
        ]
        assert [run["pid"] for run in runs_of(gate, held["key"])] == [victim.pid, survivor.pid]
    finally:
        os.kill(victim.pid, signal.SIGCONT)

    victim_log = logs[workers.index(victim)]
    wait_for(lambda: task_finished(victim_log, held["task_id"]), "the woken worker's task to end")
    images = approved_once_each(ids, media)
    [image] = [image for image in images if held["key"] == f"quarantine/{image.id}.jpg"]
    assert len(runs_of(gate, held["key"])) == 2
    assert image.attempts == 2
    assert image.file_key == f"images/approved/{image.id}.jpg"
    # Awake again, it takes new work like any other worker.
    later = upload(client, (10, 10, 10))
    approved_once_each([later], media)
    assert victim.poll() is None and survivor.poll() is None


def test_a_pool_process_killed_mid_analysis_has_its_item_finished_by_another(
    celery_workers: WorkerFactory, client: Client, gate: Path, media: Path, tmp_path: Path
) -> None:
    # A prefork worker whose pool process dies (OOM killer) gives the message back as soon as
    # it notices (task_reject_on_worker_lost). While the dead process's heartbeat has not yet
    # run out, that message leaves the item alone; then the message or the beat job, whichever
    # comes first, takes it over.
    env = {GATE_DIR_ENV: str(gate), **FAST_LIVENESS}
    worker = celery_workers.start(env=env, pool="prefork", log=worker_log(tmp_path, "w"))
    celery_workers.start_beat(env=env, log=worker_log(tmp_path, "beat"))
    (gate / "hold").touch()
    ids = [upload(client, (200, 40 * n, 40)) for n in range(2)]

    held = held_analysis(gate)
    assert held["pid"] != worker.pid  # a pool process, not the worker itself
    os.kill(held["pid"], signal.SIGKILL)
    (gate / "hold").unlink()

    images = approved_once_each(ids, media)
    runs = runs_of(gate, held["key"])
    assert len(runs) == 2 and runs[1]["pid"] != held["pid"]
    [image] = [image for image in images if held["key"] == f"quarantine/{image.id}.jpg"]
    assert image.attempts == 2
    assert worker.poll() is None


def pool_pids(worker_pid: int) -> set[int]:
    """The worker's own pid and its pool processes' (its children), living or not yet reaped."""
    children = Path(f"/proc/{worker_pid}/task/{worker_pid}/children")
    try:
        return {worker_pid, *map(int, children.read_text().split())}
    except OSError:
        return {worker_pid}


# --- 2. The broker goes away while uploads arrive --------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A Redis of the test's own, without persistence: stopping it loses every message."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        wait_for(lambda: self._ping(client), "redis-server to answer", timeout=20)

    @staticmethod
    def _ping(client: redis.Redis) -> bool | None:
        try:
            return bool(client.ping()) or None
        except redis.ConnectionError:
            return None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """Make this process (the web app) publish tasks to `url`."""

    def reconnect() -> None:
        # Celery caches the connection pool and the producer pool built on it.
        celery_app._pool = None  # type: ignore[attr-defined]
        celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELERY_BROKER_WRITE_URL", url)
        reconnect()
        try:
            yield
        finally:
            reconnect()
    reconnect()


def test_uploads_while_the_broker_is_down_are_decided_once_it_is_back(
    own_redis: RedisServer,
    celery_workers: WorkerFactory,
    client: Client,
    gate: Path,
    media: Path,
    settings: Any,
    tmp_path: Path,
) -> None:
    # The re-queue job runs in this process, as beat would; here it looks for lost messages
    # after a second rather than 15 minutes.
    settings.PENDING_REQUEUE_AFTER_SECONDS = 1
    settings.PENDING_UNQUEUED_REQUEUE_AFTER_SECONDS = 1
    env = {GATE_DIR_ENV: str(gate)}
    log = worker_log(tmp_path, "w")
    worker = celery_workers.start(broker_url=own_redis.url, env=env, log=log)
    (gate / "hold").touch()
    with publishing_to(own_redis.url):
        before = [upload(client, (10, 40 * n, 200)) for n in range(3)]
        held = held_analysis(gate)  # the worker is busy with one; the others wait in Redis,
        own_redis.stop()  # and are lost with it

        # The analysis in flight finishes while the broker is away: decided, never acknowledged.
        (gate / "hold").unlink()
        wait_for(
            lambda: (
                ImageUpload.objects.exclude(status=ItemStatus.PENDING)
                .filter(file_key__endswith=held["key"].rsplit("/", 1)[-1])
                .first()
            ),
            "the analysis in flight to finish",
        )
        during = [upload(client, (60, 40 * n, 200)) for n in range(3)]  # still 202
        assert not ImageUpload.objects.filter(id__in=during, queued_at__isnull=False).exists()
        wait_for(
            lambda: "Connection to broker lost" in log.read_text() or None,
            "the worker to notice the broker is gone",
        )

        own_redis.start()
        after = [upload(client, (110, 40 * n, 200)) for n in range(2)]
        ids = before + during + after

        def requeue_until_decided() -> bool | None:
            assert worker.poll() is None, f"the worker died:\n{log.read_text()[-3000:]}"
            if not ImageUpload.objects.filter(id__in=ids, status=ItemStatus.PENDING).exists():
                return True
            requeue_pending_images()
            time.sleep(1)
            return None

        wait_for(requeue_until_decided, "the re-queue job to get every upload decided")

    images = approved_once_each(ids, media)
    assert len(images) == 8
    assert worker.poll() is None


# --- 3. The database connection drops inside a task ------------------------------------------


def test_a_dropped_database_connection_mid_task_is_retried_and_decided_once(
    celery_workers: WorkerFactory, client: Client, gate: Path, media: Path, tmp_path: Path
) -> None:
    worker = celery_workers.start(env={GATE_DIR_ENV: str(gate)}, log=worker_log(tmp_path, "w"))
    (gate / "hold").touch()
    ids = [upload(client, (90, 200, 40 * n)) for n in range(2)]

    held = held_analysis(gate)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [held["backend_pid"]])
        assert cursor.fetchone() == (True,)
    (gate / "hold").unlink()

    images = approved_once_each(ids, media)
    [image] = [image for image in images if held["key"] == f"quarantine/{image.id}.jpg"]
    # The first run lost its connection before it could decide; its retry decided.
    runs = runs_of(gate, held["key"])
    assert len(runs) == 2 and runs[1]["backend_pid"] != held["backend_pid"]
    assert image.attempts == 2
    assert not ReviewItem.objects.filter(item_id=image.id).exists()  # not sent to review either
    assert worker.poll() is None


# --- 4. The storage fails while a file is moved ----------------------------------------------


def flaky_env(gate: Path, budget: Path, **failures: dict[str, int]) -> dict[str, str]:
    budget.mkdir()
    options = {"budget_dir": str(budget), **failures}
    return {GATE_DIR_ENV: str(gate), FLAKY_STORAGE_ENV: json.dumps(options)}


def test_a_storage_failure_while_approving_never_loses_or_doubles_the_file(
    celery_workers: WorkerFactory, client: Client, gate: Path, media: Path, tmp_path: Path
) -> None:
    # The first copy to images/approved/ dies half-written; the first delete of a quarantined
    # file fails after the decision has committed.
    budget = tmp_path / "budget"
    env = flaky_env(
        gate, budget, fail_saves={"images/approved/": 1}, fail_deletes={"quarantine/": 1}
    )
    worker = celery_workers.start(env=env, log=worker_log(tmp_path, "w"))
    ids = [upload(client, (250, 40 * n, 90)) for n in range(2)]

    # The half-written approved copy was replaced by a whole one.
    for image in approved_once_each(ids, media):
        assert image.file_key == f"images/approved/{image.id}.jpg"
    assert failures_spent(budget) == ["delete-quarantine_-0", "save-images_approved_-0"]
    assert worker.poll() is None


def test_a_storage_failure_while_filing_feedback_is_retried_and_filed_once(
    celery_workers: WorkerFactory, gate: Path, media: Path, tmp_path: Path
) -> None:
    budget = tmp_path / "budget"
    env = flaky_env(gate, budget, fail_saves={"feedback/": 1})
    worker = celery_workers.start(env=env, log=worker_log(tmp_path, "w"))
    texts = ["Great product, fast delivery, I love it!", "Wonderful service, thank you so much!"]
    ids = []
    for text in texts:
        response = Client().post(
            "/api/v1/feedback/", json.dumps({"text": text}), content_type="application/json"
        )
        assert response.status_code == 202, response.content
        ids.append(str(response.json()["id"]))

    messages = all_decided(Feedback, ids)
    assert len(messages) == len(ids)
    for feedback in messages:
        assert feedback.status == ItemStatus.APPROVED, feedback.reasons
        assert_decided_once(feedback)
        assert feedback.route.startswith("feedback/positive/")
        assert stored_copies(media, feedback.id) == [feedback.route]
        document = json.loads((media / feedback.route).read_text())  # whole, not the half
        assert document["id"] == str(feedback.id) and document["status"] == "approved"
    assert failures_spent(budget) == ["save-feedback_-0"]
    assert sorted(f.attempts for f in messages) == [1, 2]
    assert worker.poll() is None
