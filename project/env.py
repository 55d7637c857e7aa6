"""Typed readers for environment variables.

Every setting the project reads from the environment goes through one of these, so a bad
value stops start-up with a message naming the variable and what it should look like,
instead of surfacing later as a confusing error deep inside Django or Celery.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (one of 1/0, true/false, yes/no, on/off), got {value!r}"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated list; blanks around items are ignored."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_rates(name: str, defaults: dict[str, float]) -> dict[str, float]:
    """Rates per name as `name=rate` pairs separated by commas, over the defaults; a rate of 0
    removes a name's entry."""
    rates = dict(defaults)
    value = _raw(name)
    for pair in filter(None, (part.strip() for part in (value or "").split(","))):
        key, _, number = pair.partition("=")
        try:
            rate = float(number)
        except ValueError:
            rate = -1.0
        if not key.strip() or rate < 0:
            raise ImproperlyConfigured(
                f"{name} must be name=rate pairs separated by commas, with rates of 0 or more, "
                f"got {pair!r}"
            )
        rates[key.strip()] = rate
    return {key: rate for key, rate in rates.items() if rate > 0}
