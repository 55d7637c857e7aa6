"""Settings as a fresh process sees them: production refusals and `check --deploy`."""

from __future__ import annotations

import pytest

from tests.conftest import clean_env, run_manage

GOOD_KEY = "t9$kq2!vZr7#xw4@Lm8^pB1&nC6*dF3(hJ5)sG0_yE-aR+uQ=oI~eW"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "vakt.example.com",
}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set when DJANGO_ENV=production"),
        ({"DEBUG": "true"}, "DEBUG must be off when DJANGO_ENV=production"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list the site's host names"),
    ],
    ids=["no-secret-key", "debug-on", "no-allowed-hosts"],
)
def test_production_refuses_to_start(overrides: dict[str, str], message: str) -> None:
    result = run_manage("check", env=clean_env(**{**PRODUCTION, **overrides}))
    assert result.returncode != 0
    assert message in result.stderr


def test_production_passes_check_deploy_without_warnings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(**PRODUCTION))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_bad_setting_stops_start_up_with_its_name() -> None:
    result = run_manage("check", env=clean_env(MAX_UPLOAD_BYTES="ten megabytes"))
    assert result.returncode != 0
    assert "MAX_UPLOAD_BYTES must be an integer, got 'ten megabytes'" in result.stderr


def test_development_defaults_need_no_environment() -> None:
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.MODERATION_BACKEND, "
        "s.CELERY_BROKER_URL, s.STORAGES['default']['BACKEND'])",
        env=clean_env(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "local",
        "redis://127.0.0.1:6379/0",
        "project.files.PrivateFileSystemStorage",
    ]
