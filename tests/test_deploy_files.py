"""No Docker engine runs in CI: check what can be checked of the deployment files."""

from __future__ import annotations

import importlib
import re
import shlex
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def settings_env_vars() -> set[str]:
    source = (ROOT / "project" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list|choice)\(\s*"([A-Z_]+)"', source))


def command_of(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return command if isinstance(command, list) else shlex.split(command)


def test_compose_runs_the_whole_stack_with_healthchecks() -> None:
    assert set(SERVICES) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web", "worker"):
        assert SERVICES[name]["healthcheck"]["test"], name
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata", "media"}
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["env_file"] == ".env"
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_web_serves_the_project_wsgi_app() -> None:
    command = command_of("web")
    assert command[0] == "gunicorn"
    module, attribute = command[1].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert cmd is not None
    assert yaml.safe_load(cmd.group(1)) == command


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_services_name_the_project_app(service: str) -> None:
    command = command_of(service)
    assert command[:3] == ["celery", "-A", "project"]
    app = importlib.import_module(command[2]).celery_app
    assert app.main == "vakt"


def test_worker_consumes_every_queue() -> None:
    command = command_of("worker")
    queues = command[command.index("--queues") + 1].split(",")
    assert set(queues) == {queue.name for queue in settings.CELERY_TASK_QUEUES}


def test_migrate_service_runs_a_real_management_command() -> None:
    command = command_of("migrate")
    assert command[:2] == ["python", "manage.py"]
    assert command[2] in get_commands()


def test_dockerfile_copies_files_that_exist() -> None:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY ") and "--chown" not in line:
            for name in line.split()[1:-1]:
                assert (ROOT / name).exists(), name


def test_env_example_names_only_real_settings() -> None:
    keys = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert keys <= settings_env_vars() | {"DJANGO_ENV"}
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"} <= keys


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in settings_env_vars() if f"`{name}`" not in readme}
    assert not missing, f"README's configuration table lacks {sorted(missing)}"


def test_every_setting_in_the_spec_is_read() -> None:
    spec_vars = {
        "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL",
        "MODERATION_BACKEND", "AWS_REGION", "AWS_STORAGE_BUCKET_NAME", "AWS_ENDPOINT_URL",
        "MAX_UPLOAD_BYTES", "MAX_IMAGE_PIXELS",
    }  # fmt: skip
    assert spec_vars <= settings_env_vars()
