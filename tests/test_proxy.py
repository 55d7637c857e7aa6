"""The shipped proxy configuration (deploy/nginx.conf.template), run by the real nginx in front
of the compose web command's gunicorn, on loopback. Only ports and paths differ from compose.

nginx must be installed (Debian: apt-get install nginx; .ci/run does it). Without it these
tests fail, never skip: the proxy is the defence against slow clients and huge bodies.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from deploy import render_nginx
from deploy.compose import command_of
from tests.conftest import ROOT, clean_env, worker_database_url

pytestmark = pytest.mark.django_db

DEADLINE = 30.0


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        pytest.fail(
            "nginx is not installed, so the shipped proxy configuration cannot be tested. "
            "Install Debian's package: apt-get install nginx (.ci/run does this)."
        )
    return found


def wait_for(check: Callable[[], bool], what: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"no {what} after {DEADLINE} s")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Stack:
    proxy_port: int
    gunicorn_log: Path

    def django_saw(self, marker: str) -> bool:
        return marker in self.gunicorn_log.read_text()

    def django_has_seen(self, marker: str) -> bool:
        """Whether gunicorn logs `marker` within the deadline: it writes the access log line
        after the answer has gone out, so the client can be faster than the log."""
        deadline = time.monotonic() + DEADLINE
        while not self.django_saw(marker):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """The compose web service's gunicorn command, bound to a socket opened here on port 0."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    command = command_of("web")
    bind = command.index("--bind")
    command[bind + 1] = f"fd://{listener.fileno()}"
    log = tmp_path / "gunicorn.log"
    env = clean_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=worker_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        VAKT_DATA_DIR=str(tmp_path),
    )
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
        )
    listener.close()  # gunicorn has its own copy
    try:
        wait_for(lambda: "Booting worker" in log.read_text(), "gunicorn worker", proc)
        yield port, log
    finally:
        stop(proc)


@pytest.fixture
def stack(gunicorn: tuple[int, Path]) -> Iterator[Stack]:
    """nginx on the shipped configuration in front of gunicorn."""
    nginx = nginx_binary()
    upstream_port, log = gunicorn
    # Not under pytest's tmp_path: when the suite runs as root, nginx's workers run as nobody
    # and must reach their temp folders.
    runtime = Path(tempfile.mkdtemp(prefix="vakt-proxy-"))
    runtime.chmod(0o755)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = render_nginx.write(
        {
            "MAX_UPLOAD_BYTES": str(settings.MAX_UPLOAD_BYTES),
            "PROXY_LISTEN": f"127.0.0.1:{port}",
            "PROXY_UPSTREAM": f"127.0.0.1:{upstream_port}",
            "PROXY_RUNTIME_DIR": str(runtime),
        }
    )
    with (runtime / "nginx.log").open("wb") as out:
        proc = subprocess.Popen(
            render_nginx.nginx_command(conf, nginx), stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for(lambda: port_open(port), "nginx listening", proc)
        yield Stack(proxy_port=port, gunicorn_log=log)
    finally:
        stop(proc)
        shutil.rmtree(runtime, ignore_errors=True)


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class SlowClient(threading.Thread):
    """Sends a request's headers, then its body one byte every two seconds."""

    def __init__(self, port: int, path: str) -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        self.path = path
        self.sent = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
        )
        self.sock.sendall(head.encode())
        while not self.stopped.is_set() and self.sent < 1000:
            self.sock.sendall(b"a")
            self.sent += 1
            self.stopped.wait(2)

    def answered(self) -> bool:
        readable, _, _ = select.select([self.sock], [], [], 0)
        return bool(readable)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=DEADLINE)
        self.sock.close()


def test_three_slow_clients_do_not_block_healthz(stack: Stack) -> None:
    # As many as compose's gunicorn has workers: straight to gunicorn, they would hold them all.
    workers = int(command_of("web")[command_of("web").index("--workers") + 1])
    clients = [SlowClient(stack.proxy_port, "/feedback/") for _ in range(max(3, workers))]
    for client in clients:
        client.start()
    try:
        deadline = time.monotonic() + DEADLINE
        while any(client.sent < 2 for client in clients) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all(client.sent >= 2 for client in clients)

        status, body = get(stack.proxy_port, "/healthz")

        assert status == 200
        assert json.loads(body) == {"database": "ok", "broker": "ok"}
        # The slow ones are still sending: healthz was answered while they were at it.
        assert not any(client.answered() for client in clients)
        assert not stack.django_saw("POST /feedback/")
    finally:
        for client in clients:
            client.stop()


def read_answer(sock: socket.socket) -> bytes:
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"</html>"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        answer += chunk
    return answer


def test_a_200_mb_body_gets_413_before_django_sees_it(stack: Stack) -> None:
    with socket.create_connection(("127.0.0.1", stack.proxy_port), timeout=DEADLINE) as sock:
        # The headers alone: nginx has to answer from the declared length, not a byte of body.
        sock.sendall(
            b"POST /upload/?huge HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 209715200\r\n\r\n"
        )
        answer = read_answer(sock)

    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"413 Request Entity Too Large" in answer
    # Anything Django had answered would be in gunicorn's access log before this marker is.
    marker = "/healthz?after-the-413"
    assert get(stack.proxy_port, marker)[0] == 200
    sock_log = stack.gunicorn_log
    deadline = time.monotonic() + DEADLINE
    while marker not in sock_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stack.django_has_seen(marker)
    assert not stack.django_saw("/upload/?huge")


def test_a_body_of_the_upload_limit_still_reaches_django(stack: Stack) -> None:
    body = b"\0" * settings.MAX_UPLOAD_BYTES
    connection = http.client.HTTPConnection("127.0.0.1", stack.proxy_port, timeout=DEADLINE)
    try:
        connection.request(
            "POST",
            "/api/v1/images/?at-the-limit",
            body=body,
            headers={"Host": "127.0.0.1", "Content-Type": "application/octet-stream"},
        )
        response = connection.getresponse()
        answer: dict[str, Any] = json.loads(response.read())
    finally:
        connection.close()

    # Django's own answer to an anonymous upload: the proxy let the body through.
    assert response.status == 401
    assert "detail" in answer
    assert stack.django_has_seen("/api/v1/images/?at-the-limit")


def test_the_body_limit_is_the_upload_limit_plus_a_margin() -> None:
    limit = render_nginx.body_limit({"MAX_UPLOAD_BYTES": "5000000"})
    assert limit == 5000000 + render_nginx.BODY_MARGIN
    conf = render_nginx.render({"MAX_UPLOAD_BYTES": "5000000"})
    assert f"client_max_body_size {limit};" in conf
    assert "proxy_request_buffering on;" in conf
    assert render_nginx.PLACEHOLDER.search(conf) is None


def test_the_renderer_refuses_a_bad_upload_limit() -> None:
    with pytest.raises(SystemExit, match="MAX_UPLOAD_BYTES must be an integer"):
        render_nginx.body_limit({"MAX_UPLOAD_BYTES": "10MB"})


def test_the_renderer_uses_the_environment_it_is_given(tmp_path: Path) -> None:
    env = dict(os.environ, PROXY_RUNTIME_DIR=str(tmp_path / "rt"), PROXY_LISTEN="9999")
    conf = render_nginx.write(env)
    assert conf == tmp_path / "rt" / "nginx.conf"
    assert "listen 9999 default_server;" in conf.read_text()
