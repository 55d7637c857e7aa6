from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from project.env import env_bool, env_choice, env_int, env_list, env_str


def test_defaults_when_unset_or_blank(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VAKT_X", raising=False)
    assert env_str("VAKT_X", "d") == "d"
    monkeypatch.setenv("VAKT_X", "   ")
    assert env_str("VAKT_X", "d") == "d"
    assert env_bool("VAKT_X", True) is True
    assert env_int("VAKT_X", 7) == 7
    assert env_list("VAKT_X", ["a"]) == ["a"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        ("yes", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
    ],
)
def test_env_bool_accepts_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("VAKT_X", raw)
    assert env_bool("VAKT_X", not expected) is expected


def test_env_bool_rejects_anything_else_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG must be a boolean .* got 'maybe'"):
        env_bool("DEBUG", False)


def test_env_int_parses_and_checks_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "1048576")
    assert env_int("MAX_UPLOAD_BYTES", 1, minimum=1) == 1_048_576
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "10MB")
    with pytest.raises(
        ImproperlyConfigured, match=r"MAX_UPLOAD_BYTES must be an integer, got '10MB'"
    ):
        env_int("MAX_UPLOAD_BYTES", 1)
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "0")
    with pytest.raises(ImproperlyConfigured, match=r"MAX_UPLOAD_BYTES must be at least 1, got 0"):
        env_int("MAX_UPLOAD_BYTES", 1, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", " vakt.example.com, ,api.example.com ")
    assert env_list("ALLOWED_HOSTS", []) == ["vakt.example.com", "api.example.com"]


def test_env_choice_names_the_allowed_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATION_BACKEND", "aws")
    assert env_choice("MODERATION_BACKEND", "local", ("local", "aws")) == "aws"
    monkeypatch.setenv("MODERATION_BACKEND", "gcp")
    with pytest.raises(ImproperlyConfigured, match=r"MODERATION_BACKEND must be one of local, aws"):
        env_choice("MODERATION_BACKEND", "local", ("local", "aws"))
