"""docker-compose.yml, .env.example and the Dockerfiles read the way Docker would read them,
for the tests (tests/test_deploy_files.py) and bin/compose-smoke: there is no Docker engine
where they run, so this is as close as they get to `docker compose config`."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = ROOT / ".env.example"
# ${NAME}, ${NAME:-default}, ${NAME-default}, and $$ for a literal $.
_INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def services() -> dict[str, Any]:
    return dict(compose()["services"])


def env_file(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def interpolate(value: str, dotenv: Mapping[str, str]) -> str:
    """Compose's variable substitution, with the project's .env as the only source."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, default = match.groups()
        found = dotenv.get(name)
        if operator == ":-" and not found:
            return default
        if operator == "-" and found is None:
            return default
        return found or ""

    return _INTERPOLATION.sub(replace, value)


def builds_app_image(service: Mapping[str, Any]) -> bool:
    """Built from the project's Dockerfile: a Django service."""
    build = service.get("build")
    if build is None:
        return False
    if isinstance(build, str):
        return build == "."
    return bool(
        build.get("context") == "." and build.get("dockerfile", "Dockerfile") == "Dockerfile"
    )


def dockerfile_of(service: Mapping[str, Any]) -> Path | None:
    build = service.get("build")
    if build is None:
        return None
    if isinstance(build, str):
        return ROOT / build / "Dockerfile"
    return ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined: list[str] = []
    pending = ""
    for line in dockerfile.read_text().splitlines():
        if line.lstrip().startswith("#") and not pending:
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    result = []
    for line in joined:
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def image_env(dockerfile: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for keyword, rest in instructions(dockerfile):
        if keyword == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                values[key] = value
    return values


def runtime_user(dockerfile: Path) -> str:
    users = [rest for keyword, rest in instructions(dockerfile) if keyword == "USER"]
    return users[-1] if users else "root"


def run_commands(dockerfile: Path) -> list[str]:
    """Every shell command of the RUN instructions, one per `&&`-separated step."""
    steps = []
    for keyword, rest in instructions(dockerfile):
        if keyword == "RUN":
            steps += [step.strip() for step in rest.split("&&") if step.strip()]
    return steps


def owners(dockerfile: Path) -> dict[str, str]:
    """The owner of each folder the RUN steps make, replaying their mkdir and chown."""
    owned: dict[str, str] = {}
    for step in run_commands(dockerfile):
        words = shlex.split(step)
        if not words:
            continue
        if words[0] == "mkdir":
            for folder in (word for word in words[1:] if not word.startswith("-")):
                path = Path(folder)
                for made in [*reversed(path.parents), path]:
                    owned.setdefault(str(made), "root")
        elif words[0] == "chown":
            recursive = "-R" in words
            args = [word for word in words[1:] if not word.startswith("-")]
            user, targets = args[0].split(":")[0], args[1:]
            for target in targets:
                for folder in list(owned):
                    inside = folder == target or (recursive and folder.startswith(target + "/"))
                    if inside:
                        owned[folder] = user
    return owned


def service_environment(name: str, dotenv: Mapping[str, str] | None = None) -> dict[str, str]:
    """What a service's process finds in its environment: the image's ENV, then env_file
    (.env, here its example), then the service's `environment`, interpolated from .env."""
    dotenv = env_file() if dotenv is None else dotenv
    service = services()[name]
    values: dict[str, str] = {}
    dockerfile = dockerfile_of(service)
    if dockerfile is not None:
        values.update(image_env(dockerfile))
    if service.get("env_file"):
        values.update(dotenv)
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    for key, value in environment.items():
        values[key] = interpolate(str(value), dotenv)
    return values


def command_of(name: str) -> list[str]:
    """The service's command, or its image's CMD."""
    service = services()[name]
    command = service.get("command")
    if command is not None:
        return list(command) if isinstance(command, list) else shlex.split(command)
    dockerfile = dockerfile_of(service)
    if dockerfile is None:
        raise ValueError(f"{name} has neither a command nor a Dockerfile")
    cmds = [rest for keyword, rest in instructions(dockerfile) if keyword == "CMD"]
    return list(yaml.safe_load(cmds[-1]))
