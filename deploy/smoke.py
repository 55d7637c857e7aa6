"""Run every compose service's command with compose's environment, on loopback: there is no
Docker engine here, so this is how the stack is seen to start (bin/compose-smoke).

Only what cannot be the same outside Docker is rewritten: the service host names `postgres`
and `redis` become the local servers (a database of its own, Redis databases shifted by
VAKT_SMOKE_REDIS_DB_OFFSET), the image's /data and /tmp become a temp folder, and listening
ports are free loopback ports. Each service must then pass its own compose healthcheck.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from deploy import compose, render_nginx

DEADLINE = 90.0
PG_ADMIN_URL = os.environ.get("VAKT_SMOKE_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_DB_OFFSET = int(os.environ.get("VAKT_SMOKE_REDIS_DB_OFFSET", "10"))


def say(message: str) -> None:
    print(f"compose-smoke: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def loopback_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    if parts.hostname == "postgres":
        admin = urlsplit(PG_ADMIN_URL)
        return urlunsplit((parts.scheme, admin.netloc, f"/{database}", "", ""))
    if parts.hostname == "redis":
        number = int(parts.path.strip("/") or 0) + REDIS_DB_OFFSET
        return urlunsplit((parts.scheme, f"127.0.0.1:{parts.port or 6379}", f"/{number}", "", ""))
    return url


class Smoke:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # A container always has /tmp; here it is a folder of our own (beat's schedule lives there).
        (folder / "tmp").mkdir(exist_ok=True)
        self.database = f"vakt_smoke_{os.getpid()}"
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []

    def env(self, service: str, **extra: str) -> dict[str, str]:
        values = compose.service_environment(service)
        for key, value in values.items():
            value = loopback_url(value, self.database)
            # The image's folders (VAKT_DATA_DIR=/data) live in the temp folder here.
            if value.startswith(("/data", "/tmp")):  # noqa: S108
                value = str(self.folder) + value
            values[key] = value
        base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
        # The image's python, gunicorn and celery are this virtualenv's.
        base["PATH"] = f"{Path(sys.executable).parent}:{base.get('PATH', '')}"
        return {**base, **values, **extra}

    def command(self, service: str) -> list[str]:
        command = compose.command_of(service)
        image_tmp = "/tmp/"  # noqa: S108 - the container's, moved into our temp folder
        return [str(self.folder) + word if word.startswith(image_tmp) else word for word in command]

    def run(self, what: str, command: list[str], env: dict[str, str]) -> None:
        say(f"{what}: {' '.join(command)}")
        done = subprocess.run(command, cwd=compose.ROOT, env=env, check=False, timeout=600)  # noqa: S603
        if done.returncode != 0:
            raise SystemExit(f"compose-smoke: {what} failed with {done.returncode}")

    def start(self, service: str, command: list[str], env: dict[str, str]) -> None:
        say(f"{service}: {' '.join(command)}")
        log = (self.folder / f"{service}.log").open("wb")
        proc = subprocess.Popen(  # noqa: S603
            command, cwd=compose.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.procs.append((service, proc))

    def healthy(self, service: str, env: dict[str, str], replace: tuple[str, str]) -> None:
        """The service's own compose healthcheck, retried until it passes or the deadline."""
        test = compose.services()[service]["healthcheck"]["test"]
        kind, *words = (compose.interpolate(word, {}) for word in test)
        command = [word.replace(*replace) for word in words]
        if kind == "CMD-SHELL":
            command = ["sh", "-c", " ".join(command)]
        self.wait(f"{service} healthy", lambda: self.passes(command, env), service)

    def passes(self, command: list[str], env: dict[str, str]) -> bool:
        done = subprocess.run(command, env=env, capture_output=True, check=False, timeout=60)  # noqa: S603
        return done.returncode == 0

    def wait(self, what: str, check: Callable[[], bool], service: str) -> None:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            for name, proc in self.procs:
                if proc.poll() is not None:
                    self.fail(f"{name} exited with {proc.returncode}")
            if check():
                say(f"{what}: ok")
                return
            time.sleep(0.5)
        self.fail(f"no {what} after {DEADLINE} s")

    def fail(self, message: str) -> None:
        for name, _ in self.procs:
            log = self.folder / f"{name}.log"
            print(f"--- {name} log (last lines)\n" + "\n".join(log.read_text().splitlines()[-30:]))
        raise SystemExit(f"compose-smoke: {message}")

    def stop(self) -> None:
        for _, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for _, proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def database(name: str, action: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')  # name is ours, not input
        if action == "create":
            connection.execute(f'CREATE DATABASE "{name}"')


def image_build_steps(smoke: Smoke) -> None:
    """The Dockerfile's manage.py steps (translations, collectstatic), as the build runs them."""
    dockerfile = compose.ROOT / "Dockerfile"
    env = smoke.env("web")
    for folder, owner in compose.owners(dockerfile).items():
        if folder.startswith("/data"):
            (smoke.folder / folder.lstrip("/")).mkdir(parents=True, exist_ok=True)
            say(f"image folder {folder} (owner {owner})")
    for step in compose.run_commands(dockerfile):
        if "manage.py" in step:
            smoke.run("image build", ["sh", "-c", step], env)


def main() -> None:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if nginx is None:
        raise SystemExit("compose-smoke: nginx is not installed (Debian: apt-get install nginx)")
    folder = Path(tempfile.mkdtemp(prefix="vakt-compose-smoke-"))
    folder.chmod(0o755)  # nginx's workers (nobody, when run as root) reach their temp files
    smoke = Smoke(folder)
    database(smoke.database, "create")
    try:
        image_build_steps(smoke)
        smoke.run("migrate", smoke.command("migrate"), smoke.env("migrate"))

        web_port = free_port()
        web = smoke.command("web")
        web[web.index("--bind") + 1] = f"127.0.0.1:{web_port}"
        smoke.start("web", web, smoke.env("web"))
        smoke.healthy("web", smoke.env("web"), ("127.0.0.1:8000", f"127.0.0.1:{web_port}"))

        proxy_port = free_port()
        proxy_env = smoke.env(
            "proxy",
            PROXY_LISTEN=f"127.0.0.1:{proxy_port}",
            PROXY_UPSTREAM=f"127.0.0.1:{web_port}",
            PROXY_RUNTIME_DIR=str(folder / "proxy"),
            PATH=f"{Path(nginx).parent}:{os.environ.get('PATH', '')}",
        )
        renderer = str(Path(render_nginx.__file__))
        proxy = [sys.executable if word == "python3" else word for word in smoke.command("proxy")]
        proxy = [renderer if word.endswith("/render_nginx.py") else word for word in proxy]
        smoke.start("proxy", proxy, proxy_env)
        smoke.healthy("proxy", smoke.env("web"), ("127.0.0.1:8080", f"127.0.0.1:{proxy_port}"))

        # celery's node is celery@<host name>; in a container $HOSTNAME is that name.
        worker_env = smoke.env("worker", HOSTNAME=socket.gethostname())
        smoke.start("worker", smoke.command("worker"), worker_env)
        smoke.healthy("worker", worker_env, ("", ""))

        smoke.start("beat", smoke.command("beat"), smoke.env("beat"))
        beat_log = folder / "beat.log"
        smoke.wait("beat started", lambda: "beat: Starting" in beat_log.read_text(), "beat")
        say("every service started and passed its healthcheck")
    finally:
        smoke.stop()
        database(smoke.database, "drop")
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
