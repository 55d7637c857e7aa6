"""Render deploy/nginx.conf.template from the environment, and with --run start nginx on it.

The proxy image runs this (stdlib only, no Django); tests/test_proxy.py renders the same
template with loopback ports and a temp folder. Variables (all optional):
  MAX_UPLOAD_BYTES  the application's upload limit; the body limit is this plus BODY_MARGIN
  PROXY_LISTEN      what nginx listens on (8080: the image runs as an unprivileged user)
  PROXY_UPSTREAM    gunicorn's host:port (web:8000)
  PROXY_RUNTIME_DIR pid file and temp files (/tmp/vakt-proxy)
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # project/settings.py's default
# Multipart framing, the CSRF token and the other form fields around the largest image.
BODY_MARGIN = 1024 * 1024
# Only ${UPPER_CASE} is ours: nginx's own $variables pass through. A name the renderer does not
# know fails with a KeyError rather than reaching nginx half-rendered.
PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {value!r}") from None
    if number < 1:
        raise SystemExit(f"{name} must be at least 1, got {number}")
    return number


def body_limit(env: Mapping[str, str]) -> int:
    return _positive_int(env, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES) + BODY_MARGIN


def render(env: Mapping[str, str]) -> str:
    values = {
        "CLIENT_MAX_BODY_SIZE": str(body_limit(env)),
        "LISTEN": env.get("PROXY_LISTEN") or "8080",
        "UPSTREAM": env.get("PROXY_UPSTREAM") or "web:8000",
        "RUNTIME_DIR": env.get("PROXY_RUNTIME_DIR") or "/tmp/vakt-proxy",  # noqa: S108
    }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], TEMPLATE.read_text())


def write(env: Mapping[str, str]) -> Path:
    """The rendered configuration, in PROXY_RUNTIME_DIR next to the temp folders it names."""
    runtime = Path(env.get("PROXY_RUNTIME_DIR") or "/tmp/vakt-proxy")  # noqa: S108
    runtime.mkdir(parents=True, exist_ok=True)
    path = runtime / "nginx.conf"
    path.write_text(render(env))
    return path


def nginx_command(conf: Path, nginx: str = "nginx") -> list[str]:
    # -e: errors to stderr from the first line on, not to a log file the user cannot write.
    return [nginx, "-c", str(conf), "-e", "stderr", "-g", "daemon off;"]


def main(argv: list[str]) -> None:
    conf = write(os.environ)
    if "--run" not in argv:
        print(conf)
        return
    command = nginx_command(conf)
    os.execvp(command[0], command)  # noqa: S606


if __name__ == "__main__":
    main(sys.argv[1:])
