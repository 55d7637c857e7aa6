"""No Docker engine runs in CI: check what can be checked of the deployment files."""

from __future__ import annotations

import importlib
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.http.request import validate_host

from deploy import compose
from deploy.compose import command_of
from tests.conftest import ROOT

COMPOSE = compose.compose()
SERVICES: dict[str, Any] = COMPOSE["services"]
DJANGO_SERVICES = sorted(name for name, spec in SERVICES.items() if compose.builds_app_image(spec))


def settings_env_vars() -> set[str]:
    source = (ROOT / "project" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list|choice)\(\s*"([A-Z_]+)"', source))


def test_compose_runs_the_whole_stack_with_healthchecks() -> None:
    assert set(SERVICES) == {"postgres", "redis", "migrate", "web", "proxy", "worker", "beat"}
    assert DJANGO_SERVICES == ["beat", "migrate", "web", "worker"]
    for name in ("postgres", "redis", "web", "proxy", "worker"):
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
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)  # the image's default
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


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "deploy/proxy.Dockerfile"])
def test_dockerfile_copies_files_that_exist(dockerfile: str) -> None:
    for line in (ROOT / dockerfile).read_text().splitlines():
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


# ---- the compose stack starts as documented (issue: healthcheck host, CACHE_URL, media) ------


def test_only_the_proxy_is_published() -> None:
    published = {name for name, spec in SERVICES.items() if spec.get("ports")}
    assert published == {"proxy"}
    assert SERVICES["proxy"]["ports"] == ["8000:8080"]
    assert compose.command_of("proxy") == ["python3", "/etc/vakt/render_nginx.py", "--run"]
    proxy_env = compose.service_environment("proxy")
    web_port = command_of("web")[command_of("web").index("--bind") + 1].rsplit(":", 1)[1]
    assert proxy_env["PROXY_UPSTREAM"] == f"web:{web_port}"
    assert proxy_env["MAX_UPLOAD_BYTES"] == compose.env_file()["MAX_UPLOAD_BYTES"]
    assert SERVICES["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"


def healthcheck_urls() -> list[tuple[str, str]]:
    found = []
    for name, spec in SERVICES.items():
        test = " ".join(spec.get("healthcheck", {}).get("test", []))
        found += [(name, url) for url in re.findall(r"https?://[^'\" ]+", test)]
    return found


def test_every_http_healthcheck_uses_an_allowed_host() -> None:
    allowed = compose.env_file()["ALLOWED_HOSTS"].split(",")
    assert {name for name, _ in healthcheck_urls()} == {"web", "proxy"}
    for name, url in healthcheck_urls():
        host = urlsplit(url).hostname or ""
        assert validate_host(host, allowed), f"{name}'s healthcheck calls {host}: {allowed}"


def test_healthchecks_call_the_port_their_service_listens_on() -> None:
    urls = dict(healthcheck_urls())
    bind = command_of("web")[command_of("web").index("--bind") + 1]
    assert urlsplit(urls["web"]).port == int(bind.rsplit(":", 1)[1])
    proxy_port = SERVICES["proxy"]["ports"][0].split(":")[-1]
    assert urlsplit(urls["proxy"]).port == int(proxy_port)
    assert "listen ${LISTEN}" in (ROOT / "deploy" / "nginx.conf.template").read_text()


@pytest.mark.parametrize("service", DJANGO_SERVICES)
def test_each_django_service_reaches_the_database_broker_and_cache(service: str) -> None:
    env = compose.service_environment(service)
    expected = {"DATABASE_URL": "postgres", "CELERY_BROKER_URL": "redis", "CACHE_URL": "redis"}
    for variable, host_service in expected.items():
        assert variable in env, f"{service} gets no {variable}"
        assert urlsplit(env[variable]).hostname == host_service, (service, env[variable])
    assert env["TRUSTED_PROXY_COUNT"] == "1"
    # Even a .env that forgets them: compose's own defaults name the services.
    bare = compose.service_environment(service, {})
    for variable, host_service in expected.items():
        assert urlsplit(bare[variable]).hostname == host_service, (service, variable)


@pytest.mark.parametrize("service", DJANGO_SERVICES)
def test_each_volume_is_a_folder_of_the_image_owned_by_its_runtime_user(service: str) -> None:
    dockerfile = compose.dockerfile_of(SERVICES[service])
    assert dockerfile is not None
    user = compose.runtime_user(dockerfile)
    owners = compose.owners(dockerfile)
    assert user != "root"
    for volume in SERVICES[service].get("volumes", []):
        path = volume.split(":")[1]
        assert owners.get(path) == user, f"{path} of {service}: {owners.get(path)}, not {user}"


def test_the_media_volume_is_where_django_writes_uploads() -> None:
    env = compose.service_environment("web")
    media = [volume.split(":")[1] for volume in SERVICES["web"]["volumes"]]
    assert media == [f"{env['VAKT_DATA_DIR']}/media"]  # settings.MEDIA_ROOT = DATA_DIR / "media"


def test_the_interpolation_reads_dot_env_first() -> None:
    assert compose.interpolate("${A:-x}", {"A": "y"}) == "y"
    assert compose.interpolate("${A:-x}", {"A": ""}) == "x"
    assert compose.interpolate("${A-x}", {"A": ""}) == ""
    assert compose.interpolate("$${HOSTNAME}", {}) == "${HOSTNAME}"
