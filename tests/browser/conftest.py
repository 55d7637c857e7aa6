"""Browser tests: headless Chromium (Debian's, no Playwright download) against live_server.

Run only these with `bin/test tests/browser`; the whole suite (`bin/test`) includes them.
They need the `chromium` package (/usr/lib/chromium/chromium, or set CHROMIUM_PATH).

Playwright's sync API keeps an asyncio loop running in the test thread from the first browser
test to the end of the session, so this thread looks "async" to Django from then on, also in
the transactional tests pytest-django runs after these. The `playwright` fixture below makes
that harmless: see its docstring.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from tests.conftest import clean_env

PASSWORD = "pw-for-tests"  # tests.factories.UserFactory's password
ALLOW_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

SignIn = Callable[..., Page]


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture(scope="session")
def _connections_before_playwright() -> dict[str, BaseDatabaseWrapper]:
    if _loop_running():
        raise RuntimeError("an event loop already runs: cannot capture the sync connections")
    return {alias: connections[alias] for alias in connections}


@pytest.fixture(scope="session")
def playwright(
    _connections_before_playwright: dict[str, BaseDatabaseWrapper], playwright: Playwright
) -> Iterator[Playwright]:
    """pytest-playwright's Playwright, with Django kept working in this thread.

    - Django refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation):
      DJANGO_ALLOW_ASYNC_UNSAFE is set from the moment the loop runs until it stops, so runs
      without browser tests keep Django's check.
    - Django keeps database connections in an asgiref Local that, once a loop runs, hands
      this thread new connection objects. Those lack what pytest-django set up on the old
      ones, the serialized copy of the migrated data above all, so every later
      serialized_rollback test (the e2e ones) would start from an empty database (no seeded
      policy). The old objects are put back for the new context.
    """
    previous = os.environ.get(ALLOW_ASYNC_UNSAFE)
    os.environ[ALLOW_ASYNC_UNSAFE] = "true"
    for alias, connection in _connections_before_playwright.items():
        connections[alias] = connection
    yield playwright
    if previous is None:
        os.environ.pop(ALLOW_ASYNC_UNSAFE, None)
    else:
        os.environ[ALLOW_ASYNC_UNSAFE] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    executable = os.environ.get("CHROMIUM_PATH") or (
        "/usr/lib/chromium/chromium"  # /usr/bin/chromium is a shell wrapper around it
        if Path("/usr/lib/chromium/chromium").exists()
        else "/usr/bin/chromium"
    )
    if not Path(executable).is_file():
        pytest.fail(
            f"Chromium not found at {executable}: apt-get install chromium, or set CHROMIUM_PATH",
            pytrace=False,
        )
    # Chromium writes profile leftovers and crash reports under XDG_*: keep them out of $HOME.
    home = tmp_path_factory.mktemp("chromium")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            *browser_type_launch_args.get("args", []),
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
        "env": clean_env(XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache")),
    }


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """pytest-playwright gives every context this base URL: page.goto("/upload/") works.

    Any test with a page thereby uses live_server, so pytest-django gives it a transactional
    database: rows the test creates are committed and the server thread sees them (and
    pytest-django runs these tests after the plain database tests)."""
    return str(live_server.url)


@pytest.fixture(autouse=True)
def _serialized_rollback(django_db_serialized_rollback: None) -> None:
    """Like every transactional test here (e2e, review races): start from the migrated data
    (the seeded policy, the Moderators group) and leave an empty database, not one whose
    post-migrate content types clash with the next serialized-rollback test's restore."""


@pytest.fixture
def signed_in_page(new_context: Callable[..., BrowserContext]) -> SignIn:
    """sign_in(user, password=PASSWORD, then="/") -> a page of a fresh browser context, signed
    in through the real login form and left on `then`. One context per call, so several users
    can be signed in at once."""

    def sign_in(user: User, password: str = PASSWORD, then: str = "/") -> Page:
        page = new_context().new_page()
        page.goto(f"/accounts/login/?next={then}")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(then)  # no wildcard: exactly the base URL + `then`
        expect(page.locator(".account .who")).to_have_text(user.get_username())
        return page

    return sign_in
